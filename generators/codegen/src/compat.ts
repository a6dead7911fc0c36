/**
 * Compatibility of two versions of one API model, as the users of the generated client see it:
 * which differences break code written against the earlier version (a major release), and which
 * only add to it.
 *
 * Requests and answers are judged in opposite directions. A request schema may only widen (what
 * callers sent before must still be accepted: a removed property, a new required field, a removed
 * enum value or a tighter limit breaks). An answer schema may only narrow (what the client's
 * types promised must still hold: a removed or now optional property, a new type or enum value
 * breaks; a new optional property does not). Where two schemas are shaped too differently to
 * compare (a different composition), the change counts as breaking: a false alarm costs a
 * changeset, a missed break costs users.
 */

import type { ApiModel, JsonSchema, NamedSchema, OperationModel, ParamModel } from "./model.js";

/** One difference between two versions of an API. */
export interface CompatChange {
  /** `breaking`: code written against the earlier version may stop compiling or working. */
  kind: "breaking" | "compatible";
  /** Where: an operation, a parameter, a schema path (`listLicences 200 /Licences/0/KeyNo`). */
  where: string;
  /** What changed, in words. */
  what: string;
}

type Direction = "request" | "response";

interface Context {
  before: Map<string, NamedSchema>;
  after: Map<string, NamedSchema>;
  changes: CompatChange[];
  /** Pairs of named schemas already compared in a direction (cycles, shared types). */
  seen: Set<string>;
}

/** The differences between `before` and `after`, breaking ones first, each once. */
export function compareApis(before: ApiModel, after: ApiModel): CompatChange[] {
  const ctx: Context = {
    before: new Map(before.schemas.map((s) => [s.name, s])),
    after: new Map(after.schemas.map((s) => [s.name, s])),
    changes: [],
    seen: new Set(),
  };
  compareNamedSchemas(ctx);
  const afterOps = new Map(after.operations.map((o) => [o.operationId, o]));
  const beforeIds = new Set(before.operations.map((o) => o.operationId));
  for (const op of before.operations) {
    const next = afterOps.get(op.operationId);
    if (!next) breaking(ctx, op.operationId, "the operation was removed");
    else compareOperations(ctx, op, next);
  }
  for (const op of after.operations) {
    if (!beforeIds.has(op.operationId)) {
      compatible(ctx, op.operationId, `new operation ${op.method} ${op.path}`);
    }
  }
  compareSoap(ctx, before, after);
  if (JSON.stringify(before.responseSignature) !== JSON.stringify(after.responseSignature)) {
    breaking(ctx, "x-trustspec-response-signature", "the response signature scheme changed");
  }
  const unique = new Map<string, CompatChange>();
  for (const c of ctx.changes) unique.set(`${c.kind} ${c.where} ${c.what}`, c);
  return [...unique.values()].sort((a, b) =>
    a.kind === b.kind ? 0 : a.kind === "breaking" ? -1 : 1,
  );
}

/** Only the breaking changes of {@link compareApis}. */
export function breakingChanges(before: ApiModel, after: ApiModel): CompatChange[] {
  return compareApis(before, after).filter((c) => c.kind === "breaking");
}

function breaking(ctx: Context, where: string, what: string): void {
  ctx.changes.push({ kind: "breaking", where, what });
}

function compatible(ctx: Context, where: string, what: string): void {
  ctx.changes.push({ kind: "compatible", where, what });
}

/** Exported types: a removed schema or enum member is gone from the package's exports. */
function compareNamedSchemas(ctx: Context): void {
  for (const [name, s] of ctx.before) {
    const next = ctx.after.get(name);
    if (!next) {
      breaking(ctx, name, "the type was removed");
      continue;
    }
    const names = new Set((next.enumMembers ?? []).map((m) => m.name));
    for (const m of s.enumMembers ?? []) {
      if (!names.has(m.name)) breaking(ctx, `${name}.${m.name}`, "the enum member was removed");
    }
    const values = new Map((next.enumMembers ?? []).map((m) => [m.name, m.value]));
    for (const m of s.enumMembers ?? []) {
      const v = values.get(m.name);
      if (v !== undefined && v !== m.value) {
        breaking(ctx, `${name}.${m.name}`, `the value changed from ${show(m.value)} to ${show(v)}`);
      }
    }
  }
  for (const name of ctx.after.keys()) {
    if (!ctx.before.has(name)) compatible(ctx, name, "new type");
  }
}

