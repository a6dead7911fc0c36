import type { ApiModel, JsonSchema } from "../model.js";
import { header, upperFirst } from "./ts.js";

/** A schema a descriptor carries: the validator export that checks it. */
export interface ValidatorNames {
  /** The export name for a descriptor's schema (by its JSON text). */
  nameOf(schema: JsonSchema): string;
  /** Every schema to compile, by export name. */
  entries: [string, JsonSchema][];
}

/**
 * The validators an API's descriptors need, one per distinct schema: a reference to a named schema
 * is checked by `validate<Name>`, an inline schema by a name from where it is first used. Those of
 * a SOAP service check the named schemas of its operations' input and output elements; the named
 * schemas the package's own code checks (`checkedSchemas`, the manifest's `validators`) get one
 * each too.
 */
export function validatorNames(model: ApiModel): ValidatorNames {
  const byKey = new Map<string, string>();
  const used = new Set<string>();
  const entries: [string, JsonSchema][] = [];
  const add = (schema: JsonSchema | undefined, context: string) => {
    if (!schema) return;
    const key = JSON.stringify(schema);
    if (byKey.has(key)) return;
    const ref = onlyRef(schema, model.bundleId);
    const base = `validate${identifierPart(ref ?? context)}`;
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}${n}`;
    used.add(name);
    byKey.set(key, name);
    entries.push([name, schema]);
  };
  const named = (name: string) => ({ $ref: `${model.bundleId}#/$defs/${name}` });
  for (const op of model.soap?.operations ?? []) {
    if (op.input.schema) add(named(op.input.schema), op.input.schema);
    if (op.output?.schema) add(named(op.output.schema), op.output.schema);
  }
  for (const op of model.operations) {
    const opName = upperFirst(op.operationId);
    for (const p of op.params) add(p.schema, `${opName}${identifierPart(p.name)}Param`);
    add(op.requestBody?.schema, `${opName}Body`);
    add(op.toleratedBody?.schema, `${opName}ToleratedBody`);
    for (const r of op.responses) add(r.schema, `${opName}Response${upperFirst(String(r.status))}`);
  }
  for (const name of model.checkedSchemas ?? []) add(named(name), name);
  return {
    entries,
    nameOf(schema) {
      const name = byKey.get(JSON.stringify(schema));
      if (!name) throw new Error("a descriptor schema without a validator");
      return name;
    },
  };
}

/**
 * `validators.gen.ts`: one validator per schema the descriptors use, generated as plain code
 * for the subset of JSON Schema 2020-12 the specs use, reporting what the runtime's Ajv validator
 * reports (paths, keywords, messages; every problem, not only the first). Each named schema is one
 * check function that the checks referring to it call; each export wraps one check with the
 * runtime's `compiled`, so an operation imports only its own and nothing compiles at run time.
 * A schema with a keyword outside the subset stops generation with the schema and keyword named.
 */
export function emitValidators(model: ApiModel): string | undefined {
  const names = validatorNames(model);
  if (names.entries.length === 0) return undefined;
  const out = new CheckWriter(model);
  const exports = names.entries.map(([name, schema]) => {
    const ref = onlyRef(schema, model.bundleId);
    const check = ref !== undefined ? out.named(ref, name) : out.inline(schema, name);
    return `export const ${name}: CompiledSchema = /* @__PURE__ */ compiled(${check});`;
  });
  return [
    header(model.source),
    "/** biome-ignore-all lint/suspicious/noExplicitAny: a check reads values of any shape */",
    "",
    ...runtimeImports(["type CompiledProblems", "type CompiledSchema"], out.imports),
    "",
    ...out.constants,
    ...out.functions,
    ...exports,
    "",
  ].join("\n");
}

/**
 * Runtime helpers imported from an entry of their own rather than `@trustspec/runtime/core`: Node
 * loads every module an entry imports, and `uri`'s check (ajv-formats' own) costs several
 * milliseconds to load, which only the APIs whose validators use it should pay.
 */
export const OWN_ENTRY: Record<string, string> = { uriFormat: "@trustspec/runtime/format-uri" };

