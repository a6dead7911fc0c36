import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import {
  ApiError,
  createClient,
  type OperationDescriptor,
  SchemaValidator,
} from "@trustspec/runtime";
import { inputFor } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as client from "../src/generated/ums/client.gen.js";
import { operationList } from "../src/generated/ums/operations.gen.js";
import { schemas } from "../src/generated/ums/schemas.gen.js";

/**
 * The example corpus of the user management spec: every request and response body the guide
 * prints for the UMS REST API (chapter 5 and the operator scenarios of chapter 8) validates against
 * the schema its index entry names and goes through the generated client unchanged; every repair
 * of a broken example is checked against its verbatim text; and every printed request line routes
 * to its operation and is what the generated client sends.
 */
const dir = join(import.meta.dirname, "..", "..", "..", "specs", "dss-ums", "examples");
const openapi = parse(readFileSync(join(dir, "..", "openapi.yaml"), "utf8")) as Record<
  string,
  unknown
>;
interface Entry {
  file: string;
  source: string;
  operationId: string;
  direction: "request" | "response";
  status?: number;
  schema: string;
  raw?: string;
  defect?: string;
  repair?: "rejoin" | "edit";
  misprint?: { validatesAs: string; insteadOf: string; text: string };
}
interface RequestLine {
  source: string;
  operationId: string;
  method: string;
  target: string;
  printed: string;
  caseInsensitive?: boolean;
  resolvesTo?: string;
  /** How a broken target is read (a missing leading slash). */
  readAs?: string;
}
const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as Entry[];
const requestLines = JSON.parse(readFileSync(join(dir, "requests.json"), "utf8")) as RequestLine[];
const validator = new SchemaValidator(schemas);
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const json = (e: Entry) => JSON.parse(read(e.file)) as unknown;
const byId = new Map(operationList.map((op) => [op.operationId, op]));

/** A schema named by a component name or by a JSON pointer into openapi.yaml. */
function schemaOf(ref: string): string | Record<string, unknown> {
  if (!ref.startsWith("#/")) return ref;
  let node: unknown = openapi;
  for (const part of ref.slice(2).split("/")) {
    node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return JSON.parse(
    JSON.stringify(node).replace(/"#\/components\/schemas\//g, `"${schemas.$id}#/$defs/`),
  ) as Record<string, unknown>;
}

/**
 * The printed lines put back together: the PDF converter puts an empty line after every line and
 * breaks long lines at 80 columns, so the pieces join with nothing between (a space that ends a
 * line is the text's own).
 */
function unwrap(text: string): string {
  return text
    .split("\n")
    .filter((line) => line.trim() !== "")
    .join("");
}

function parses(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** A client whose transport records what it sends and answers with `reply`. */
function recordingClient(reply: { status: number; body: unknown }) {
  const sent: { method: string; url: URL; body: string; contentType: string | null }[] = [];
  const c = createClient(schemas, {
    baseUrl: "https://dss/STS/ums",
    validation: "strict",
    retry: false,
    fetch: async (url, init) => {
      const headers = new Headers(init?.headers);
      sent.push({
        method: String(init?.method),
        url: new URL(String(url)),
        body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : "",
        contentType: headers.get("content-type"),
      });
      return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
        status: reply.status,
        headers: { "content-type": "application/json; charset=utf-8" },
      });
    },
  });
  return { client: c, sent };
}

type Call = (c: ReturnType<typeof createClient>, input: object) => Promise<{ data: unknown }>;
const call = (op: OperationDescriptor) =>
  (client as unknown as Record<string, Call>)[op.operationId]!;

/** The operation a printed method and path (below /STS/ums) lead to, by the path templates. */
function route(method: string, path: string, caseInsensitive: boolean): OperationDescriptor[] {
  return operationList.filter((op) => {
    if (op.method !== method) return false;
    const pattern = op.path
      .split(/(\{[^}]+\})/)
      .map((part) =>
        /^\{.*\}$/.test(part) ? "([^/]+)" : part.replace(/[.*+?^$()|[\]\\]/g, "\\$&"),
      )
      .join("");
    return new RegExp(`^${pattern}/?$`, caseInsensitive ? "i" : "").test(path);
  });
}

/** The values of the printed path's parameters, by the operation's template. */
function pathValues(op: OperationDescriptor, path: string): Record<string, string> {
  const names = [...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
  const pattern = op.path.replace(/\{[^}]+\}/g, "([^/]+)").replace(/[.?]/g, "\\$&");
  const m = new RegExp(`^${pattern}/?$`, "i").exec(path)!;
  return Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)]));
}

