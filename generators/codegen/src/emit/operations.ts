import type { ApiModel, OperationModel } from "../model.js";
import { header } from "./ts.js";

/**
 * `operations.gen.ts`: the operation descriptors the runtime's client, router and mocks read.
 * Parameters and responses that several operations share are written once, as named constants.
 */
export function emitOperations(model: ApiModel): string {
  const shared = new SharedValues();
  const descriptors = model.operations.map((op) => descriptor(op, shared));
  const constants = shared.constants();
  const used = constants.flatMap((c) => c.type.match(/\b\w+Descriptor\b/g) ?? []);
  const types = [...new Set(["OperationDescriptor", ...used])].sort();
  const out = [
    header(model.source),
    `import type { ${types.join(", ")} } from "@trustspec/runtime";`,
    "",
  ];
  for (const c of constants) {
    out.push(`const ${c.name}: ${c.type} = ${shared.render(c.value)};`, "");
  }
  model.operations.forEach((op, i) => {
    out.push(
      `export const ${op.operationId}: OperationDescriptor = ${shared.render(descriptors[i])};`,
      "",
    );
  });
  out.push("/** Every operation of the API, in document order. */");
  out.push(
    `export const operationList: readonly OperationDescriptor[] = [${model.operations.map((o) => o.operationId).join(", ")}];`,
    "",
  );
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
    const text = JSON.stringify(value, null, 2).replace(
      // A spread of a shared map: `...name`, or its members spliced in when it is used once.
      /"\\u0001spread": "\\u0000(.*?)\\u0000"/g,
      (_m, escaped: string) => {
        const entry = this.#entries.get(JSON.parse(`"${escaped}"`));
        if (!entry) throw new Error("unregistered shared value");
        if (entry.uses > 1) return `...${entry.name}`;
        return JSON.stringify(entry.value).slice(1, -1);
      },
    );
    return text.replace(/"\\u0000(.*?)\\u0000"/g, (_m, escaped: string) => {
      const entry = this.#entries.get(JSON.parse(`"${escaped}"`));
      if (!entry) throw new Error("unregistered shared value");
      return entry.uses > 1 ? entry.name : JSON.stringify(entry.value, null, 2);
    });
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

function descriptor(op: OperationModel, shared: SharedValues): Record<string, unknown> {
  const d: Record<string, unknown> = {
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    params: op.params.map((p) =>
      shared.use(
        { name: p.name, in: p.in, required: p.required, kind: p.kind, schema: p.schema },
        "ParamDescriptor",
        `${identifier(p.name)}Param`,
      ),
    ),
  };
  if (op.requestBody) d.requestBody = op.requestBody;
  if (op.toleratedBody) d.toleratedBody = op.toleratedBody;
  const entries = op.responses.map((r) => {
    const spec: Record<string, unknown> = {};
    if (r.mediaType) spec.mediaType = r.mediaType;
    if (r.schema) spec.schema = r.schema;
    if (r.headers.length) spec.headers = r.headers.map((h) => h.name);
    const ref = typeof r.schema?.$ref === "string" ? r.schema.$ref : undefined;
    const base = ref
      ? `${identifier(ref.slice(ref.lastIndexOf("/") + 1))}Response`
      : r.schema
        ? "inlineResponse"
        : "emptyResponse";
    return [String(r.status), shared.use(spec, "ResponseDescriptor", base)] as const;
  });
  // The error answers, which most operations of an API share, form one map spread into each.
  const isError = (status: string) => !op.success.includes(Number(status));
  const errors = Object.fromEntries(entries.filter(([status]) => isError(status)));
  d.responses = Object.fromEntries(entries.filter(([status]) => !isError(status)));
  if (Object.keys(errors).length > 1) {
    (d.responses as Record<string, unknown>)["\u0001spread"] = shared.use(
      errors,
      "Readonly<Record<string, ResponseDescriptor>>",
      "errorResponses",
    );
  } else Object.assign(d.responses as object, errors);
  d.success = op.success;
  if (op.discriminator) d.discriminator = op.discriminator;
  d.security = op.security;
  if (op.anonymous) d.anonymous = true;
  return d;
}
