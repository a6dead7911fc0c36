import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type CallInput, createClient, SchemaValidator } from "@trustspec/runtime";
import type { ClientFunction } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as client from "../src/generated/client.gen.js";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";

/**
 * The example corpus of specs/suz: every request and response the excerpt prints is a file that
 * validates against the schema its index entry names and matches the excerpt's lines (verbatim, or
 * through its .raw.txt copy where it had to be repaired); printed request lines and headers decode
 * to the input groups of their example; and every example travels through the generated client
 * unchanged: requests as the client sends them, answers as the client returns them.
 */
const specDir = join(import.meta.dirname, "..", "..", "..", "specs", "suz");
const dir = join(specDir, "examples");
/**
 * The source document, where this checkout has it: the checks that compare the corpus with the
 * excerpt's lines run only then (the vendor's text is not part of the repository).
 */
const excerptPath = join(specDir, "..", "..", "..", "shared", "seeds", "suz-oms-api-excerpt.txt");
const haveExcerpt = existsSync(excerptPath);
const excerpt = haveExcerpt ? readFileSync(excerptPath, "utf8").split("\n") : [];
const withExcerpt = it.skipIf(!haveExcerpt);
const openapi = parse(readFileSync(join(specDir, "openapi.yaml"), "utf8")) as Record<
  string,
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, walked by the checks below.
  any
>;

interface Entry {
  file: string;
  source: string;
  operationId: string;
  direction: "request" | "response";
  status?: number;
  schema: string | null;
  in?: "parameters";
  raw?: string;
  defect?: string;
  note?: string;
}
const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as Entry[];
const validator = new SchemaValidator(schemas);
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const json = (e: Entry) => JSON.parse(read(e.file)) as Record<string, unknown>;
const fns = client as unknown as Record<string, ClientFunction>;
const opById = (id: string) => operationList.find((op) => op.operationId === id)!;

/** The excerpt's lines `a-b` of a `suz-oms-api-excerpt.txt:a-b` reference, joined. */
function cited(source: string): string {
  const m = /^suz-oms-api-excerpt\.txt:(\d+)-(\d+)$/.exec(source);
  if (!m) throw new Error(`bad source ${source}`);
  return `${excerpt.slice(Number(m[1]) - 1, Number(m[2])).join("\n")}\n`;
}

/** A printed request: its method, its target as printed, and its headers. */
function printedRequest(raw: string) {
  const [line, ...rest] = raw.trimEnd().split("\n");
  const m = /^([A-Z]+) (\S+) HTTP\/1\.1$/.exec(line!);
  if (!m) throw new Error(`not a request line: ${line}`);
  const headers = new Map<string, string>();
  for (const h of rest) {
    const colon = h.indexOf(":");
    headers.set(h.slice(0, colon).trim(), h.slice(colon + 1).trim());
  }
  return { method: m[1]!, target: m[2]!, headers };
}

/**
 * The input groups a printed request carries for `operationId`: path parameters matched against
 * the operation's path template, the query, and the operation's own header parameters. A target
 * without its leading slash (the ИС МДЛП examples) is read as if it had one.
 */
function inputOf(raw: string, operationId: string): CallInput {
  const op = opById(operationId);
  const { target, headers } = printedRequest(raw);
  const url = new URL(target.startsWith("/") ? target : `/${target}`, "https://stand.example");
  const names: string[] = [];
  const pattern = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
    names.push(name);
    return "([^/]+)";
  });
  const match = new RegExp(`^${pattern}$`).exec(url.pathname);
  expect(match, `${url.pathname} is ${op.path}`).not.toBeNull();
  const input: CallInput = {};
  if (names.length > 0)
    input.path = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(match![i + 1]!)]));
  if (url.search) input.query = Object.fromEntries(url.searchParams);
  const own = op.params.filter((p) => p.in === "header").map((p) => p.name);
  const sent = own.filter((name) => headers.has(name));
  if (sent.length > 0) input.headers = Object.fromEntries(sent.map((n) => [n, headers.get(n)!]));
  return input;
}

/** The parameters example printed with a body example (`…-request-2` goes with `…-request-params-2`). */
function paramsFor(entry: Entry): Entry | undefined {
  const name = entry.file.replace(/-request(-\d+)?\.json$/, "-request-params$1.json");
  return index.find((e) => e.file === name && e.in === "parameters");
}

/**
 * The X-Signature of the printed request is the placeholder "<Открепленная подпись запроса>";
 * Cyrillic text cannot travel in an HTTP header, so a Base64 value stands in for it.
 */
const SIGNATURE_STAND_IN = Buffer.from("detached CMS of the body").toString("base64");
function sendable(input: CallInput): CallInput {
  const headers = input.headers as Record<string, string> | undefined;
  if (!headers?.["X-Signature"]?.startsWith("<")) return input;
  return { ...input, headers: { ...headers, "X-Signature": SIGNATURE_STAND_IN } };
}