describe("DSS user management example corpus", () => {
  it("indexes every example file exactly once", () => {
    const files = readdirSync(dir).filter(
      (f) => f.endsWith(".json") && f !== "index.json" && f !== "requests.json",
    );
    expect(index.map((e) => e.file).sort()).toEqual(files.sort());
    const raws = readdirSync(dir).filter((f) => f.endsWith(".raw.txt"));
    expect(index.flatMap((e) => (e.raw ? [e.raw] : [])).sort()).toEqual(raws.sort());
  });

  it("covers every operation that has a printed body, and every printed request line", () => {
    expect(new Set(index.map((e) => e.operationId)).size).toBe(28);
    expect(requestLines).toHaveLength(69);
    const lined = new Set(requestLines.map((r) => r.operationId));
    // Every one of the 49 operations has a printed request line in chapter 5 or 8.
    expect(operationList.filter((op) => !lined.has(op.operationId))).toEqual([]);
  });

  it.each(index.map((e) => [e.file, e] as const))("%s validates against its schema", (_f, e) => {
    expect(validator.validate(schemaOf(e.schema), json(e))).toEqual([]);
  });

  const misprints = index.filter((e) => e.misprint);
  it.each(misprints.map((e) => [e.file, e] as const))(
    "%s: the misprinted body is what the guide says it is, and not the operation's body",
    (_f, e) => {
      expect(e.misprint!.validatesAs).toBe(e.schema);
      expect(validator.validate(schemaOf(e.misprint!.insteadOf), json(e))).not.toEqual([]);
    },
  );

  it.each(index.filter((e) => e.defect).map((e) => [e.file, e] as const))(
    "%s: the repair is real and is what its note says",
    (_f, e) => {
      expect(e.raw, "a repaired example keeps its verbatim text").toBeTruthy();
      const raw = read(e.raw!);
      expect(parses(raw).ok, "the verbatim text is not JSON").toBe(false);
      const rejoined = parses(unwrap(raw));
      if (e.repair === "rejoin") {
        // Line wrapping only: putting the lines back together is the whole repair.
        expect(rejoined).toEqual({ ok: true, value: json(e) });
      } else {
        expect(e.repair).toBe("edit");
        // More than wrapping: the rejoined text is still broken (or another value).
        if (rejoined.ok) expect(rejoined.value).not.toEqual(json(e));
      }
    },
  );

  it.each(index.filter((e) => e.raw && !e.defect).map((e) => [e.file, e] as const))(
    "%s: the printed text, wrapped between tokens, is this JSON",
    (_f, e) => {
      expect(parses(read(e.raw!))).toEqual({ ok: true, value: json(e) });
    },
  );

  const bodies = index.filter((e) => e.direction === "request" && !e.misprint);
  it.each(bodies.map((e) => [e.file, e] as const))(
    "%s: the client sends this body unchanged, as JSON",
    async (_f, e) => {
      const op = byId.get(e.operationId)!;
      const { client: c, sent } = recordingClient({ status: 200, body: undefined });
      const input = { ...inputFor(schemas, op, 1), body: json(e) };
      // The recorded answer is empty; only what went out matters here.
      await call(op)(c, input).catch(() => undefined);
      expect(sent[0]!.contentType).toBe("application/json");
      expect(JSON.parse(sent[0]!.body)).toEqual(json(e));
    },
  );

  const answers = index.filter((e) => e.direction === "response");
  it.each(answers.map((e) => [e.file, e] as const))(
    "%s: the client returns this answer unchanged",
    async (_f, e) => {
      const op = byId.get(e.operationId)!;
      const { client: c } = recordingClient({ status: e.status!, body: json(e) });
      const pending = call(op)(c, inputFor(schemas, op, 1));
      if (op.success.includes(e.status!)) {
        expect((await pending).data).toEqual(json(e));
      } else {
        const error = await pending.catch((x: unknown) => x);
        expect(error).toBeInstanceOf(ApiError);
        expect((error as ApiError).status).toBe(e.status);
        expect((error as ApiError).body).toEqual(json(e));
      }
    },
  );
});

describe("every printed request line of the UMS", () => {
  it.each(requestLines.map((r) => [`${r.source} ${r.method} ${r.target}`, r] as const))(
    "%s routes to its operation and is what the client sends",
    async (_name, r) => {
      // The target is the printed text with the converter's line breaks taken out.
      expect(r.printed.replace(/\s+/g, "")).toBe(`${r.method}${r.target}HTTP/1.1`);
      const url = new URL(r.readAs ?? r.target, "https://dss.cryptopro.ru");
      expect(url.pathname.startsWith("/STS/ums/")).toBe(true);
      const path = url.pathname.slice("/STS/ums".length);
      const found = route(r.method, path, r.caseInsensitive ?? false);
      const expected = r.resolvesTo ?? r.operationId;
      expect(found.map((op) => op.operationId)).toEqual([expected]);
      const op = found[0]!;
      const query = Object.fromEntries(url.searchParams);
      const input: Record<string, unknown> = {};
      const values = pathValues(op, path);
      if (Object.keys(values).length > 0) input.path = values;
      if (Object.keys(query).length > 0) {
        input.query = Object.fromEntries(
          op.params
            .filter((p) => p.in === "query")
            .map((p) => [
              p.name,
              p.kind === "integer"
                ? Number(query[p.name])
                : p.kind === "boolean"
                  ? query[p.name] === "true"
                  : query[p.name],
            ]),
        );
      }
      const body = inputFor(schemas, op, 1).body;
      if (body !== undefined) input.body = body;
      const { client: c, sent } = recordingClient({ status: 200, body: undefined });
      await call(op)(c, input).catch(() => undefined);
      expect(sent).toHaveLength(1);
      const s = sent[0]!;
      expect(s.method).toBe(r.method);
      const norm = (p: string) => (r.caseInsensitive ? p.toLowerCase() : p).replace(/\/$/, "");
      expect(norm(s.url.pathname)).toBe(norm(url.pathname));
      expect(Object.fromEntries(s.url.searchParams)).toEqual(query);
    },
  );
});