function compareOperations(ctx: Context, a: OperationModel, b: OperationModel): void {
  const id = a.operationId;
  if (a.method !== b.method || a.path !== b.path) {
    breaking(ctx, id, `moved from ${a.method} ${a.path} to ${b.method} ${b.path}`);
  }
  if (a.security.length === 0 && b.security.length > 0 && !b.anonymous) {
    breaking(ctx, id, "now needs credentials");
  }
  if (a.anonymous && !b.anonymous && b.security.length > 0) {
    breaking(ctx, id, "no longer takes calls without credentials");
  }
  compareParams(ctx, id, a.params, b.params);

  const ab = a.requestBody;
  const bb = b.requestBody;
  if (ab && !bb) breaking(ctx, `${id} body`, "the request body was removed");
  if (!ab && bb?.required) breaking(ctx, `${id} body`, "a required request body was added");
  if (!ab && bb && !bb.required)
    compatible(ctx, `${id} body`, "an optional request body was added");
  if (ab && bb) {
    if (ab.mediaType !== bb.mediaType) {
      breaking(ctx, `${id} body`, `sent as ${bb.mediaType} instead of ${ab.mediaType}`);
    }
    if (!ab.required && bb.required)
      breaking(ctx, `${id} body`, "the request body is now required");
    compareSchemas(ctx, `${id} body`, ab.schema, bb.schema, "request");
  }

  const success = (o: OperationModel) => new Set(o.success);
  const sa = success(a);
  const sb = success(b);
  for (const s of sa) if (!sb.has(s)) breaking(ctx, `${id} ${s}`, "the success status was removed");
  for (const s of sb) {
    if (!sa.has(s)) breaking(ctx, `${id} ${s}`, "a new success status widens the result type");
  }
  for (const r of a.responses) {
    if (typeof r.status !== "number" || !sb.has(r.status)) continue;
    const next = b.responses.find((x) => x.status === r.status);
    if (!next) continue;
    const where = `${id} ${r.status}`;
    if (r.schema && next.schema) compareSchemas(ctx, where, r.schema, next.schema, "response");
    else if (r.schema && !next.schema)
      breaking(ctx, where, "the answer no longer has a body schema");
    else if (!r.schema && next.schema) breaking(ctx, where, "the answer now has a body");
    for (const h of r.headers) {
      const nh = next.headers.find((x) => x.name.toLowerCase() === h.name.toLowerCase());
      if (!nh) breaking(ctx, `${where} header ${h.name}`, "the answer header was removed");
      else if (h.required && !nh.required) {
        breaking(ctx, `${where} header ${h.name}`, "the answer header is now optional");
      }
    }
  }
}

/**
 * SOAP services (WSDL input): operations by name, their SOAPAction, the input element as a
 * request and the output element as an answer, and the XML names every type is written with.
 */
function compareSoap(ctx: Context, before: ApiModel, after: ApiModel): void {
  const a = before.soap;
  const b = after.soap;
  if (!a) return;
  if (!b) {
    breaking(ctx, a.serviceName, "the SOAP service was removed");
    return;
  }
  const ref = (name: string | undefined): JsonSchema => (name ? { $ref: `#/$defs/${name}` } : {});
  const next = new Map(b.operations.map((o) => [o.name, o]));
  for (const op of a.operations) {
    const o = next.get(op.name);
    if (!o) {
      breaking(ctx, op.name, "the operation was removed");
      continue;
    }
    if (o.action !== op.action) breaking(ctx, op.name, `its SOAPAction is now ${show(o.action)}`);
    if (JSON.stringify(o.input.name) !== JSON.stringify(op.input.name)) {
      breaking(ctx, op.name, "its request element was renamed");
    }
    compareSchemas(ctx, `${op.name} request`, ref(op.input.schema), ref(o.input.schema), "request");
    if (op.output && o.output) {
      if (JSON.stringify(o.output.name) !== JSON.stringify(op.output.name)) {
        breaking(ctx, op.name, "its answer element was renamed");
      }
      const where = `${op.name} answer`;
      compareSchemas(ctx, where, ref(op.output.schema), ref(o.output.schema), "response");
    } else if (op.output && !o.output) {
      breaking(ctx, op.name, "it no longer answers");
    }
  }
  for (const o of b.operations) {
    if (!a.operations.some((op) => op.name === o.name)) compatible(ctx, o.name, "new operation");
  }
  const ta = before.xml?.types ?? {};
  const tb = after.xml?.types ?? {};
  for (const [name, t] of Object.entries(ta)) {
    const u = tb[name];
    if (u && changedNames(t, u)) {
      breaking(ctx, name, "its XML element or attribute names changed");
    }
  }
  function changedNames(t: unknown, u: unknown): boolean {
    // Only names present in both: added or removed fields are judged by the schemas.
    const names = (x: unknown) => {
      const out = new Map<string, string>();
      const walk = (v: unknown) => {
        if (Array.isArray(v)) v.forEach(walk);
        else if (v && typeof v === "object") {
          const o = v as Record<string, unknown>;
          if (typeof o.property === "string" && o.name) out.set(o.property, JSON.stringify(o.name));
          for (const w of Object.values(o)) walk(w);
        }
      };
      walk(x);
      return out;
    };
    const na = names(t);
    const nb = names(u);
    return [...na].some(([p, n]) => nb.has(p) && nb.get(p) !== n);
  }
}

