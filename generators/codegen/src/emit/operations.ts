import type { ApiModel, BodyModel, JsonSchema, OperationModel } from "../model.js";
import { header } from "./ts.js";
import { type ValidatorNames, validatorNames } from "./validators.js";

/**
 * `operations.gen.ts`: the operation descriptors the runtime's client, router and mocks read.
 * Parameters and responses that several operations share are written once, as named constants.
 */
export function emitOperations(model: ApiModel): string {
  return operationsModule(model, validatorNames(model));
}

/**
 * `operations-lite.gen.ts`: the descriptors of the lite client (client-lite.gen.ts), with the
 * same names: what a call needs to build its request and read its answer, without schemas,
 * validators or response headers, so that a bundle of one lite operation carries no validator.
 */
export function emitLiteOperations(model: ApiModel): string {
  return operationsModule(model, undefined);
}

function operationsModule(model: ApiModel, validators: ValidatorNames | undefined): string {
  const shared = new SharedValues();
  const descriptors = model.operations.map((op) => descriptor(op, shared, validators));
  const constants = shared.constants();
  const used = constants.flatMap((c) => c.type.match(/\b\w+Descriptor\b/g) ?? []);
  const types = [...new Set(["OperationDescriptor", ...used])].sort();
  const out = [
    header(model.source),
    `import type { ${types.join(", ")} } from "@trustspec/runtime/core";`,
  ];
  if (validators && validators.entries.length > 0)
    out.push('import * as v from "./validators.gen.js";');
  out.push("");
  for (const c of constants) {
    out.push(`const ${c.name}: ${c.type} = ${shared.render(c.value)};`, "");
  }
  model.operations.forEach((op, i) => {
    out.push(
      `export const ${op.operationId}: OperationDescriptor = ${shared.render(descriptors[i])};`,
      "",
    );
  });
  if (validators) {
    out.push("/** Every operation of the API, in document order. */");
    out.push(
      `export const operationList: readonly OperationDescriptor[] = [${model.operations.map((o) => o.operationId).join(", ")}];`,
      "",
    );
  }
  return out.join("\n");
}

/** Values that may be shared between descriptors; each used twice or more becomes a constant. */
class SharedValues {
  readonly #entries = new Map<
    string,
    { name: string; type: string; value: unknown; uses: number }
  >();
  readonly #names = new Set<string>();

