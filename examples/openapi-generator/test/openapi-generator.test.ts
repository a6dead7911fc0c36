import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { LicenceEmulator } from "@trustspec/licence/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureJar, repositoryRoot } from "../src/jar.mjs";
import { ensureJava } from "./java.js";

const run = promisify(execFile);
const cli = join(import.meta.dirname, "..", "src", "openapi-generator.mjs");
const tsc = join(import.meta.dirname, "..", "node_modules", "typescript", "bin", "tsc");
const specs = ["licence", "dss-signserver", "dss-sts", "dss-ums", "suz"];
const out = mkdtempSync(join(tmpdir(), "trustspec-openapi-generator-"));

/**
 * The files of the licence client that typescript-fetch 5.0.0-beta2 writes wrongly, so tsc rejects
 * them: it writes the (de)serializer of a property typed by an inline union of primitive types
 * (ITN/IEC `int64 | string`, a connection's or session's `string | int64 | boolean`) as
 * `number | stringFromJSON(...)`, and the body of writeMemory (one of two request models) as a
 * value of a type. The document says these things correctly; this generator version cannot turn
 * them into code. Nothing else is rejected, and the operations that avoid them work.
 */
const filesTheGeneratorGetsWrong = [
  "apis/MemoryApi.ts",
  "models/Connection.ts",
  "models/Licence.ts",
  "models/LicenceInstallRequest.ts",
  "models/Session.ts",
  "models/SessionCreateRequest.ts",
];

describe("OpenAPI Generator on the specs' OpenAPI 3.0 documents", () => {
  let jar: string;

  beforeAll(() => {
    ensureJava();
    jar = ensureJar();
  }, 600_000);
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("finds every spec's openapi.3.0.yaml valid", async () => {
    const results = await Promise.all(
      specs.map((spec) =>
        run("java", ["-jar", jar, "validate", "-i", `specs/${spec}/openapi.3.0.yaml`], {
          cwd: repositoryRoot,
        }).then(({ stdout }) => ({ spec, stdout })),
      ),
    );
    for (const { spec, stdout } of results) {
      expect(stdout, spec).toContain(`Validating spec (specs/${spec}/openapi.3.0.yaml)`);
      expect(stdout, spec).not.toContain("Errors:");
    }
  });

  describe("the typescript-fetch client of specs/licence/openapi.3.0.yaml", () => {
    let emulator: Awaited<ReturnType<LicenceEmulator["listen"]>>;

    beforeAll(async () => {
      // The same command a user runs: the wrapper, openapitools.json, the pinned JAR, offline.
      await run(
        process.execPath,
        [
          cli,
          "generate",
          "-g",
          "typescript-fetch",
          "-i",
          "specs/licence/openapi.3.0.yaml",
          "-o",
          out,
        ],
        { cwd: repositoryRoot },
      );
      emulator = await new LicenceEmulator({ demo: true }).listen({ host: "127.0.0.1", port: 0 });
    }, 120_000);
    afterAll(() => emulator?.close());

    it("compiles with tsc, given a GlobalFetch type, but for the files the generator gets wrong", async () => {
      // runtime.ts types fetch as GlobalFetch['fetch'], which TypeScript's DOM library had until 3.6:
      // the old declaration, a method, so that the runtime's own (url: string, init) => … fits it.
      writeFileSync(
        join(out, "global-fetch.d.ts"),
        "interface GlobalFetch { fetch(input: RequestInfo, init?: RequestInit): Promise<Response> }\n",
      );
      writeFileSync(
        join(out, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: {
            target: "ES2022",
            lib: ["ES2022", "DOM"],
            module: "ESNext",
            moduleResolution: "bundler",
            strict: true,
            noEmit: true,
            types: [],
          },
          include: ["**/*.ts"],
        }),
      );
      const result = await run(process.execPath, [tsc, "-p", "."], { cwd: out }).then(
        () => "",
        (error: { stdout?: string }) => error.stdout ?? String(error),
      );
      const rejected = new Set(
        [...result.matchAll(/^([\w/.-]+\.ts)\(\d+,\d+\): error/gm)].map((match) => match[1]),
      );
      expect([...rejected].sort()).toEqual(filesTheGeneratorGetsWrong);
    });

    it("reads the server information from the emulator over HTTP with Basic auth", async () => {
      const client = await import(pathToFileURL(join(out, "index.ts")).href);
      const configuration = new client.Configuration({
        basePath: emulator.url.replace(/\/$/, ""),
        username: "admin",
        password: "admin",
        fetchApi: fetch, // the default is window.fetch, which Node does not have
      });
      const server = new client.ServerApi(configuration);
      const info = await server.getServerInfo({});
      expect(info.computerName).toBe("LICENCE-EMULATOR");
      expect(info.version).toBe("3.0.34.11319");
      expect(info.started).toBeInstanceOf(Date);
      const api = await server.getApiInfo({});
      expect(api.urns).toContain("/api/licences");

      const refused = new client.ServerApi(
        new client.Configuration({
          basePath: configuration.basePath,
          username: "admin",
          password: "x",
          fetchApi: fetch,
        }),
      );
      const failure = await refused.getServerInfo({}).catch((response: Response) => response);
      expect(failure.status).toBe(401);
    });
  });
});
