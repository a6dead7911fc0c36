/**
 * The description of one API operation that generated code hands to the runtime. Generated
 * clients, MSW handlers and server stubs all read the same descriptors, so they cannot disagree.
 */

/** A schema: the name of a schema in the API's bundle, or an inline JSON Schema. */
export type SchemaRef = string | Record<string, unknown>;

export type ParamLocation = "path" | "query" | "header";

/** The scalar kind a parameter's text is converted to before validation. */
export type ScalarKind = "string" | "integer" | "number" | "boolean";

export interface ParamDescriptor {
  name: string;
  in: ParamLocation;
  required: boolean;
  kind: ScalarKind;
  schema?: SchemaRef;
}

export interface BodyDescriptor {
  mediaType: string;
  required: boolean;
  schema?: SchemaRef;
}

export interface ResponseDescriptor {
  /** Absent when the response has no body. */
  mediaType?: string;
  schema?: SchemaRef;
  headers?: readonly string[];
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";

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
  security: readonly string[];
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
    case "boolean":
      return text === "true" ? true : text === "false" ? false : text;
    default:
      return text;
  }
}
