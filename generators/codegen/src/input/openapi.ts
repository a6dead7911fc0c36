import { readFile } from "node:fs/promises";
import type {
  ApiModel,
  BodyModel,
  EnumMember,
  ErrorFormatModel,
  JsonSchema,
  NamedSchema,
  OperationModel,
  ParamModel,
  ResponseModel,
} from "../model.js";
import { parseYaml } from "../yaml.js";

type Obj = Record<string, unknown>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"] as const;

export interface OpenApiInputOptions {
  /** TypeScript name prefix for the API (e.g. `Licence`). */
  name: string;
  /** How the source is named in generated headers (a repository-relative path). */
  source: string;
}

/** Reads an OpenAPI 3.1 document from disk into the internal model. */
export async function readOpenApi(file: string, options: OpenApiInputOptions): Promise<ApiModel> {
  const doc = parseYaml(await readFile(file, "utf8"), file) as Obj;
  return openApiToModel(doc, options);
}

/** Converts a parsed OpenAPI 3.1 document into the internal model. */
export function openApiToModel(doc: Obj, options: OpenApiInputOptions): ApiModel {
  const version = String(doc.openapi ?? "");
  if (!version.startsWith("3.1"))
    throw new Error(`${options.source}: OpenAPI 3.1 expected, found "${version}"`);
  const info = (doc.info ?? {}) as Obj;
  const bundleId = `urn:trustspec:${options.name.toLowerCase()}`;
  const components = (doc.components ?? {}) as Obj;
  const rawSchemas = (components.schemas ?? {}) as Record<string, Obj>;
  const fix = (s: unknown) => rewriteRefs(s, bundleId) as JsonSchema;

  const schemas: NamedSchema[] = Object.keys(rawSchemas)
    .sort()
    .map((name) => {
      const raw = rawSchemas[name]!;
      const named: NamedSchema = { name, schema: fix(raw) };
      if (typeof raw.description === "string") named.description = raw.description;
      const members = enumMembers(raw);
      if (members) named.enumMembers = members;
      return named;
    });

  const parameters = (components.parameters ?? {}) as Record<string, Obj>;
  const responsesLib = (components.responses ?? {}) as Record<string, Obj>;
  const bodiesLib = (components.requestBodies ?? {}) as Record<string, Obj>;
  const headersLib = (components.headers ?? {}) as Record<string, Obj>;
  const deref = <T extends Obj>(o: Obj, lib: Record<string, Obj>): T => {
    const ref = o.$ref;
    if (typeof ref !== "string") return o as T;
    const name = ref.slice(ref.lastIndexOf("/") + 1);
    const target = lib[name];
    if (!target) throw new Error(`${options.source}: unresolved ${ref}`);
    return target as T;
  };

  const operations: OperationModel[] = [];
  const paths = (doc.paths ?? {}) as Record<string, Obj>;
  const globalSecurity = securityNames(doc.security);
  for (const path of Object.keys(paths)) {
    const item = paths[path]!;
    const shared = ((item.parameters ?? []) as Obj[]).map((p) => deref<Obj>(p, parameters));
    for (const method of METHODS) {
      const raw = item[method] as Obj | undefined;
      if (!raw) continue;
      const own = ((raw.parameters ?? []) as Obj[]).map((p) => deref<Obj>(p, parameters));
      const allParams = mergeParams(shared, own).map((p) => toParam(p, fix, rawSchemas));
      const responses = toResponses(
        (raw.responses ?? {}) as Obj,
        responsesLib,
        headersLib,
        deref,
        fix,
      );
      const success = responses
        .map((r) => r.status)
        .filter((s): s is number => typeof s === "number" && s >= 200 && s < 300)
        .sort((a, b) => a - b);
      const body = raw.requestBody
        ? toBody(deref<Obj>(raw.requestBody as Obj, bodiesLib), fix)
        : undefined;
      const base: Omit<OperationModel, "operationId" | "params" | "requestBody"> = {
        method: method.toUpperCase() as OperationModel["method"],
        path,
        responses,
        success,
        security: raw.security !== undefined ? securityNames(raw.security) : globalSecurity,
        deprecated: raw.deprecated === true,
      };
      const requirements = raw.security !== undefined ? raw.security : doc.security;
      if (
        base.security.length > 0 &&
        Array.isArray(requirements) &&
        requirements.some((r) => Object.keys(r as Obj).length === 0)
      )
        base.anonymous = true;
      const ownError = errorFormat(raw["x-trustspec-error"]);
      if (ownError) base.errorFormat = ownError;
      if (typeof raw.summary === "string") base.summary = raw.summary;
      if (typeof raw.description === "string") base.description = raw.description;
      const getBody = raw["x-trustspec-get-body"] as Obj | undefined;
      if (getBody)
        base.toleratedBody = {
          mediaType: "application/json",
          required: false,
          schema: fix(getBody),
        };

      const variants = raw["x-trustspec-variants"] as Obj[] | undefined;
      if (Array.isArray(variants) && variants.length > 0) {
        // Several documented operations share this method and path: split them back apart.
        for (const v of variants) {
          const names = new Set((v.queryParameters as string[] | undefined) ?? []);
          const { summary: _s, description: _d, ...common } = base;
          const op: OperationModel = {
            ...common,
            operationId: String(v.operationId),
            params: allParams.filter((p) => p.in !== "query" || names.has(p.name)),
            discriminator: [...((v.discriminator as string[] | undefined) ?? [...names])],
          };
          if (typeof v.summary === "string") op.summary = v.summary;
          if (typeof v.description === "string") op.description = v.description;
          if (v.requestBody)
            op.requestBody = {
              mediaType: "application/json",
              required: false,
              schema: fix(v.requestBody),
            };
          operations.push(op);
        }
        continue;
      }
      if (typeof raw.operationId !== "string")
        throw new Error(`${options.source}: ${method.toUpperCase()} ${path} has no operationId`);
      const op: OperationModel = { ...base, operationId: raw.operationId, params: allParams };
      if (body) op.requestBody = body;
      operations.push(op);
    }
  }

  const schemes = (components.securitySchemes ?? {}) as Record<string, Obj>;
  const model: ApiModel = {
    name: options.name,
    title: String(info.title ?? options.name),
    version: String(info.version ?? "0.0.0"),
    source: options.source,
    bundleId,
    servers: ((doc.servers ?? []) as Obj[]).map((s) => ({
      url: fillServerVariables(String(s.url), (s.variables ?? {}) as Record<string, Obj>),
      ...(typeof s.description === "string" ? { description: s.description } : {}),
    })),
    schemas,
    operations,
    securitySchemes: Object.fromEntries(
      Object.keys(schemes)
        .sort()
        .map((k) => {
          const s = schemes[k]!;
          return [
            k,
            {
              type: String(s.type),
              ...(typeof s.scheme === "string" ? { scheme: s.scheme } : {}),
              ...(typeof s.description === "string" ? { description: s.description } : {}),
            },
          ];
        }),
    ),
  };
  if (typeof info.description === "string") model.description = info.description;
  const sig = doc["x-trustspec-response-signature"] as Obj | undefined;
  if (sig) {
    model.responseSignature = {
      algorithm: String(sig.algorithm),
      signatureHeader: String(sig.signatureHeader),
      signatureHeaderAliases: ((sig.signatureHeaderAliases ?? []) as unknown[]).map(String),
      queryIdHeader: String(sig.queryIdHeader),
      signedContent: String(sig.signedContent),
    };
  }
  const err = errorFormat(doc["x-trustspec-error"]);
  if (err) model.errorFormat = err;
  return model;
}