function compareParams(ctx: Context, id: string, a: ParamModel[], b: ParamModel[]): void {
  const key = (p: ParamModel) => `${p.in}:${p.name}`;
  const next = new Map(b.map((p) => [key(p), p]));
  const prev = new Map(a.map((p) => [key(p), p]));
  for (const p of a) {
    const where = `${id} ${p.in} ${p.name}`;
    const q = next.get(key(p));
    if (!q) {
      breaking(ctx, where, "the parameter was removed");
      continue;
    }
    if (!p.required && q.required) breaking(ctx, where, "the parameter is now required");
    if (p.kind !== q.kind) breaking(ctx, where, `its kind changed from ${p.kind} to ${q.kind}`);
    compareSchemas(ctx, where, p.schema, q.schema, "request");
  }
  for (const q of b) {
    if (prev.has(key(q))) continue;
    const where = `${id} ${q.in} ${q.name}`;
    if (q.required) breaking(ctx, where, "a required parameter was added");
    else compatible(ctx, where, "an optional parameter was added");
  }
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

function refName(schema: JsonSchema): string | undefined {
  const ref = schema.$ref;
  return typeof ref === "string" ? ref.slice(ref.lastIndexOf("/") + 1) : undefined;
}

/** The schema behind a `$ref` (one level), or the schema itself. */
function resolve(map: Map<string, NamedSchema>, schema: JsonSchema): JsonSchema {
  const name = refName(schema);
  if (name === undefined) return schema;
  const keys = Object.keys(schema).filter((k) => k !== "$ref" && k !== "description");
  const target = map.get(name)?.schema ?? {};
  // A $ref beside other keywords (2020-12 allows it) applies both.
  return keys.length === 0 ? target : { allOf: [target, omit(schema, ["$ref"])] };
}

function omit(schema: JsonSchema, keys: string[]): JsonSchema {
  return Object.fromEntries(Object.entries(schema).filter(([k]) => !keys.includes(k)));
}

const ANNOTATIONS = new Set([
  "description",
  "title",
  "examples",
  "example",
  "deprecated",
  "readOnly",
  "writeOnly",
  "$comment",
  "default",
]);

/** The schema without keywords that do not constrain values, for equality checks. */
function essence(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(essence);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(schema).sort()) {
    if (ANNOTATIONS.has(k) || k.startsWith("x-")) continue;
    out[k] = essence((schema as Record<string, unknown>)[k]);
  }
  return out;
}

function sameEssence(a: unknown, b: unknown): boolean {
  return JSON.stringify(essence(a)) === JSON.stringify(essence(b));
}

/** The JSON types a schema admits, or undefined when it does not say. */
function types(schema: JsonSchema): Set<string> | undefined {
  const t = schema.type;
  if (typeof t === "string") return new Set([t]);
  if (Array.isArray(t)) return new Set(t.map(String));
  const values = schema.enum ?? ("const" in schema ? [schema.const] : undefined);
  if (Array.isArray(values)) return new Set(values.map(jsonType));
  return undefined;
}

