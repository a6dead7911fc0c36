/**
 * The example corpus of specs/licence/examples: every example the vendor documents print, checked
 * against the generated schemas, the repairs of the defective ones checked against their raw text,
 * and the response examples served through MSW to the generated client.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ApiError,
  type ApiResult,
  type Client,
  type OperationDescriptor,
  type SchemaBundle,
  SchemaValidator,
  ValidationError,
} from "@trustspec/runtime";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";
import type { LicenceHandlers } from "../src/generated/server.gen.js";
import * as licence from "../src/index.js";
import { createLicenceMockHandlers } from "../src/mocks.js";
import { createLicenceRouter, formatLicenceError } from "../src/server.js";
import { makeKeys, rejection } from "./support.js";

interface Entry {
  file: string;
  source: string;
  operationId: string | null;
  direction: "request" | "response";
  status?: number;
  schema: string | null;
  partialOf?: string;
  defect?: string;
  raw?: string;
  note?: string;
}

const dir = join(import.meta.dirname, "..", "..", "..", "specs", "licence", "examples");
const index: Entry[] = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const example = (file: string): unknown => JSON.parse(read(file));

const validator = new SchemaValidator(schemas);
/** The same schemas with every `required` list dropped: the shape without the required-ness. */
const lenientValidator = new SchemaValidator({
  ...schemas,
  $defs: withoutRequired(schemas.$defs) as Record<string, unknown>,
} as SchemaBundle);

function withoutRequired(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutRequired);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key, v]) => !(key === "required" && Array.isArray(v)))
      .map(([key, v]) => [key, withoutRequired(v)]),
  );
}

const ops: Record<string, OperationDescriptor> = Object.fromEntries(
  operationList.map((op) => [op.operationId, op]),
);