/** Reads an `x-trustspec-error` extension (document root or operation). */
function errorFormat(value: unknown): ErrorFormatModel | undefined {
  const err = value as Obj | undefined;
  if (!err) return undefined;
  return {
    schema: String(err.schema),
    fields: (err.fields ?? {}) as Record<string, string>,
    ...(err.messagePrefix === "exception" ? { messagePrefix: "exception" as const } : {}),
    ...(err.constants ? { constants: err.constants as Record<string, unknown> } : {}),
  };
}

function securityNames(security: unknown): string[] {
  if (!Array.isArray(security)) return [];
  return [...new Set(security.flatMap((s) => Object.keys(s as Obj)))].sort();
}

function mergeParams(shared: Obj[], own: Obj[]): Obj[] {
  const key = (p: Obj) => `${p.in}:${p.name}`;
  const map = new Map(shared.map((p) => [key(p), p]));
  for (const p of own) map.set(key(p), p);
  return [...map.values()];
}

/** `https://{host}/api` with `host` defaulting to `example.org` gives `https://example.org/api`. */
function fillServerVariables(url: string, variables: Record<string, Obj>): string {
  return url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const value = variables[name]?.default;
    return value === undefined ? whole : String(value);
  });
}

function toParam(p: Obj, fix: (s: unknown) => JsonSchema, named: Record<string, Obj>): ParamModel {
  const where = String(p.in);
  if (where !== "path" && where !== "query" && where !== "header") {
    throw new Error(`parameter ${String(p.name)}: location "${where}" is not supported`);
  }
  const schema = fix(p.schema ?? {});
  const param: ParamModel = {
    name: String(p.name),
    in: where,
    required: where === "path" || p.required === true,
    kind: scalarKind(resolveLocal(p.schema as Obj | undefined, named)),
    schema,
  };
  if (typeof p.description === "string") param.description = p.description;
  return param;
}

