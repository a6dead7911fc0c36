import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SchemaValidator } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  authorizeUrl,
  authorizeWithCertificateUrl,
  confirm,
  createDssStsClient,
  token,
} from "../src/generated/sts/client.gen.js";
import { schemas } from "../src/generated/sts/schemas.gen.js";
import type { RequestConfirmation, TokenRequest } from "../src/generated/sts/types.gen.js";

/**
 * The example corpus of the identity-centre spec: every request and response example of the
 * guide's OAuth, confirmation and delegation sections validates against the schema its index
 * entry names; the decoded query strings, form bodies, Location URIs and subject tokens match their
 * verbatim text; and each example goes through the generated client unchanged (requests as the
 * client sends them, responses as the client returns them).
 */
const dir = join(import.meta.dirname, "..", "..", "..", "specs", "dss-sts", "examples");
const openapi = parse(readFileSync(join(dir, "..", "openapi.yaml"), "utf8")) as Record<
  string,
  unknown
>;
interface Entry {
  file: string;
  operationId: string;
  direction: "request" | "response";
  status?: number;
  schema: string | null;
  in?: string;
  raw?: string;
  defect?: string;
}
const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8")) as Entry[];
const validator = new SchemaValidator(schemas);
const read = (file: string) => readFileSync(join(dir, file), "utf8");
const json = (e: Entry) => JSON.parse(read(e.file)) as Record<string, unknown>;