/** A client whose transport records what it sends and answers `reply`. */
function recordingClient(reply: { status: number; body: unknown }) {
  const sent: { url: URL; method: string; headers: Headers; body: string }[] = [];
  const c = createClient(schemas, {
    baseUrl: "https://stand.example",
    validation: "strict",
    retry: false,
    fetch: async (url, init) => {
      sent.push({
        url: new URL(String(url)),
        method: String(init?.method),
        headers: new Headers(init?.headers),
        body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : "",
      });
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { "content-type": "application/json" },
      });
    },
  });
  return { c, sent };
}

/** A successful answer of each operation, for the calls whose answer is not under test. */
const OK: Record<string, unknown> = {
  registerConnection: { status: "SUCCESS" },
  mdlpAuth: { code: "b7b1abc9-f4ee-47db-8a20-f80ac83504e8" },
  mdlpToken: { token: "t", life_time: 30 },
  trueApiAuthKey: { uuid: "u", data: "d" },
  trueApiSimpleSignIn: { token: "t" },
};

/** Input that satisfies an operation, from the corpus where it has one. */
function someInput(operationId: string): CallInput {
  const params = index.find((e) => e.operationId === operationId && e.in === "parameters");
  const body = index.find(
    (e) => e.operationId === operationId && e.direction === "request" && !e.in,
  );
  return sendable({
    ...(params ? json(params) : {}),
    ...(body ? { body: json(body) } : {}),
  });
}