/** A parameter schema with a `$ref` to a component replaced by that component (for its scalar kind). */
function resolveLocal(schema: Obj | undefined, named: Record<string, Obj>): JsonSchema {
  let s: Obj = schema ?? {};
  for (let depth = 0; typeof s.$ref === "string" && depth < 8; depth++) {
    const ref: string = s.$ref;
    s = named[ref.slice(ref.lastIndexOf("/") + 1)] ?? {};
  }
  const branches = (s.anyOf ?? s.oneOf) as Obj[] | undefined;
  if (Array.isArray(branches) && branches.length > 0) return resolveLocal(branches[0], named);
  return s;
}

function scalarKind(schema: JsonSchema): ParamModel["kind"] {
  const types = Array.isArray(schema.type) ? schema.type : [schema.type];
  for (const t of ["integer", "number", "boolean"] as const) if (types.includes(t)) return t;
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === "number")) {
    return schema.enum.every((v) => Number.isInteger(v)) ? "integer" : "number";
  }
  return "string";
}

function toBody(b: Obj, fix: (s: unknown) => JsonSchema): BodyModel | undefined {
  const content = (b.content ?? {}) as Record<string, Obj>;
  const mediaType = Object.keys(content).sort((a, c) => rankMedia(a) - rankMedia(c))[0];
  if (!mediaType) return undefined;
  return {
    mediaType,
    required: b.required === true,
    schema: fix(content[mediaType]!.schema ?? {}),
  };
}

function rankMedia(m: string): number {
  return m.includes("json") ? 0 : 1;
}

function toResponses(
  responses: Obj,
  lib: Record<string, Obj>,
  headersLib: Record<string, Obj>,
  deref: <T extends Obj>(o: Obj, lib: Record<string, Obj>) => T,
  fix: (s: unknown) => JsonSchema,
): ResponseModel[] {
  const out: ResponseModel[] = [];
  for (const code of Object.keys(responses)) {
    const r = deref<Obj>(responses[code] as Obj, lib);
    const status = code === "default" ? "default" : Number(code);
    if (status !== "default" && !Number.isInteger(status))
      throw new Error(`response code ${code} is not supported`);
    const headers = Object.entries((r.headers ?? {}) as Record<string, Obj>)
      .map(([name, h]) => {
        const header = deref<Obj>(h, headersLib);
        return {
          name,
          required: header.required === true,
          ...(typeof header.description === "string" ? { description: header.description } : {}),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
    const model: ResponseModel = { status, headers };
    if (typeof r.description === "string") model.description = r.description;
    const content = (r.content ?? {}) as Record<string, Obj>;
    const media = Object.keys(content).sort((a, c) => rankMedia(a) - rankMedia(c))[0];
    if (media) {
      model.mediaType = media;
      if (content[media]!.schema) model.schema = fix(content[media]!.schema);
    }
    out.push(model);
  }
  return out.sort((a, b) =>
    a.status === "default" ? 1 : b.status === "default" ? -1 : a.status - b.status,
  );
}

function enumMembers(raw: Obj): EnumMember[] | undefined {
  const ext = raw["x-trustspec-enum"];
  if (Array.isArray(ext)) {
    return ext.map((m: Obj) => ({
      name: String(m.name),
      value: m.value as string | number,
      ...(typeof m.description === "string" ? { description: m.description } : {}),
    }));
  }
  const values = raw.enum;
  if (Array.isArray(values) && values.every((v) => typeof v === "string")) {
    return values.map((v: string) => ({ name: pascal(v), value: v }));
  }
  return undefined;
}

/** `USB` stays `USB`, `x86_64` becomes `X86_64`, `in-progress` becomes `InProgress`. */
export function pascal(text: string): string {
  const parts = text.split(/[^A-Za-z0-9_]+/).filter(Boolean);
  const name = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
  return /^[0-9]/.test(name) ? `_${name}` : name || "_";
}

function rewriteRefs(value: unknown, bundleId: string): unknown {
  if (Array.isArray(value)) return value.map((v) => rewriteRefs(v, bundleId));
  if (value && typeof value === "object") {
    const out: Obj = {};
    for (const [k, v] of Object.entries(value as Obj)) {
      if (k === "$ref" && typeof v === "string" && v.startsWith("#/components/schemas/")) {
        out[k] = `${bundleId}#/$defs/${v.slice("#/components/schemas/".length)}`;
      } else {
        out[k] = rewriteRefs(v, bundleId);
      }
    }
    return out;
  }
  return value;
}