const refName = (schema: unknown) =>
  typeof schema === "object" && schema !== null && "$ref" in schema
    ? String((schema as { $ref: string }).$ref).replace(/^.*#\/\$defs\//, "")
    : undefined;

const withSchema = index.filter((e) => e.schema !== null);
const partial = index.filter((e) => e.partialOf !== undefined);
const defective = index.filter((e) => e.defect !== undefined);
const jsonDefective = defective.filter((e) => !e.file.includes("response-headers"));

describe("the example index", () => {
  it("lists every example file of the directory exactly once, and each listed file exists", () => {
    const onDisk = readdirSync(dir)
      .filter((f) => f !== "index.json")
      .sort();
    const listed = index.flatMap((e) => (e.raw ? [e.file, e.raw] : [e.file])).sort();
    expect(listed).toEqual(onDisk);
    expect(new Set(listed).size).toBe(listed.length);
  });

  it("names only operations of the contract, and response examples carry a status", () => {
    for (const e of index) {
      if (e.operationId !== null) expect(Object.keys(ops)).toContain(e.operationId);
      if (e.direction === "response") expect(e.status).toBeTypeOf("number");
    }
    // The corpus covers both directions and all three kinds of entry.
    expect(withSchema.length).toBeGreaterThanOrEqual(15);
    expect(partial).toHaveLength(6);
    expect(defective.length).toBeGreaterThanOrEqual(10);
  });

  it.each(withSchema.filter((e) => e.operationId !== null))(
    "$file: its schema is the one the contract declares for $operationId",
    (e) => {
      const op = ops[e.operationId!]!;
      const declared =
        e.direction === "response"
          ? op.responses[String(e.status)]?.schema
          : (op.requestBody?.schema ?? op.toleratedBody?.schema);
      expect(refName(declared)).toBe(e.schema);
    },
  );

  it.each(withSchema.filter((e) => e.operationId === null))(
    "$file: every operation declares $schema for HTTP $status",
    (e) => {
      for (const op of operationList) {
        expect(refName(op.responses[String(e.status)]?.schema)).toBe(e.schema);
      }
    },
  );
});

describe("examples with a schema", () => {
  it.each(withSchema)("$file validates against $schema", (e) => {
    expect(validator.has(e.schema!)).toBe(true);
    expect(validator.validate(e.schema!, example(e.file))).toEqual([]);
  });

  it("the validator is not vacuous: a broken copy of each example fails its schema", () => {
    for (const e of withSchema) {
      const value = example(e.file) as Record<string, unknown>;
      const [first] = Object.keys(value);
      const broken = { ...value, [first!]: { not: "the right type" } };
      expect(validator.validate(e.schema!, broken), e.file).not.toEqual([]);
    }
  });
});

describe("abridged examples (partialOf)", () => {
  it.each(partial)("$file matches $partialOf once required-ness is ignored", (e) => {
    expect(e.schema).toBeNull();
    expect(lenientValidator.validate(e.partialOf!, example(e.file))).toEqual([]);
  });

  it.each(partial)("$file fails the strict $partialOf, only for missing required fields", (e) => {
    const issues = validator.validate(e.partialOf!, example(e.file));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(issue.message).toMatch(/^must have required property /);
  });

  it("the lenient validator still checks types", () => {
    const e = partial.find((p) => p.partialOf === "LicenceList")!;
    const value = example(e.file) as { Licences: Record<string, unknown>[] };
    const wrong = { Licences: [{ ...value.Licences[0], Type: "Floppy" }] };
    expect(lenientValidator.validate("LicenceList", wrong)).not.toEqual([]);
  });
});

/**
 * Applies the repairs the index describes to a raw PDF/OCR text: drops the page footer that
 * interrupts an object, drops the `. . .` / `...` placeholder lines, rejoins a string wrapped over
 * lines, removes trailing commas, and closes an object left open.
 */
function repair(raw: string): string {
  let lines = raw.replace(/\r\n?/g, "\n").split("\n");
  const footer = lines.findIndex((l) => /^СЛК 3\.0 ©/.test(l));
  if (footer >= 0) {
    const end = lines.findIndex((l, i) => i > footer && /^\d+ \/ \d+\s*$/.test(l));
    lines.splice(footer, end - footer + 1);
  }
  lines = lines.filter((l) => !/^\s*(\. \. \.|\.\.\.)\s*$/.test(l));
  const joined: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!;
    const quotes = (text: string) => (text.replace(/\\./g, "").match(/"/g) ?? []).length;
    while (quotes(line) % 2 === 1 && i + 1 < lines.length) {
      i++;
      if (lines[i]!.trim() !== "") line = `${line.trimEnd()} ${lines[i]!.trimStart()}`;
    }
    joined.push(line);
  }
  let text = joined.join("\n").replace(/,(\s*[}\]])/g, "$1");
  const open = (text.match(/\{/g) ?? []).length - (text.match(/\}/g) ?? []).length;
  text += "}".repeat(Math.max(0, open));
  return text;
}

describe("examples repaired from a defective print (defect)", () => {
  it.each(defective)("$file: the raw text $raw is beside it", (e) => {
    expect(e.raw).toBeDefined();
    expect(read(e.raw!).length).toBeGreaterThan(0);
  });

  it.each(jsonDefective)("$file: the raw text is not JSON, so the repair was needed", (e) => {
    expect(() => JSON.parse(read(e.raw!))).toThrow(SyntaxError);
  });

  it.each(jsonDefective.filter((e) => e.file !== "001-getSession-200.json"))(
    "$file: the raw text, repaired as its note says, gives exactly the committed JSON",
    (e) => {
      expect(JSON.parse(repair(read(e.raw!)))).toEqual(example(e.file));
    },
  );

  it("001-getSession-200.json: the OCR-mangled connection string is restored to the 3.0.34 value", () => {
    const raw = read("001-getSession-200.raw.txt");
    expect(raw).toContain('"File=\\\\D:\\\\Projects\\\\Licence\\\\v3.0\\\\DB\\\\DemoDb\\",";');
    expect(() => JSON.parse(repair(raw))).toThrow(SyntaxError);
    expect(example("001-getSession-200.json")).toEqual(example("000-getSession-200.json"));
    expect(
      (example("001-getSession-200.json") as Record<string, string>).InfoBaseConnectionStr,
    ).toBe('File="D:\\Projects\\Licence\\v3.0\\DB\\DemoDb";');
  });
});