/**
 * The import lines of a validators module: `fixed` and the helpers it uses from
 * `@trustspec/runtime/core`, and each helper with an entry of its own from that entry.
 */
export function runtimeImports(fixed: readonly string[], used: Iterable<string>): string[] {
  const names = [...used].sort();
  const core = [...fixed, ...names.filter((n) => !(n in OWN_ENTRY))];
  return [
    `import { ${core.join(", ")} } from "@trustspec/runtime/core";`,
    ...names.filter((n) => n in OWN_ENTRY).map((n) => `import { ${n} } from "${OWN_ENTRY[n]}";`),
  ];
}

/** The keywords the generated checks implement. */
const SUPPORTED = new Set([
  "type",
  "enum",
  "const",
  "$ref",
  "allOf",
  "anyOf",
  "oneOf",
  "required",
  "propertyNames",
  "additionalProperties",
  "properties",
  "unevaluatedProperties",
  "items",
  "maxItems",
  "minItems",
  "maxLength",
  "minLength",
  "pattern",
  "maximum",
  "minimum",
  "exclusiveMaximum",
  "exclusiveMinimum",
  "format",
]);

/** Keywords that change no validation result (Ajv, as the runtime configures it, ignores them too). */
export const ANNOTATIONS = new Set([
  "description",
  "title",
  "examples",
  "example",
  "$comment",
  "deprecated",
  "default",
  "readOnly",
  "writeOnly",
  "contentEncoding",
  "contentMediaType",
]);

/** Whether a keyword only annotates: one of {@link ANNOTATIONS} or an extension (`x-trustspec-enum`). */
function isAnnotation(keyword: string): boolean {
  return ANNOTATIONS.has(keyword) || keyword.startsWith("x-");
}

/** The runtime's check for each string or number format the specs use (ajv-formats' `full` mode). */
const FORMATS: Record<string, { use: (value: string) => string; runtime: string; number?: true }> =
  {
    "date-time": { runtime: "dateTimeFormat", use: (v) => `dateTimeFormat.validate(${v})` },
    uuid: { runtime: "uuidFormat", use: (v) => `uuidFormat.test(${v})` },
    uri: { runtime: "uriFormat", use: (v) => `uriFormat(${v})` },
    int32: { runtime: "int32Format", use: (v) => `int32Format.validate(${v})`, number: true },
    int64: { runtime: "int64Format", use: (v) => `int64Format.validate(${v})`, number: true },
  };

/** How Ajv tests each JSON type (numbers not required to be finite, as Ajv's default). */
const TYPE_TESTS: Record<string, (v: string) => string> = {
  string: (v) => `typeof ${v} === "string"`,
  number: (v) => `typeof ${v} === "number"`,
  integer: (v) => `(typeof ${v} === "number" && !(${v} % 1) && !Number.isNaN(${v}))`,
  boolean: (v) => `typeof ${v} === "boolean"`,
  null: (v) => `${v} === null`,
  array: (v) => `Array.isArray(${v})`,
  object: (v) => `(${v} && typeof ${v} === "object" && !Array.isArray(${v}))`,
};

/** Ajv's rule groups: keywords checked only for values of one type, in Ajv's order. */
const GROUPS: [type: string, keywords: string[]][] = [
  ["number", ["maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum", "format"]],
  ["string", ["maxLength", "minLength", "pattern", "format"]],
  ["array", ["maxItems", "minItems", "items"]],
  [
    "object",
    ["required", "propertyNames", "additionalProperties", "properties", "unevaluatedProperties"],
  ],
];

/** The failing comparison of each number limit, and the bound its message names. */
const LIMITS: Record<string, [fails: string, bound: string]> = {
  maximum: [">", "<="],
  minimum: ["<", ">="],
  exclusiveMaximum: [">=", "<"],
  exclusiveMinimum: ["<=", ">"],
};

type Schema = Record<string, unknown>;

/** Writes the check functions of one API's validators and the constants they share. */
class CheckWriter {
  readonly imports = new Set<string>(["compiled"]);
  readonly constants: string[] = [];
  readonly functions: string[] = [];
  readonly #constNames = new Map<string, string>();
  readonly #named = new Map<string, string>();
  readonly #schemas: Map<string, unknown>;
  readonly #model: ApiModel;
  #locals = 0;

