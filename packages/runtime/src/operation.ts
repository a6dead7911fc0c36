/**
 * The description of one API operation that generated code hands to the runtime. Generated
 * clients, MSW handlers and server stubs all read the same descriptors, so they cannot disagree.
 */

import type { CompiledSchema } from "./compiled.js";

/** A schema: the name of a schema in the API's bundle, or an inline JSON Schema. */
export type SchemaRef = string | Record<string, unknown>;

/** Where a parameter travels: in the path, the query string or a header. */
export type ParamLocation = "path" | "query" | "header";

/** The scalar kind a parameter's text is converted to before validation. */
export type ScalarKind = "string" | "integer" | "number" | "boolean";

/** One parameter of an operation: its name, where it goes, and how it is checked. */
export interface ParamDescriptor {
  name: string;
  in: ParamLocation;
  required: boolean;
  kind: ScalarKind;
  schema?: SchemaRef;
  /** The schema's validator, compiled when the descriptor was generated; preferred over `schema`. */
  validate?: CompiledSchema;
}

/** The request body of an operation: its media type and schema. */
export interface BodyDescriptor {
  mediaType: string;
  required: boolean;
  schema?: SchemaRef;
  /** The schema's validator, compiled when the descriptor was generated; preferred over `schema`. */
  validate?: CompiledSchema;
}

/** One response of an operation: its media type, schema and the headers it exposes. */
export interface ResponseDescriptor {
  /** Absent when the response has no body. */
  mediaType?: string;
  schema?: SchemaRef;
  /** The schema's validator, compiled when the descriptor was generated; preferred over `schema`. */
  validate?: CompiledSchema;
  headers?: readonly string[];
}

/** The HTTP methods an operation may use. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

/** Everything the runtime needs to send, mock or serve one operation. */
export interface OperationDescriptor {
  operationId: string;
  method: HttpMethod;
  /** Path template with `{name}` placeholders, relative to the server URL. */
  path: string;
  params: readonly ParamDescriptor[];
  requestBody?: BodyDescriptor;
  /**
   * A JSON body the server also accepts on a method that should not carry one (a vendor quirk,
   * e.g. a GET whose parameters may come in the body). Clients never send it.
   */
  toleratedBody?: BodyDescriptor;
  /** Keyed by status code ("200") or "default". */
  responses: Readonly<Record<string, ResponseDescriptor>>;
  /** Status codes that mean success; everything else is an error. */
  success: readonly number[];
  /**
   * When several operations share one method and path, the parameter names (in the query or
   * the JSON body) whose presence selects this one.
   */
  discriminator?: readonly string[];
  /** Names of the security schemes any one of which authenticates the call. */
  security: readonly string[];
  /** The call may also come without credentials (`{}` among the alternatives, e.g. a public OAuth client). */
  anonymous?: boolean;
}

/** GET, HEAD, OPTIONS, PUT and DELETE may be repeated safely; the rest are never retried. */
export function isIdempotent(method: HttpMethod): boolean {
  return method !== "POST" && method !== "PATCH";
}

/** Converts a parameter's text to its scalar kind; returns the text unchanged when it does not convert. */
export function coerceScalar(text: string, kind: ScalarKind): unknown {
  switch (kind) {
    case "integer":
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case "number":
      return text.trim() !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
    case "boolean": {
      // .NET servers and their documents write True/False.
      const lower = text.toLowerCase();
      return lower === "true" ? true : lower === "false" ? false : text;
    }
    default:
      return text;
  }
}

/**
 * The scalar kind of each property of an object schema, following `$ref`s into the bundle and
 * looking through `anyOf`/`oneOf`; used to convert form-encoded fields, which arrive as text.
 */
export function propertyKinds(
  schema: SchemaRef | undefined,
  defs: Record<string, unknown>,
): Record<string, ScalarKind> {
  const kinds: Record<string, ScalarKind> = {};
  const visit = (s: unknown, depth: number) => {
    const node = resolveRef(s, defs);
    if (!node || depth > 8) return;
    for (const key of ["anyOf", "oneOf", "allOf"] as const) {
      const branches = node[key];
      if (Array.isArray(branches)) for (const b of branches) visit(b, depth + 1);
    }
    const props = node.properties as Record<string, unknown> | undefined;
    for (const [name, prop] of Object.entries(props ?? {}))
      kinds[name] ??= scalarKindOf(prop, defs);
  };
  visit(schema, 0);
  return kinds;
}

function resolveRef(
  s: unknown,
  defs: Record<string, unknown>,
): Record<string, unknown> | undefined {
  let node = (typeof s === "string" ? { $ref: `#/$defs/${s}` } : s) as
    | Record<string, unknown>
    | undefined;
  for (let i = 0; node && typeof node.$ref === "string" && i < 8; i++) {
    const ref = node.$ref as string;
    node = defs[ref.slice(ref.lastIndexOf("/") + 1)] as Record<string, unknown> | undefined;
  }
  return node;
}

function scalarKindOf(s: unknown, defs: Record<string, unknown>): ScalarKind {
  const node = resolveRef(s, defs);
  if (!node) return "string";
  const types = Array.isArray(node.type) ? node.type : [node.type];
  for (const t of ["boolean", "integer", "number"] as const) if (types.includes(t)) return t;
  if (
    Array.isArray(node.enum) &&
    node.enum.length > 0 &&
    node.enum.every((v) => typeof v === "number")
  ) {
    return "number";
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = node[key];
    if (Array.isArray(branches)) {
      for (const b of branches) {
        const kind = scalarKindOf(b, defs);
        if (kind !== "string") return kind;
      }
    }
  }
  return "string";
}