/** Reads a printed block of response headers: `Status Code NNN …`, then `Name value` lines. */
function parseHeaderCapture(raw: string, options: { rejoinWrapped: boolean }) {
  const lines = raw
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== "");
  const [statusLine, ...rest] = lines;
  const status = Number(/^Status Code\s+(\d{3})\b/.exec(statusLine ?? "")?.[1]);
  const headers: Record<string, string> = {};
  let last: string | undefined;
  for (const line of rest) {
    const m = /^([A-Za-z][A-Za-z-]*)[ \t]+(\S.*)$/.exec(line);
    if (m) {
      headers[m[1]!] = m[2]!;
      last = m[1]!;
    } else if (options.rejoinWrapped && last) {
      headers[last] += line.trim(); // a piece of a value the PDF wrapped onto its own line
    }
  }
  return { status, headers };
}

describe("the captured response headers", () => {
  const current = example("000-response-headers-400.json") as {
    status: number;
    headers: Record<string, string>;
  };
  const older = example("001-response-headers-400.json") as typeof current;
  const signature = current.headers["Licence-QuerySignature"]!;

  it("3.0.34: the raw capture, wrapped pieces rejoined with nothing between, gives the JSON", () => {
    const raw = read("000-response-headers-400.raw.txt");
    expect(parseHeaderCapture(raw, { rejoinWrapped: true })).toEqual(current);
    // Read line by line without the rejoin, the signature is a fragment, not 256 bytes.
    const naive = parseHeaderCapture(raw, { rejoinWrapped: false });
    expect(naive.headers["Licence-QuerySignature"]).not.toBe(signature);
    expect(Buffer.from(naive.headers["Licence-QuerySignature"]!, "base64").length).toBeLessThan(
      256,
    );
  });

  it("3.0.34: Licence-QuerySignature is the canonical base64 of 256 bytes (RSA-2048)", () => {
    expect(signature).toHaveLength(344);
    expect(signature).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
    const bytes = Buffer.from(signature, "base64");
    expect(bytes).toHaveLength(256);
    expect(bytes.toString("base64")).toBe(signature);
  });

  it("the older print parses as printed and differs only by OCR damage (11 characters) and spacing", () => {
    expect(
      parseHeaderCapture(read("001-response-headers-400.raw.txt"), { rejoinWrapped: false }),
    ).toEqual(older);
    const damaged = older.headers["Licence-QuerySignature"]!;
    expect(damaged).toHaveLength(344);
    const differing = [...signature].filter((c, i) => damaged[i] !== c).length;
    expect(differing).toBe(11);
    expect(older.headers["Content-Type"]).toBe("application/json; charset=utf-8");
    expect(current.headers["Content-Type"]).toBe("application/json;charset=utf-8");
    expect(older.headers["Licence-QueryID"]).toBe(current.headers["Licence-QueryID"]);
  });
});

// ---------------------------------------------------------------------------------------------
// Round trips through MSW and the generated client
// ---------------------------------------------------------------------------------------------

const BASE = "http://licence.example.test";
const keys = makeKeys();
const server = setupServer();
beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

type ClientFunction = (client: Client, input: never) => Promise<ApiResult>;
const clientFunctions = licence as unknown as Record<string, ClientFunction>;

/** Inputs that fit each example: the path values the document prints beside it. */
const inputs: Record<string, unknown> = {
  getLicence: { path: { KeyNo: 7131766 } },
  readMemory: { path: { KeyNo: 7121173 } },
  getConnection: { path: { ID: "AF72CC4124DD4B588AA9039D31035A5C" } },
  getSession: { path: { ID: "DB4AC14978FA4B5815A813550A031424B" } },
};

function signedClient(validation: "strict" | "off" = "strict") {
  return licence.createLicenceClient({
    baseUrl: BASE,
    validation,
    retry: false,
    signature: { policy: "require", publicKey: keys.publicKey },
  });
}

function serve(overrides: Partial<LicenceHandlers>, responseValidation?: "off") {
  server.use(
    ...createLicenceMockHandlers({
      baseUrl: BASE,
      signingKey: keys.privateKey,
      overrides,
      ...(responseValidation ? { router: { responseValidation } } : {}),
    }),
  );
}