  /** Registers a value and returns a placeholder that `render` resolves. */
  use(value: unknown, type: string, baseName: string): string {
    const key = `${type}:${JSON.stringify(value)}`;
    let entry = this.#entries.get(key);
    if (!entry) {
      let name = baseName;
      for (let n = 2; this.#names.has(name); n++) name = `${baseName}${n}`;
      this.#names.add(name);
      entry = { name, type, value, uses: 0 };
      this.#entries.set(key, entry);
    }
    entry.uses++;
    return `\u0000${key}\u0000`;
  }

  constants() {
    return [...this.#entries.values()].filter((e) => e.uses > 1);
  }

  render(value: unknown): string {
    const text = JSON.stringify(value, null, 2);
    return text
      .replace(/"\\u0000(.*?)\\u0000"/g, (_m, escaped: string) => {
        const entry = this.#entries.get(JSON.parse(`"${escaped}"`));
        if (!entry) throw new Error("unregistered shared value");
        return entry.uses > 1 ? entry.name : JSON.stringify(entry.value, null, 2);
      })
      .replace(/"\\u0002(\w+)"/g, "v.$1");
  }
}

/** A camelCase identifier from a vendor name: `ID` → `id`, `KeyNo` → `keyNo`, `Licence-QueryID` → `licenceQueryID`. */
function identifier(text: string): string {
  const clean = text.replace(/[^A-Za-z0-9]+/g, "");
  if (!clean) return "value";
  const caps = /^[A-Z]*/.exec(clean)![0].length;
  if (caps === clean.length) return clean.toLowerCase();
  const cut = caps > 1 ? caps - 1 : 1;
  return clean.slice(0, cut).toLowerCase() + clean.slice(cut);
}

/** A compiled validator's name, written into the descriptor as a reference to its export. */
function validatorRef(validators: ValidatorNames, schema: JsonSchema): string {
  return `\u0002${validators.nameOf(schema)}`;
}

/**
 * Lite response entries: the most frequent entry (the first of equals) as `default` and the
 * entries that differ from it, unless the operation documents a `default` response of its own or
 * no entry repeats.
 */
function withDefault(
  entries: readonly (readonly [string, string])[],
): (readonly [string, string])[] {
  if (entries.some(([status]) => status === "default")) return [...entries];
  const counts = new Map<string, number>();
  for (const [, spec] of entries) counts.set(spec, (counts.get(spec) ?? 0) + 1);
  let common: string | undefined;
  for (const [spec, n] of counts) if (n > 1 && n > (counts.get(common ?? "") ?? 0)) common = spec;
  if (common === undefined) return [...entries];
  return [...entries.filter(([, spec]) => spec !== common), ["default", common] as const];
}

/** A body descriptor with its compiled validator; without schema for the lite descriptors. */
function body(b: BodyModel, validators: ValidatorNames | undefined): Record<string, unknown> {
  if (!validators) return { mediaType: b.mediaType, required: b.required };
  return b.schema ? { ...b, validate: validatorRef(validators, b.schema) } : { ...b };
}

/** An operation's descriptor; without schemas, validators and headers when `validators` is absent. */
function descriptor(
  op: OperationModel,
  shared: SharedValues,
  validators: ValidatorNames | undefined,
): Record<string, unknown> {
  const d: Record<string, unknown> = {
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    params: op.params.map((p) =>
      shared.use(
        validators
          ? {
              name: p.name,
              in: p.in,
              required: p.required,
              kind: p.kind,
              schema: p.schema,
              validate: validatorRef(validators, p.schema),
            }
          : { name: p.name, in: p.in, required: p.required, kind: p.kind },
        "ParamDescriptor",
        `${identifier(p.name)}Param`,
      ),
    ),
  };
  if (op.requestBody) d.requestBody = body(op.requestBody, validators);
  // The tolerated body and the discriminator serve the server stub and mocks only.
  if (op.toleratedBody && validators) d.toleratedBody = body(op.toleratedBody, validators);
  const entries: (readonly [string, string])[] = op.responses.map((r) => {
    const spec: Record<string, unknown> = {};
    if (r.mediaType) spec.mediaType = r.mediaType;
    if (validators && r.schema) {
      spec.schema = r.schema;
      spec.validate = validatorRef(validators, r.schema);
    }
    if (validators && r.headers.length) spec.headers = r.headers.map((h) => h.name);
    const ref = typeof r.schema?.$ref === "string" ? r.schema.$ref : undefined;
    const base = !validators
      ? r.mediaType
        ? "bodyResponse"
        : "emptyResponse"
      : ref
        ? `${identifier(ref.slice(ref.lastIndexOf("/") + 1))}Response`
        : r.schema
          ? "inlineResponse"
          : "emptyResponse";
    return [String(r.status), shared.use(spec, "ResponseDescriptor", base)] as const;
  });
  // Each status is its own entry (an error answer most operations share is one named constant):
  // a spread would keep every descriptor in a bundle that uses one of them. A lite descriptor's
  // entries say only how a body is read, so the most frequent one becomes `default` (the lite call
  // path falls back to it) and only the statuses read otherwise are listed.
  d.responses = Object.fromEntries(validators ? entries : withDefault(entries));
  d.success = op.success;
  if (op.discriminator && validators) d.discriminator = op.discriminator;
  d.security = op.security;
  if (op.anonymous) d.anonymous = true;
  return d;
}