  constructor(model: ApiModel) {
    this.#model = model;
    this.#schemas = new Map(model.schemas.map((s) => [s.name, s.schema]));
  }

  /** The check function of the bundle's schema `name`, written on first use. */
  named(name: string, where: string): string {
    const known = this.#named.get(name);
    if (known) return known;
    const schema = this.#schemas.get(name);
    if (schema === undefined) throw new Error(`${this.#model.source}: ${where}: no schema ${name}`);
    const fn = `check${identifierPart(name)}`;
    this.#named.set(name, fn);
    const saved = this.#locals;
    this.#locals = 0;
    const body = this.#node(schema, "d", ROOT, name);
    this.#locals = saved;
    this.functions.push(`function ${fn}(d: any, p: string, e: CompiledProblems): void {\n${body}}`);
    return fn;
  }

  /** An inline check (arrow function) of a descriptor's own schema. */
  inline(schema: unknown, where: string): string {
    this.#locals = 0;
    return `(d: any, p: string, e: CompiledProblems): void => {\n${this.#node(schema, "d", ROOT, where)}}`;
  }

  #use(name: string): string {
    this.imports.add(name);
    return name;
  }

  #local(prefix: string): string {
    return `${prefix}${this.#locals++}`;
  }

  /** A module constant holding `init`, shared by every check that needs the same text. */
  #constant(prefix: string, init: string): string {
    let name = this.#constNames.get(init);
    if (!name) {
      name = `${prefix}${this.#constNames.size}`;
      this.#constNames.set(init, name);
      this.constants.push(`const ${name} = ${init};`);
    }
    return name;
  }

  #refuse(where: string, what: string): Error {
    return new Error(
      `${this.#model.source}: schema ${where}: ${what} is not supported by the generated validators`,
    );
  }

  #refTarget(ref: unknown, where: string): string {
    const prefix = `${this.#model.bundleId}#/$defs/`;
    if (typeof ref !== "string" || !ref.startsWith(prefix))
      throw this.#refuse(where, `$ref ${JSON.stringify(ref)}`);
    return this.named(ref.slice(prefix.length), where);
  }

  /** Statements checking the value in variable `d`, found at the path `p` (a template literal's text). */
  #node(raw: unknown, d: string, p: string, where: string): string {
    if (raw === true) return "";
    if (!raw || typeof raw !== "object" || Array.isArray(raw))
      throw this.#refuse(where, `the schema ${JSON.stringify(raw)}`);
    const s = raw as Schema;
    const keys = Object.keys(s).filter((k) => !isAnnotation(k));
    for (const k of keys) if (!SUPPORTED.has(k)) throw this.#refuse(where, `keyword "${k}"`);
    if (keys.length === 0) return "";
    if (keys.length === 1 && s.$ref !== undefined)
      return `${this.#refTarget(s.$ref, where)}(${d}, ${path(p)}, e);\n`;
    const types = s.type === undefined ? [] : Array.isArray(s.type) ? s.type : [s.type];
    for (const t of types)
      if (typeof t !== "string" || !TYPE_TESTS[t]) throw this.#refuse(where, `type ${t}`);
    const format = s.format === undefined ? undefined : FORMATS[String(s.format)];
    if (s.format !== undefined && !format) throw this.#refuse(where, `format "${s.format}"`);
    const inGroup = (type: string, k: string) =>
      k !== "format" || (format !== undefined && (type === "number") === (format.number === true));
    const used = (type: string) =>
      (GROUPS.find(([t]) => t === type)?.[1] ?? []).filter((k) => k in s && inGroup(type, k));
    // Ajv tests the type first unless it is the one type whose keyword group then tests it.
    const single = types.length === 1 ? (types[0] as string) : undefined;
    const upfront = types.length > 0 && !(single && used(single).length > 0);
    let code = "";
    if (upfront) {
      const test = (types as string[]).map((t) => TYPE_TESTS[t]!(d)).join(" || ");
      const type = JSON.stringify(types.length === 1 ? types[0] : types);
      code += `if (!(${test})) ${this.#use("typeProblem")}(e, ${path(p)}, ${type});\n`;
    }
    code += this.#anyType(s, d, p, where);
    for (const [type] of GROUPS) {
      const kws = used(type);
      if (kws.length === 0) continue;
      const body = kws.map((k) => this.#keyword(s, k, d, p, where)).join("");
      const test = TYPE_TESTS[type]!(d);
      code += `if (${test}) {\n${body}}`;
      code +=
        single === type && !upfront
          ? ` else ${this.#use("typeProblem")}(e, ${path(p)}, "${type}");\n`
          : "\n";
    }
    return code;
  }

  /** The keywords for values of any type, in Ajv's order: `$ref`, `const`, `enum`, `anyOf`, `oneOf`, `allOf`. */
  #anyType(s: Schema, d: string, p: string, where: string): string {
    let code = "";
    if (s.$ref !== undefined) code += `${this.#refTarget(s.$ref, where)}(${d}, ${path(p)}, e);\n`;
    if ("const" in s) {
      const value = s.const;
      if (value !== null && typeof value === "object") throw this.#refuse(where, "an object const");
      const literal = JSON.stringify(value);
      code += `if (${d} !== ${literal}) ${this.#use("problem")}(e, ${path(p)}, "const", { allowedValue: ${literal} }, "must be equal to constant");\n`;
    }
    if (s.enum !== undefined) {
      const values = s.enum;
      if (!Array.isArray(values) || values.some((v) => v !== null && typeof v === "object"))
        throw this.#refuse(where, "an enum of objects or arrays");
      const list = this.#constant("allowed", JSON.stringify(values));
      code += `if (!${list}.includes(${d})) ${this.#use("enumProblem")}(e, ${path(p)}, ${list});\n`;
    }
    if (s.anyOf !== undefined) code += this.#anyOf(this.#list(s, "anyOf", where), d, p, where);
    if (s.oneOf !== undefined) code += this.#oneOf(this.#list(s, "oneOf", where), d, p, where);
    if (s.allOf !== undefined)
      for (const [i, sub] of this.#list(s, "allOf", where).entries())
        code += this.#node(sub, d, p, `${where}/allOf/${i}`);
    return code;
  }

  #list(s: Schema, k: string, where: string): unknown[] {
    const list = s[k];
    if (!Array.isArray(list) || list.length === 0)
      throw this.#refuse(where, `${k} without schemas`);
    return list;
  }

  /**
   * `anyOf`: the schemas in turn until one passes, whose success drops the others' problems;
   * when none does, their problems stay and an `anyOf` problem follows. Schemas that only name a
   * type are tested first, as a shortcut with the same outcome: past it, each of them is known to
   * fail, so it adds its `type` problem without a test.
   */
  #anyOf(list: unknown[], d: string, p: string, where: string): string {
    const start = this.#local("n");
    const typeOf = (x: unknown): string | undefined =>
      x &&
      typeof x === "object" &&
      Object.keys(x)
        .filter((k) => !isAnnotation(k))
        .join() === "type" &&
      typeof (x as Schema).type === "string" &&
      TYPE_TESTS[(x as Schema).type as string] !== undefined
        ? ((x as Schema).type as string)
        : undefined;
    const types = list.map(typeOf);
    const typeOnly = types.flatMap((t) => (t === undefined ? [] : [TYPE_TESTS[t]!(d)]));
    const failed = (t: string) => `${this.#use("typeProblem")}(e, ${path(p)}, "${t}");\n`;
    // Each schema after the first is tried only while the ones before it failed.
    let code = `${this.#use("anyOfProblem")}(e, ${path(p)});\n`;
    for (let i = list.length - 1; i >= 1; i--) {
      const t = types[i];
      if (t !== undefined) {
        code = failed(t) + code;
        continue;
      }
      const mark = this.#local("m");
      code =
        `const ${mark} = e.length;\n${this.#node(list[i], d, p, `${where}/anyOf/${i}`)}` +
        `if (e.length === ${mark}) e.length = ${start};\nelse {\n${code}}\n`;
    }
    code =
      types[0] !== undefined
        ? `${types.includes(undefined) ? `const ${start} = e.length;\n` : ""}${failed(types[0])}${code}`
        : `const ${start} = e.length;\n${this.#node(list[0], d, p, `${where}/anyOf/0`)}if (e.length > ${start}) {\n${code}}\n`;
    return typeOnly.length > 0 ? `if (!(${typeOnly.join(" || ")})) {\n${code}}\n` : `{\n${code}}\n`;
  }

  /**
   * `oneOf`: the schemas in turn until a second one passes; exactly one passing drops the
   * others' problems, otherwise they stay and a `oneOf` problem follows.
   */
  #oneOf(list: unknown[], d: string, p: string, where: string): string {
    const start = this.#local("n");
    const mark = this.#local("m");
    const passing = this.#local("c");
    let body = "";
    list.forEach((sub, i) => {
      const check = `${mark} = e.length;\n${this.#node(sub, d, p, `${where}/oneOf/${i}`)}if (e.length === ${mark}) ${passing}++;\n`;
      body += i === 0 ? check : `if (${passing} < 2) {\n${check}}\n`;
    });
    return (
      `{\nconst ${start} = e.length;\nlet ${mark} = ${start};\nlet ${passing} = 0;\n${body}` +
      `if (${passing} === 1) e.length = ${start};\n` +
      `else ${this.#use("problem")}(e, ${path(p)}, "oneOf", { passingSchemas: null }, "must match exactly one schema in oneOf");\n}\n`
    );
  }

  /** One keyword of a type's group, for a value known to be of that type. */
  #keyword(s: Schema, k: string, d: string, p: string, where: string): string {
    const v = s[k];
    switch (k) {
      case "maximum":
      case "minimum":
      case "exclusiveMaximum":
      case "exclusiveMinimum": {
        if (typeof v !== "number") throw this.#refuse(where, `${k} ${JSON.stringify(v)}`);
        const [fails, bound] = LIMITS[k]!;
        return `if (${d} ${fails} ${v} || Number.isNaN(${d})) ${this.#use("limitProblem")}(e, ${path(p)}, "${k}", "${bound}", ${v});\n`;
      }
      case "maxLength":
      case "minLength": {
        if (!Number.isInteger(v)) throw this.#refuse(where, `${k} ${JSON.stringify(v)}`);
        const fails = k === "maxLength" ? ">" : "<";
        return `if (${this.#use("ucs2length")}(${d}) ${fails} ${v}) ${this.#use("sizeProblem")}(e, ${path(p)}, "${k}", ${v});\n`;
      }
      case "maxItems":
      case "minItems": {
        if (!Number.isInteger(v)) throw this.#refuse(where, `${k} ${JSON.stringify(v)}`);
        const fails = k === "maxItems" ? ">" : "<";
        return `if (${d}.length ${fails} ${v}) ${this.#use("sizeProblem")}(e, ${path(p)}, "${k}", ${v});\n`;
      }
      case "pattern": {
        if (typeof v !== "string") throw this.#refuse(where, `pattern ${JSON.stringify(v)}`);
        const re = this.#constant("pattern", String(new RegExp(v, "u")));
        return `if (!${re}.test(${d})) ${this.#use("patternProblem")}(e, ${path(p)}, ${JSON.stringify(v)});\n`;
      }
      case "format": {
        const format = FORMATS[String(v)]!;
        this.#use(format.runtime);
        return `if (!${format.use(d)}) ${this.#use("formatProblem")}(e, ${path(p)}, ${JSON.stringify(v)});\n`;
      }
      case "items": {
        const i = this.#local("i");
        const item = this.#local("v");
        const body = this.#node(v, item, `${p}/\${${i}}`, `${where}/items`);
        if (!body) return "";
        return `for (let ${i} = 0; ${i} < ${d}.length; ${i}++) {\nconst ${item} = ${d}[${i}];\n${body}}\n`;
      }
      case "required": {
        if (!Array.isArray(v)) throw this.#refuse(where, "required without a list");
        return v
          .map(
            (name) =>
              `if (${access(d, String(name))} === undefined) ${this.#use("requiredProblem")}(e, ${path(p)}, ${JSON.stringify(name)});\n`,
          )
          .join("");
      }
      case "propertyNames": {
        const key = this.#local("k");
        const start = this.#local("n");
        const body = this.#node(v, key, p, `${where}/propertyNames`);
        if (!body) return "";
        return `for (const ${key} in ${d}) {\nconst ${start} = e.length;\n${body}if (e.length > ${start}) ${this.#use("propertyNameProblem")}(e, ${path(p)}, ${key});\n}\n`;
      }
      case "properties": {
        if (!v || typeof v !== "object") throw this.#refuse(where, "properties without schemas");
        let code = "";
        for (const [name, sub] of Object.entries(v)) {
          const value = this.#local("v");
          const body = this.#node(
            sub,
            value,
            `${p}${templateText(pointer(name))}`,
            `${where}/${name}`,
          );
          if (body)
            code += `const ${value} = ${access(d, name)};\nif (${value} !== undefined) {\n${body}}\n`;
        }
        return code;
      }
      case "additionalProperties":
      case "unevaluatedProperties":
        return this.#otherProperties(s, k, d, p, where);
    }
    throw this.#refuse(where, `keyword "${k}"`);
  }

  /**
   * `additionalProperties` and `unevaluatedProperties` (the latter only where no other keyword
   * of the schema evaluates properties, so both mean the properties `properties` does not name).
   */
  #otherProperties(s: Schema, k: string, d: string, p: string, where: string): string {
    if (k === "unevaluatedProperties") {
      for (const other of ["$ref", "allOf", "anyOf", "oneOf", "additionalProperties"])
        if (other in s) throw this.#refuse(where, `unevaluatedProperties beside ${other}`);
    }
    const sub = s[k];
    const key = this.#local("k");
    const named = Object.keys((s.properties as Schema | undefined) ?? {});
    const known = named.length
      ? `if (${named.map((n) => `${key} !== ${JSON.stringify(n)}`).join(" && ")}) `
      : "";
    let body: string;
    if (sub === false) {
      const [param, message] =
        k === "additionalProperties"
          ? ["additionalProperty", "must NOT have additional properties"]
          : ["unevaluatedProperty", "must NOT have unevaluated properties"];
      body = `${this.#use("problem")}(e, ${path(p)}, "${k}", { ${param}: ${key} }, "${message}");\n`;
    } else {
      const value = this.#local("v");
      const inner = this.#node(
        sub,
        value,
        `${p}\${${this.#use("pointerStep")}(${key})}`,
        `${where}/${k}`,
      );
      if (!inner) return "";
      body = `const ${value} = ${d}[${key}];\n${inner}`;
    }
    return `for (const ${key} in ${d}) ${known}{\n${body}}\n`;
  }
}

/** A property read as Ajv writes it (`d.name`, or `d["na-me"]`). */
function access(d: string, name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? `${d}.${name}` : `${d}[${JSON.stringify(name)}]`;
}

/** The path of the value a check is given, as a template literal's text. */
const ROOT = "$" + "{p}";

/** The expression of a path held as the text of a template literal (`${p}` alone is `p`). */
function path(text: string): string {
  return text === ROOT ? "p" : `\`${text}\``;
}

/** Text as it stands for itself inside a template literal. */
function templateText(text: string): string {
  return text.replace(/[`\\]|\$\{/g, (c) => `\\${c}`);
}

/** A property name as the next step of a JSON Pointer. */
function pointer(name: string): string {
  return `/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`;
}

/** The schema name when `schema` is nothing but a reference into this API's bundle. */
export function onlyRef(schema: JsonSchema, bundleId: string): string | undefined {
  const keys = Object.keys(schema);
  if (keys.length !== 1 || typeof schema.$ref !== "string") return undefined;
  const prefix = `${bundleId}#/$defs/`;
  return schema.$ref.startsWith(prefix) ? schema.$ref.slice(prefix.length) : undefined;
}

function identifierPart(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map(upperFirst)
    .join("");
}