const responseExamples = index.filter(
  (e) => e.direction === "response" && e.operationId !== null && e.schema !== null,
);
const partialResponses = partial.filter((e) => e.direction === "response");

describe("response examples round-trip through MSW and the client", () => {
  it.each(responseExamples)(
    "$file: $operationId answers $status with exactly the example",
    async (e) => {
      const body = example(e.file);
      serve({ [e.operationId!]: () => ({ status: e.status, body }) } as Partial<LicenceHandlers>);
      const call = clientFunctions[e.operationId!]!;
      const result = await call(signedClient(), (inputs[e.operationId!] ?? {}) as never);
      expect(result.status).toBe(e.status);
      expect(result.data).toEqual(body);
      expect(result.headers.get("licence-signature")).toBeTruthy();
    },
  );

  it.each(partialResponses)(
    "$file: the abridged answer arrives as printed, and a strict client rejects it",
    async (e) => {
      const body = example(e.file);
      serve(
        { [e.operationId!]: () => ({ status: e.status, body }) } as Partial<LicenceHandlers>,
        "off",
      );
      const call = clientFunctions[e.operationId!]!;
      const result = await call(signedClient("off"), {} as never);
      expect(result.data).toEqual(body);
      const error = await rejection(call(signedClient("strict"), {} as never));
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).direction).toBe("response");
    },
  );

  it.each(index.filter((e) => e.schema === "LicenceError"))(
    "$file: the error example reaches the client as an ApiError with exactly that body",
    async (e) => {
      const body = example(e.file);
      serve({ getLicence: () => ({ status: e.status, body }) } as Partial<LicenceHandlers>);
      const error = await rejection(licence.getLicence(signedClient(), { path: { KeyNo: 1 } }));
      expect(error).toBeInstanceOf(ApiError);
      expect((error as ApiError).status).toBe(e.status);
      expect((error as ApiError).body).toEqual(body);
    },
  );
});

describe("request examples reach the matching handler unchanged", () => {
  const licenceBody = example("000-getLicence-200.json");
  const bodyRequests = index.filter(
    (e) => e.direction === "request" && e.schema !== null && e.operationId !== "readMemory",
  );
  const answers: Record<string, () => { status: number; body?: unknown }> = {
    installLicence: () => ({ status: 201, body: licenceBody }),
    createSession: () => ({ status: 201, body: licenceBody }),
    writeMemory: () => ({ status: 202 }),
    setMemoryPasswords: () => ({ status: 202 }),
  };

  it.each(bodyRequests)("$file: sent by $operationId, received as printed", async (e) => {
    const body = example(e.file);
    const seen: { operationId: string; body: unknown }[] = [];
    const recorder = (id: string) => (ctx: { body: unknown }) => {
      seen.push({ operationId: id, body: ctx.body });
      return answers[id]!();
    };
    serve(
      Object.fromEntries(
        Object.keys(answers).map((id) => [id, recorder(id)]),
      ) as Partial<LicenceHandlers>,
    );
    const input = {
      body,
      ...(e.operationId!.includes("Memory") ? { path: { KeyNo: 7121173 } } : {}),
    };
    const result = await clientFunctions[e.operationId!]!(signedClient(), input as never);
    expect(result.status).toBe(answers[e.operationId!]!().status);
    expect(seen).toEqual([{ operationId: e.operationId, body }]);
  });

  it("000-readMemory-request.json: the GET body is accepted as readMemory's password", async () => {
    const body = example("000-readMemory-request.json");
    let seen: unknown;
    const router = createLicenceRouter(
      {
        readMemory: (ctx) => {
          seen = ctx.body;
          return { status: 200, body: { KeyNo: ctx.path.KeyNo, Value: "" } };
        },
      },
      { formatError: formatLicenceError },
    );
    const answer = await router.handle({
      method: "GET",
      url: "/api/licences/7121173/memory",
      headers: { "content-type": "application/json" },
      body: new TextEncoder().encode(read("000-readMemory-request.json")),
    });
    expect(answer.status).toBe(200);
    expect(seen).toEqual(body);
  });
});