describe("СУЗ example corpus", () => {
  it("indexes every example file exactly once, and every verbatim copy", () => {
    const files = readdirSync(dir);
    const examples = files.filter((f) => f.endsWith(".json") && f !== "index.json");
    expect(index.map((e) => e.file).sort()).toEqual(examples.sort());
    const raws = files.filter((f) => f.endsWith(".raw.txt"));
    expect(index.flatMap((e) => (e.raw ? [e.raw] : [])).sort()).toEqual(raws.sort());
  });

  withExcerpt("covers every example figure of the excerpt (Рисунки 210-216)", () => {
    const figures = excerpt.filter((l) => /^```$/.test(l)).length / 2;
    const sources = new Set(index.filter((e) => !e.in).map((e) => e.source));
    // Seven fenced examples; each gives one body file (Рисунок 210 also its parameters).
    expect(figures).toBe(7);
    expect(sources.size).toBe(7);
    for (const e of index) expect(opById(e.operationId), e.file).toBeDefined();
  });

  withExcerpt.each(index.filter((e) => !e.raw).map((e) => [e.file, e] as const))(
    "%s is the excerpt's text at its source lines",
    (_f, entry) => {
      expect(json(entry)).toEqual(JSON.parse(cited(entry.source)));
    },
  );

  withExcerpt.each(index.filter((e) => e.raw).map((e) => [e.file, e] as const))(
    "%s keeps the excerpt's text verbatim in its .raw.txt copy",
    (_f, entry) => {
      expect(read(entry.raw!)).toBe(cited(entry.source));
    },
  );

  it.each(index.filter((e) => e.schema).map((e) => [e.file, e] as const))(
    "%s validates against its schema",
    (_f, entry) => {
      expect(validator.validate(entry.schema!, json(entry))).toEqual([]);
      // Request bodies also satisfy the operation's declared body, responses its declared answer.
      const op = opById(entry.operationId);
      const declared =
        entry.direction === "request"
          ? op.requestBody?.schema
          : op.responses[String(entry.status)]?.schema;
      expect(validator.validate(declared!, json(entry))).toEqual([]);
    },
  );

  it.each(index.filter((e) => e.defect).map((e) => [e.file, e] as const))(
    "%s: the repaired defect is real",
    (_f, entry) => {
      const raw = read(entry.raw!);
      if (entry.in === "parameters") {
        // The printed target is not an absolute path.
        expect(printedRequest(raw).target.startsWith("/")).toBe(false);
      } else {
        expect(JSON.parse(raw)).not.toEqual(json(entry));
      }
    },
  );

  it("the trailing space of Рисунок 213's user_id is the only change of its repair", () => {
    const entry = index.find((e) => e.file === "002-mdlpAuth-request-2.json")!;
    const printed = JSON.parse(read(entry.raw!)) as Record<string, string>;
    expect(printed.user_id).toBe("1865725612 ");
    expect({ ...printed, user_id: printed.user_id!.trim() }).toEqual(json(entry));
  });

  const parameterEntries = index.filter((e) => e.in === "parameters");
  it.each(parameterEntries.map((e) => [e.file, e] as const))(
    "%s is what the printed request line and headers carry",
    (_f, entry) => {
      expect(inputOf(read(entry.raw!), entry.operationId)).toEqual(json(entry));
      expect(printedRequest(read(entry.raw!)).method).toBe(opById(entry.operationId).method);
    },
  );

  const requests = index.filter((e) => e.direction === "request" && !e.in);
  it.each(requests.map((e) => [e.file, e] as const))(
    "%s: the client sends this body unchanged, to the printed target",
    async (_f, entry) => {
      const params = paramsFor(entry);
      const input = sendable({ ...(params ? json(params) : {}), body: json(entry) });
      const { c, sent } = recordingClient({ status: 200, body: OK[entry.operationId] });
      await fns[entry.operationId]!(c, input);
      expect(sent).toHaveLength(1);
      expect(JSON.parse(sent[0]!.body)).toEqual(json(entry));
      expect(sent[0]!.headers.get("content-type")).toMatch(/^application\/json/);
      expect(sent[0]!.headers.get("accept")).toBe("application/json");
      if (params) {
        const printed = printedRequest(read(params.raw!));
        const target = printed.target.startsWith("/") ? printed.target : `/${printed.target}`;
        expect(sent[0]!.method).toBe(printed.method);
        expect(sent[0]!.url.pathname + sent[0]!.url.search).toBe(target);
        for (const [name, value] of Object.entries(
          (sendable(json(params)) as CallInput).headers ?? {},
        ))
          expect(sent[0]!.headers.get(name)).toBe(value);
      }
    },
  );

  const answers = index.filter((e) => e.direction === "response");
  it.each(answers.map((e) => [e.file, e] as const))(
    "%s: the client returns this answer unchanged",
    async (_f, entry) => {
      const { c } = recordingClient({ status: entry.status!, body: json(entry) });
      const result = await fns[entry.operationId]!(c, someInput(entry.operationId));
      expect(result.status).toBe(entry.status);
      expect(result.data).toEqual(json(entry));
    },
  );
});

describe("stands and the sandbox key as the excerpt prints them", () => {
  const urls = (servers: { url: string }[]) => servers.map((s) => s.url);
  const registration = openapi.paths["/api/v3/integration/connection"].post;

  it("the document's servers are the СУЗ registration stands, sandbox first (lines 246-247)", () => {
    expect(urls(openapi.servers)).toEqual([
      "https://suz-integrator.sandbox.crptech.ru",
      "https://suzgrid.crpt.ru:16443",
    ]);
    if (haveExcerpt)
      for (const url of urls(openapi.servers))
        expect(excerpt.slice(245, 247).join("\n")).toContain(url);
    expect(client.defaultSuzBaseUrl).toBe("https://suz-integrator.sandbox.crptech.ru");
  });

  it("the sandbox registration key is the one printed at lines 246 and 312", () => {
    const sandbox = registration["x-trustspec-sandbox"];
    expect(sandbox.server).toBe(openapi.servers[0].url);
    expect(sandbox.registrationKey).toBe("4344d884-7f21-456c-981e-cd68e92391e8");
    if (haveExcerpt)
      for (const line of [246, 312]) expect(excerpt[line - 1]).toContain(sandbox.registrationKey);
    expect(sandbox.registrationKey).toMatch(/^[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}$/);
  });

  withExcerpt("the ИС МДЛП operations carry the five ИС МДЛП stands of lines 362-367", () => {
    const printed = excerpt.slice(361, 367).flatMap((l) => /(https?:\/\/\S+)/.exec(l)?.[1] ?? []);
    expect(printed).toHaveLength(5);
    for (const path of ["/api/v1/auth", "/api/v1/token/{omsConnection}"])
      expect(urls(openapi.paths[path].post.servers)).toEqual(printed);
  });

  it("the True API operations carry their own stands and say they come from outside the excerpt", () => {
    for (const [path, method] of [
      ["/auth/key", "get"],
      ["/auth/simpleSignIn/{omsConnection}", "post"],
    ] as const) {
      const op = openapi.paths[path][method];
      expect(op.servers.length).toBeGreaterThan(0);
      expect(op["x-trustspec-source"].origin).toBe("outside-excerpt");
    }
  });

  it("every operation and schema says where it comes from, citing lines inside the excerpt", () => {
    const marked = [
      ...Object.values(openapi.paths).flatMap((item) => Object.values(item as object)),
      ...Object.values(openapi.components.schemas),
    ] as Record<string, Record<string, string>>[];
    const unmarked = Object.entries(openapi.components.schemas)
      .filter(([, s]) => !(s as Record<string, unknown>)["x-trustspec-source"])
      .map(([name]) => name);
    // Uuid is a scalar, and MdlpTokenRequest a union of two marked bodies.
    expect(unmarked.sort()).toEqual(["MdlpTokenRequest", "Uuid"]);
    for (const item of marked) {
      const source = item["x-trustspec-source"];
      if (!source) continue;
      expect(["excerpt", "outside-excerpt"]).toContain(source.origin);
      const refs = `${source.lines ?? ""} ${source.referencedAt ?? ""}`.match(/\d+/g) ?? [];
      if (source.origin === "excerpt") expect(refs.length).toBeGreaterThan(0);
      for (const n of refs) expect(Number(n)).toBeLessThanOrEqual(537);
    }
  });
});