/** Component references in a schema taken from openapi.yaml point into the validator's bundle. */
function schemaAt(pointer: string): Record<string, unknown> {
  let node: unknown = openapi;
  for (const part of pointer.slice(2).split("/")) {
    node = (node as Record<string, unknown>)[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return JSON.parse(
    JSON.stringify(node).replace(/"#\/components\/schemas\//g, `"${schemas.$id}#/$defs/`),
  ) as Record<string, unknown>;
}

/**
 * A wrapped one-line value of the PDF text put back together: the converter ends each line with a
 * space and puts an empty line between lines, so the pieces join with nothing between.
 */
function unwrap(text: string): string {
  return text
    .split("\n")
    .map((line) => line.replace(/ $/, ""))
    .filter((line) => line !== "")
    .join("");
}

/** The parameters of a URL's query, or of its fragment when the query has none. */
function urlParams(printed: string): Record<string, string> {
  // A request line ("GET /STS/oauth/authorize?… HTTP/1.1") gives a path; a URL stands alone.
  const target = printed.replace(/^GET\s+/, "").replace(/\s+HTTP\/1\.1$/, "");
  const u = new URL(target, "https://host.example");
  const params = u.search ? u.searchParams : new URLSearchParams(u.hash.slice(1));
  return Object.fromEntries(params);
}

/** The Location of a printed 302 answer (its value may start on the line after the name). */
function locationOf(raw: string): string {
  const lines = raw.split("\n").map((l) => l.trim());
  const start = lines.findIndex((l) => l.startsWith("Location:"));
  const pieces = [lines[start]!.slice("Location:".length).trim()];
  for (const line of lines.slice(start + 1)) {
    if (/^[A-Za-z-]+:\s/.test(line) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(line)) break;
    pieces.push(line);
  }
  return pieces.join("");
}

/** The hidden fields of a form-post page, as the browser would post them. */
function hiddenFields(html: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
    const tag = m[0];
    if (!/type=['"]hidden['"]/i.test(tag)) continue;
    const name = /name=['"]([^'"]*)['"]/i.exec(tag)?.[1];
    const value = /value=['"]([^'"]*)['"]/i.exec(tag)?.[1];
    if (name !== undefined && value !== undefined) fields[name] = value;
  }
  return fields;
}

function base64urlJson(text: string): unknown {
  return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
}

/** A client whose transport records what it sends and answers with `reply`. */
function recordingClient(reply: { status: number; body: unknown }) {
  const sent: { url: string; headers: Headers; body: string }[] = [];
  const client = createDssStsClient({
    baseUrl: "https://dss.example/STS",
    validation: "strict",
    retry: false,
    fetch: async (url, init) => {
      sent.push({
        url: String(url),
        headers: new Headers(init?.headers),
        body: init?.body ? new TextDecoder().decode(init.body as Uint8Array) : "",
      });
      return new Response(JSON.stringify(reply.body), {
        status: reply.status,
        headers: { "content-type": "application/json" },
      });
    },
  });
  return { client, sent };
}

describe("DSS identity centre example corpus", () => {
  it("indexes every example file exactly once", () => {
    const files = readdirSync(dir).filter((f) => f.endsWith(".json") && f !== "index.json");
    expect(index.map((e) => e.file).sort()).toEqual(files.sort());
  });

  it.each(index.filter((e) => e.schema).map((e) => [e.file, e] as const))(
    "%s validates",
    (_f, entry) => {
      const schema = entry.schema!.startsWith("#/") ? schemaAt(entry.schema!) : entry.schema!;
      expect(validator.validate(schema, json(entry))).toEqual([]);
    },
  );

  it.each(index.filter((e) => e.defect).map((e) => [e.file, e] as const))(
    "%s: the repaired defect is real (verbatim text kept and not the same JSON)",
    (_f, entry) => {
      expect(entry.raw, "a repaired example keeps its verbatim text").toBeTruthy();
      let parsed: unknown;
      try {
        parsed = JSON.parse(read(entry.raw!));
      } catch {
        parsed = Symbol("unparseable");
      }
      expect(parsed).not.toEqual(json(entry));
    },
  );

  const queries = index.filter((e) => e.in === "query");
  it.each(queries.map((e) => [e.file, e] as const))(
    "%s: the printed URL's query is this object, and the URL builder makes the same query",
    (_f, entry) => {
      const expected = json(entry);
      expect(urlParams(unwrap(read(entry.raw!)))).toEqual(expected);
      const { client } = recordingClient({ status: 200, body: "" });
      const build = entry.operationId === "authorize" ? authorizeUrl : authorizeWithCertificateUrl;
      const url = build(client, { query: expected } as Parameters<typeof build>[1]);
      expect(Object.fromEntries(url.searchParams)).toEqual(expected);
    },
  );

  const locations = index.filter((e) => e.in === "location");
  it.each(locations.map((e) => [e.file, e] as const))(
    "%s: the printed Location carries these parameters",
    (_f, entry) => {
      expect(urlParams(locationOf(read(entry.raw!)))).toEqual(json(entry));
    },
  );

  it("the implicit grant's form-post page carries the token fields of its example", () => {
    const [entry] = index.filter((e) => e.in === "html-form");
    const fields = hiddenFields(read(entry!.raw!));
    const expected = json(entry!);
    expect(Object.keys(fields).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, value] of Object.entries(expected)) expect(fields[name]).toBe(String(value));
  });

  const subjectParts = index.filter((e) => e.in === "subject_token" && /-3\.json$/.test(e.file));
  it.each(subjectParts.map((e) => [e.file, e] as const))(
    "%s: the printed BASE64URL part decodes to this object",
    (_f, entry) => {
      expect(base64urlJson(unwrap(read(entry.raw!)))).toEqual(json(entry));
    },
  );

  const forms = index.filter(
    (e) => e.operationId === "token" && e.direction === "request" && !e.in,
  );
  it.each(forms.map((e) => [e.file, e] as const))(
    "%s: the printed form body is this object, and the client sends the same form",
    async (_f, entry) => {
      const expected = json(entry);
      expect(Object.fromEntries(new URLSearchParams(unwrap(read(entry.raw!))))).toEqual(expected);
      const { client, sent } = recordingClient({
        status: 200,
        body: { access_token: "t", token_type: "Bearer", expires_in: 1 },
      });
      await token(client, { body: expected as TokenRequest });
      expect(sent[0]!.headers.get("content-type")).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.fromEntries(new URLSearchParams(sent[0]!.body))).toEqual(expected);
    },
  );

  const confirmations = index.filter(
    (e) => e.operationId === "confirm" && e.direction === "request",
  );
  it.each(confirmations.map((e) => [e.file, e] as const))(
    "%s: the client sends this body unchanged",
    async (_f, entry) => {
      const { client, sent } = recordingClient({
        status: 200,
        body: { IsFinal: false, IsError: false },
      });
      await confirm(client, { body: json(entry) as RequestConfirmation });
      expect(JSON.parse(sent[0]!.body)).toEqual(json(entry));
    },
  );

  const answers = index.filter(
    (e) =>
      e.direction === "response" &&
      !e.in &&
      (e.operationId === "token" || e.operationId === "confirm"),
  );
  it.each(answers.map((e) => [e.file, e] as const))(
    "%s: the client returns this answer unchanged",
    async (_f, entry) => {
      const { client } = recordingClient({ status: entry.status!, body: json(entry) });
      const result =
        entry.operationId === "token"
          ? await token(client, {
              body: { grant_type: "password", username: "u", password: "p", client_id: "c" },
            })
          : await confirm(client, { body: { Resource: "urn:x" } });
      expect(result.status).toBe(entry.status);
      expect(result.data).toEqual(json(entry));
    },
  );
});
