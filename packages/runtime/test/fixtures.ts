import type { OperationDescriptor, SchemaBundle } from "../src/index.js";
import type { ErrorInfo } from "../src/server.js";

/** A small API: things with an owner, a status enum and tags. */
export const bundle: SchemaBundle = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $id: "urn:test:api",
  $defs: {
    Status: { type: "string", enum: ["active", "retired", "lost"] },
    Owner: {
      type: "object",
      required: ["uuid", "since", "born", "nickname", "score"],
      properties: {
        uuid: { type: "string", format: "uuid" },
        since: { type: "string", format: "date-time" },
        born: { type: "string", format: "date" },
        nickname: { anyOf: [{ type: "string" }, { type: "null" }] },
        score: { type: ["number", "null"], minimum: 0, maximum: 10 },
      },
      additionalProperties: false,
    },
    Thing: {
      type: "object",
      required: ["id", "name", "status", "owner", "tags"],
      properties: {
        id: { type: "integer", minimum: 1 },
        name: { type: "string", minLength: 1, maxLength: 40 },
        status: { $ref: "urn:test:api#/$defs/Status" },
        owner: { $ref: "urn:test:api#/$defs/Owner" },
        tags: { type: "array", items: { type: "string" }, minItems: 1 },
        code: { type: "string", pattern: "^[A-Z]{3}-\\d{4}$", examples: ["ABC-1234", "XYZ-9876"] },
      },
      additionalProperties: false,
    },
    NewThing: {
      type: "object",
      required: ["name"],
      properties: {
        name: { type: "string", minLength: 1 },
        status: { $ref: "urn:test:api#/$defs/Status" },
      },
      additionalProperties: false,
    },
    Error: {
      type: "object",
      required: ["Code", "Message"],
      properties: {
        Code: { type: "integer" },
        Text: { type: "string" },
        Message: { type: "string" },
        Exception: { type: "string" },
      },
    },
  },
};

const thingRef = "urn:test:api#/$defs/Thing";
const errorResponse = { mediaType: "application/json", schema: "Error" } as const;

export const getThing: OperationDescriptor = {
  operationId: "getThing",
  method: "GET",
  path: "/things/{id}",
  params: [
    { name: "id", in: "path", required: true, kind: "integer", schema: { type: "integer" } },
    { name: "verbose", in: "query", required: false, kind: "boolean", schema: { type: "boolean" } },
    {
      name: "X-Request-ID",
      in: "header",
      required: false,
      kind: "string",
      schema: { type: "string" },
    },
  ],
  responses: {
    "200": { mediaType: "application/json", schema: "Thing" },
    default: errorResponse,
  },
  success: [200],
  security: [],
};

export const listThings: OperationDescriptor = {
  operationId: "listThings",
  method: "GET",
  path: "/things",
  params: [
    {
      name: "limit",
      in: "query",
      required: true,
      kind: "integer",
      schema: { type: "integer", minimum: 1, maximum: 100 },
    },
    { name: "status", in: "query", required: false, kind: "string", schema: "Status" },
    { name: "q", in: "query", required: false, kind: "string", schema: { type: "string" } },
  ],
  responses: {
    "200": { mediaType: "application/json", schema: { type: "array", items: { $ref: thingRef } } },
    default: errorResponse,
  },
  success: [200],
  security: [],
};

export const createThing: OperationDescriptor = {
  operationId: "createThing",
  method: "POST",
  path: "/things",
  params: [],
  requestBody: { mediaType: "application/json", required: true, schema: "NewThing" },
  responses: {
    "201": { mediaType: "application/json", schema: "Thing" },
    default: errorResponse,
  },
  success: [201],
  security: ["basic"],
};

/** A literal path that would also match the `/things/{id}` template. */
export const updateThings: OperationDescriptor = {
  operationId: "updateThings",
  method: "GET",
  path: "/things/update",
  params: [],
  responses: {
    "200": {
      mediaType: "application/json",
      schema: { type: "object", properties: { updated: { type: "integer" } } },
    },
  },
  success: [200],
  security: [],
};

export const deleteThing: OperationDescriptor = {
  operationId: "deleteThing",
  method: "DELETE",
  path: "/things/{id}",
  params: [
    { name: "id", in: "path", required: true, kind: "integer", schema: { type: "integer" } },
  ],
  responses: { "204": {}, default: errorResponse },
  success: [204],
  security: [],
};

export const getFile: OperationDescriptor = {
  operationId: "getFile",
  method: "GET",
  path: "/files/{name}",
  params: [
    { name: "name", in: "path", required: true, kind: "string", schema: { type: "string" } },
    { name: "filter", in: "query", required: false, kind: "string", schema: { type: "string" } },
  ],
  responses: { "200": { mediaType: "text/plain" }, default: errorResponse },
  success: [200],
  security: [],
};