function jsonType(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Whether every value of type `t` is a value of one of `set` (an integer is a number). */
function covered(t: string, set: Set<string>): boolean {
  return set.has(t) || (t === "integer" && set.has("number"));
}

function enumValues(schema: JsonSchema): unknown[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum;
  if ("const" in schema) return [schema.const];
  return undefined;
}

const COMPOSITIONS = ["anyOf", "oneOf", "allOf"] as const;

function compareSchemas(
  ctx: Context,
  where: string,
  a: JsonSchema,
  b: JsonSchema,
  dir: Direction,
): void {
  const an = refName(a);
  const bn = refName(b);
  if (an !== undefined && bn !== undefined && an !== bn) {
    // A type replaced by another: compare what they say.
    const key = `${dir} ${an}>${bn}`;
    if (ctx.seen.has(key)) return;
    ctx.seen.add(key);
  } else if (an !== undefined && an === bn) {
    const key = `${dir} ${an}`;
    if (ctx.seen.has(key)) return;
    ctx.seen.add(key);
    where = an;
  }
  const x = resolve(ctx.before, a);
  const y = resolve(ctx.after, b);

  for (const k of COMPOSITIONS) {
    if (Array.isArray(x[k]) || Array.isArray(y[k])) {
      compareCompositions(ctx, where, [a, b], x, y, dir);
      return;
    }
  }

  const ta = types(x);
  const tb = types(y);
  if (ta && tb) {
    if (dir === "request") {
      for (const t of ta) if (!covered(t, tb)) breaking(ctx, where, `no longer accepts ${t}`);
    } else {
      for (const t of tb) if (!covered(t, ta)) breaking(ctx, where, `may now answer ${t}`);
    }
  } else if (dir === "request" && !ta && tb) {
    breaking(ctx, where, `now accepts only ${[...tb].join(" or ")}`);
  } else if (dir === "response" && ta && !tb) {
    breaking(ctx, where, "its type is no longer stated");
  }

  compareEnums(ctx, where, x, y, dir);
  compareLimits(ctx, where, x, y, dir);

  const isObject = (s: JsonSchema) =>
    s.properties !== undefined || types(s)?.has("object") === true;
  if (isObject(x) || isObject(y)) compareObjects(ctx, where, x, y, dir);
  if (x.items || y.items) {
    compareSchemas(
      ctx,
      `${where}/items`,
      (x.items ?? {}) as JsonSchema,
      (y.items ?? {}) as JsonSchema,
      dir,
    );
  }
}

function compareEnums(
  ctx: Context,
  where: string,
  x: JsonSchema,
  y: JsonSchema,
  dir: Direction,
): void {
  const ea = enumValues(x);
  const eb = enumValues(y);
  const has = (list: unknown[], v: unknown) =>
    list.some((w) => JSON.stringify(w) === JSON.stringify(v));
  if (ea && eb) {
    if (dir === "request") {
      for (const v of ea) if (!has(eb, v)) breaking(ctx, where, `no longer accepts ${show(v)}`);
      for (const v of eb) if (!has(ea, v)) compatible(ctx, where, `now also accepts ${show(v)}`);
    } else {
      for (const v of eb) if (!has(ea, v)) breaking(ctx, where, `may now answer ${show(v)}`);
      for (const v of ea) if (!has(eb, v)) compatible(ctx, where, `no longer answers ${show(v)}`);
    }
  } else if (dir === "request" && !ea && eb) {
    breaking(ctx, where, "now accepts only a list of values");
  } else if (dir === "response" && ea && !eb) {
    breaking(ctx, where, "may now answer values outside its former list");
  }
}

/** Tighter limits break requests; looser limits on answers are left to the types. */
function compareLimits(
  ctx: Context,
  where: string,
  x: JsonSchema,
  y: JsonSchema,
  dir: Direction,
): void {
  if (dir !== "request") return;
  const lower = ["minLength", "minimum", "exclusiveMinimum", "minItems", "minProperties"];
  const upper = ["maxLength", "maximum", "exclusiveMaximum", "maxItems", "maxProperties"];
  for (const k of lower) {
    const p = x[k];
    const n = y[k];
    if (typeof n === "number" && (typeof p !== "number" || n > p)) {
      breaking(ctx, where, `${k} tightened to ${n}`);
    }
  }
  for (const k of upper) {
    const p = x[k];
    const n = y[k];
    if (typeof n === "number" && (typeof p !== "number" || n < p)) {
      breaking(ctx, where, `${k} tightened to ${n}`);
    }
  }
  for (const k of ["pattern", "format", "multipleOf"]) {
    if (y[k] !== undefined && y[k] !== x[k]) breaking(ctx, where, `${k} is now ${show(y[k])}`);
  }
}

function compareObjects(
  ctx: Context,
  where: string,
  x: JsonSchema,
  y: JsonSchema,
  dir: Direction,
): void {
  const pa = (x.properties ?? {}) as Record<string, JsonSchema>;
  const pb = (y.properties ?? {}) as Record<string, JsonSchema>;
  const ra = new Set((x.required ?? []) as string[]);
  const rb = new Set((y.required ?? []) as string[]);
  for (const name of Object.keys(pa)) {
    const at = `${where}/${name}`;
    if (!(name in pb)) {
      breaking(
        ctx,
        at,
        dir === "request" ? "the field is no longer accepted" : "the field was removed",
      );
      continue;
    }
    if (dir === "request" && !ra.has(name) && rb.has(name)) {
      breaking(ctx, at, "the field is now required");
    }
    if (dir === "response" && ra.has(name) && !rb.has(name)) {
      breaking(ctx, at, "the field is no longer always present");
    }
    compareSchemas(ctx, at, pa[name]!, pb[name]!, dir);
  }
  for (const name of Object.keys(pb)) {
    if (name in pa) continue;
    const at = `${where}/${name}`;
    if (dir === "request" && rb.has(name)) breaking(ctx, at, "a required field was added");
    else compatible(ctx, at, "new field");
  }
  const closed = (s: JsonSchema) =>
    s.additionalProperties === false || s.unevaluatedProperties === false;
  if (dir === "request" && !closed(x) && closed(y)) {
    breaking(ctx, where, "no longer accepts fields beyond those listed");
  }
}

/**
 * Unions and intersections. Parts are matched by the type they name (`$ref`), or else by
 * position; a side without the composition counts as a single part (itself, by its `$ref`).
 */
function compareCompositions(
  ctx: Context,
  where: string,
  original: [JsonSchema, JsonSchema],
  x: JsonSchema,
  y: JsonSchema,
  dir: Direction,
): void {
  const kind = COMPOSITIONS.find((k) => Array.isArray(x[k]) || Array.isArray(y[k]))!;
  const la = (x[kind] ?? [original[0]]) as JsonSchema[];
  const lb = (y[kind] ?? [original[1]]) as JsonSchema[];
  const rest = (s: JsonSchema) => omit(s, [kind]);
  if (Array.isArray(x[kind]) && Array.isArray(y[kind]) && !sameEssence(rest(x), rest(y))) {
    compareSchemas(ctx, where, rest(x), rest(y), dir);
  }
  const partner = (part: JsonSchema, i: number, list: JsonSchema[]) => {
    const n = refName(part);
    return n !== undefined ? list.find((p) => refName(p) === n) : list[i];
  };
  if (kind === "allOf" || la.length === lb.length) {
    if (la.length !== lb.length) {
      breaking(
        ctx,
        where,
        `the allOf composition now has ${lb.length} parts instead of ${la.length}`,
      );
      return;
    }
    la.forEach((part, i) => {
      const match = partner(part, i, lb);
      if (match) compareSchemas(ctx, where, part, match, dir);
      else breaking(ctx, where, `the ${kind} part ${refName(part) ?? i} was replaced`);
    });
    return;
  }
  // anyOf/oneOf with another number of alternatives: what was lost, what was gained.
  const label = (s: JsonSchema) => refName(s) ?? JSON.stringify(essence(s));
  const labels = (list: JsonSchema[]) => new Set(list.map(label));
  const sa = labels(la);
  const sb = labels(lb);
  const lost = [...sa].filter((l) => !sb.has(l));
  const gained = [...sb].filter((l) => !sa.has(l));
  if (dir === "request") {
    for (const l of lost) breaking(ctx, where, `no longer accepts the alternative ${l}`);
    for (const g of gained) compatible(ctx, where, `now also accepts ${g}`);
  } else {
    for (const g of gained) breaking(ctx, where, `may now answer the alternative ${g}`);
    for (const l of lost) compatible(ctx, where, `no longer answers ${l}`);
  }
  for (const part of la) {
    const n = refName(part);
    const match = n !== undefined ? lb.find((p) => refName(p) === n) : undefined;
    if (match) compareSchemas(ctx, where, part, match, dir);
  }
}

function show(v: unknown): string {
  return JSON.stringify(v) ?? String(v);
}