/** Two operations on one method and path, told apart by the names they take. */
export const renameCommand: OperationDescriptor = {
  operationId: "renameCommand",
  method: "POST",
  path: "/commands",
  params: [
    { name: "newName", in: "query", required: false, kind: "string", schema: { type: "string" } },
  ],
  requestBody: {
    mediaType: "application/json",
    required: false,
    schema: { type: "object", properties: { newName: { type: "string" } } },
  },
  responses: { "200": { mediaType: "application/json", schema: { type: "object" } } },
  success: [200],
  discriminator: ["newName"],
  security: [],
};

export const archiveCommand: OperationDescriptor = {
  operationId: "archiveCommand",
  method: "POST",
  path: "/commands",
  params: [
    { name: "archive", in: "query", required: false, kind: "boolean", schema: { type: "boolean" } },
  ],
  requestBody: {
    mediaType: "application/json",
    required: false,
    schema: { type: "object", properties: { archive: { type: "boolean" } } },
  },
  responses: { "200": { mediaType: "application/json", schema: { type: "object" } } },
  success: [200],
  discriminator: ["archive"],
  security: [],
};

/** A GET whose parameters may come in a JSON body (a vendor quirk). */
export const searchThings: OperationDescriptor = {
  operationId: "searchThings",
  method: "GET",
  path: "/search",
  params: [],
  toleratedBody: {
    mediaType: "application/json",
    required: false,
    schema: {
      type: "object",
      required: ["term"],
      properties: { term: { type: "string", minLength: 2 } },
    },
  },
  responses: { "200": { mediaType: "application/json", schema: { type: "object" } } },
  success: [200],
  security: [],
};

/** An operation nobody implements. */
export const exportThings: OperationDescriptor = {
  operationId: "exportThings",
  method: "GET",
  path: "/export",
  params: [],
  responses: { "200": { mediaType: "application/json" } },
  success: [200],
  security: [],
};

export const allOps: readonly OperationDescriptor[] = [
  getThing,
  listThings,
  createThing,
  updateThings,
  deleteThing,
  getFile,
  renameCommand,
  archiveCommand,
  searchThings,
  exportThings,
];

/** A valid `Thing`. */
export function thing(id = 1, name = "lamp"): Record<string, unknown> {
  return {
    id,
    name,
    status: "active",
    owner: {
      uuid: "2f1b6f9c-6f0e-4a51-9d7e-0d4f6a3b7c21",
      since: "2024-01-02T03:04:05Z",
      born: "1990-05-06",
      nickname: null,
      score: 7.5,
    },
    tags: ["desk"],
  };
}

/** The API's error format: `{Code, Text, Message, Exception}`. */
export function formatError(info: ErrorInfo): unknown {
  return { Code: info.status, Text: info.text, Message: info.message, Exception: info.exception };
}

/** The arguments of one `fetch` call, with the body decoded. */
export interface RecordedCall {
  url: URL;
  method: string;
  headers: Headers;
  body: string | undefined;
  signal: AbortSignal | undefined;
}

export type Reply =
  | Response
  | ((call: RecordedCall, index: number) => Response | Promise<Response>);

/**
 * A fetch that records its arguments and answers with the given replies in turn (the last one
 * repeats). Replies are functions so each call gets a fresh Response.
 */
export function recordingFetch(...replies: Reply[]): typeof globalThis.fetch & {
  calls: RecordedCall[];
} {
  const calls: RecordedCall[] = [];
  const fn = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const raw = init?.body;
    const body =
      raw === undefined || raw === null
        ? undefined
        : typeof raw === "string"
          ? raw
          : new TextDecoder().decode(raw as Uint8Array);
    const call: RecordedCall = {
      url,
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body,
      signal: init?.signal ?? undefined,
    };
    const index = calls.length;
    calls.push(call);
    const reply = replies[Math.min(index, replies.length - 1)];
    if (reply === undefined) throw new Error("no reply configured");
    return typeof reply === "function" ? reply(call, index) : copy(reply);
  };
  return Object.assign(fn as typeof globalThis.fetch, { calls });
}

/**
 * A fresh Response with the template's status, headers and body. (`Response.clone()` would tee
 * the body, and cancelling one branch of a tee waits for the other one.)
 */
async function copy(template: Response): Promise<Response> {
  const bytes = await template.clone().arrayBuffer();
  const nullBody = [101, 204, 205, 304].includes(template.status);
  return new Response(nullBody ? null : bytes, {
    status: template.status,
    statusText: template.statusText,
    headers: template.headers,
  });
}

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
