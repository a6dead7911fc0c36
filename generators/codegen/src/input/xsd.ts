import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, posix, resolve } from "node:path";
import type { Element } from "@xmldom/xmldom";
import type {
  ApiModel,
  EnumMember,
  JsonSchema,
  NamedSchema,
  XmlAttributeDescriptor,
  XmlElementModel,
  XmlElementParticle,
  XmlModel,
  XmlName,
  XmlParticle,
  XmlScalarType,
  XmlTypeDescriptor,
  XmlTypeRef,
} from "../model.js";
import { child, children, key, parse, qname } from "./xml-dom.js";
import { builtin } from "./xsd-builtins.js";

/**
 * XML Schema 1.0 input: reads schema documents (standalone, or the inline schemas of a WSDL) with
 * @xmldom/xmldom into the same internal model the OpenAPI input produces. XSD types become JSON
 * Schemas (for the types and validators) and XML descriptors (for the runtime's codec).
 *
 * Supported: sequence, choice (not repeated), all (read as a sequence), complexContent
 * extension, simpleContent extension, attributes (local, global refs, anyAttribute), element
 * refs, nillable, minOccurs/maxOccurs, simple types restricting built-ins (enumeration, pattern,
 * numeric bounds), annotations (xs:documentation becomes doc comments), the WCF DataContract
 * dictionary (`IsDictionary`), `urn:trustspec:annotations` appinfo naming enum values or marking a
 * choice as inferred (`ts:inferred`, kept in the doc comment), and schema documents reached through
 * `xs:import` / `xs:include` with a relative `schemaLocation` (read from disk, relative to the file
 * that names them; WS-Policy and other WSDL extensions are not schema and are not read).
 * Anything else (xs:any, restriction of complex types, lists, unions, repeated choices) is
 * refused with an error naming it, rather than generated wrongly.
 */

export const XS = "http://www.w3.org/2001/XMLSchema";
const WCF_SERIALIZATION = "http://schemas.microsoft.com/2003/10/Serialization/";
export const TRUSTSPEC_ANNOTATIONS = "urn:trustspec:annotations";

/** TypeScript globals a generated type name must not shadow. */
const RESERVED = new Set([
  "Array",
  "Boolean",
  "Date",
  "Error",
  "Map",
  "Number",
  "Object",
  "Partial",
  "Promise",
  "Record",
  "Set",
  "String",
]);

export interface XmlInputOptions {
  /** TypeScript name prefix of the API (e.g. `DssNotification`). */
  name: string;
  /** How the source is named in generated headers (a repository-relative path). */
  source: string;
  /**
   * The spec's path on disk. With it, the schema documents that `xs:import` and `xs:include` name
   * by a relative `schemaLocation` are read too; without it, `schemaLocation` is not followed.
   */
  file?: string;
  /** Reads a schema document named by `schemaLocation` (default: from disk). */
  readText?: (file: string) => string;
}

/** Reads a standalone XML Schema into the internal model (types only, no service). */
export async function readXsd(file: string, options: XmlInputOptions): Promise<ApiModel> {
  return xsdToModel(await readFile(file, "utf8"), { file, ...options });
}

const isRemote = (location: string) =>
  /^[a-z][a-z0-9+.-]*:/i.test(location) || location.includes("?");

/**
 * The schema documents a spec at repository path `path` (text `text`) reaches through
 * `xs:import` / `xs:include` with a relative `schemaLocation`, by repository path (posix, with a
 * leading `/`), each read once with `read`: for reading a spec as it was released (from a tag or a
 * baseline folder) and for copying it with what it needs. Pass the result to the readers as
 * `readText`, with `file` `/<path>`.
 */
export async function referencedSchemaTexts(
  path: string,
  text: string,
  read: (path: string) => Promise<string | undefined>,
): Promise<Map<string, string>> {
  const start = posix.join("/", path);
  const out = new Map<string, string>();
  const queue = [{ path: start, text }];
  for (let item = queue.shift(); item; item = queue.shift()) {
    const root = parse(item.text, item.path.slice(1));
    for (const local of ["import", "include"]) {
      for (const ref of Array.from(root.getElementsByTagNameNS(XS, local))) {
        const location = ref.getAttribute("schemaLocation");
        if (!location || isRemote(location)) continue;
        const target = posix.join(posix.dirname(item.path), location);
        if (target === start || out.has(target)) continue;
        const found = await read(target.slice(1));
        if (found === undefined) {
          throw new Error(`${item.path.slice(1)}: schemaLocation "${location}" cannot be read`);
        }
        out.set(target, found);
        queue.push({ path: target, text: found });
      }
    }
  }
  return out;
}

/**
 * The schema documents `roots` (found in `file`) and all those they reach through `xs:import` and
 * `xs:include` with a `schemaLocation`, each read once. Only relative file paths are followed (not
 * URLs, nor a WCF `?xsd=` query); an included schema must have its includer's target namespace and
 * an imported one the namespace the import names.
 */
export function withReferencedSchemas(
  roots: Element[],
  file: string | undefined,
  source: string,
  readText: (file: string) => string = (f) => readFileSync(f, "utf8"),
): Element[] {
  if (!file) return roots;
  const out = [...roots];
  const seen = new Set([resolve(file)]);
  const queue = roots.map((el) => ({ el, file: resolve(file) }));
  for (let item = queue.shift(); item; item = queue.shift()) {
    const tns = item.el.getAttribute("targetNamespace") ?? "";
    for (const ref of [...children(item.el, XS, "import"), ...children(item.el, XS, "include")]) {
      const location = ref.getAttribute("schemaLocation");
      if (!location) continue;
      if (isRemote(location)) {
        throw new Error(
          `${source}: schemaLocation "${location}": only relative file paths are followed`,
        );
      }
      const path = resolve(dirname(item.file), location);
      if (seen.has(path)) continue;
      seen.add(path);
      const named = `${source} → ${location}`;
      const root = parse(readText(path), named);
      if (root.namespaceURI !== XS || root.localName !== "schema") {
        throw new Error(`${named}: an xs:schema root is expected`);
      }
      const expected = ref.localName === "include" ? tns : (ref.getAttribute("namespace") ?? "");
      const actual = root.getAttribute("targetNamespace") ?? "";
      if (actual !== expected) {
        throw new Error(
          `${named}: the target namespace is "${actual}", the ${ref.localName} expects "${expected}"`,
        );
      }
      out.push(root);
      queue.push({ el: root, file: path });
    }
  }
  return out;
}

interface SchemaInfo {
  el: Element;
  tns: string | null;
  elementQualified: boolean;
  attributeQualified: boolean;
}

/** What the schema reader produces: JSON Schemas and XML descriptors of the same types. */
export interface XsdResult {
  schemas: NamedSchema[];
  xml: XmlModel;
  /** The TypeScript name of each global element's value type, by element key. */
  elementTypes: Map<string, XmlElementModel>;
}

export class XsdReader {
  readonly #source: string;
  readonly #bundleId: string;
  readonly #complex = new Map<string, { el: Element; schema: SchemaInfo }>();
  readonly #simple = new Map<string, { el: Element; schema: SchemaInfo }>();
  readonly #elements = new Map<string, { el: Element; schema: SchemaInfo }>();
  readonly #attributes = new Map<string, { el: Element; schema: SchemaInfo }>();
  /** TypeScript names taken, by the XSD name that took them. */
  readonly #names = new Map<string, string>();
  readonly #schemas = new Map<string, NamedSchema>();
  readonly #types: Record<string, XmlTypeDescriptor> = {};
  readonly #xsdNames: Record<string, XmlName> = {};
  readonly #done = new Set<string>();

  constructor(schemaEls: Element[], source: string, bundleId: string) {
    this.#source = source;
    this.#bundleId = bundleId;
    for (const el of schemaEls) {
      const info: SchemaInfo = {
        el,
        tns: el.getAttribute("targetNamespace") || null,
        elementQualified: el.getAttribute("elementFormDefault") === "qualified",
        attributeQualified: el.getAttribute("attributeFormDefault") === "qualified",
      };
      for (const c of children(el, XS)) {
        const name = c.getAttribute("name");
        if (!name) continue;
        const k = key({ ns: info.tns, local: name });
        const table =
          c.localName === "complexType"
            ? this.#complex
            : c.localName === "simpleType"
              ? this.#simple
              : c.localName === "element"
                ? this.#elements
                : c.localName === "attribute"
                  ? this.#attributes
                  : undefined;
        table?.set(k, { el: c, schema: info });
      }
    }
  }

  #fail(what: string): never {
    throw new Error(`${this.#source}: ${what}`);
  }

  #ref(name: string): JsonSchema {
    return { $ref: `${this.#bundleId}#/$defs/${name}` };
  }

  /** Claims a TypeScript name for an XSD name; two different XSD names may not share one. */
  #claim(name: string, xsd: XmlName): string {
    // A type may not shadow a global the generated code uses (`Record` for dictionaries, …).
    const ts = RESERVED.has(name) ? `${name}Type` : name;
    const k = key(xsd);
    const owner = this.#names.get(ts);
    if (owner && owner !== k) this.#fail(`two types would both be named ${ts} (${owner}, ${k})`);
    this.#names.set(ts, k);
    this.#xsdNames[ts] = xsd;
    return ts;
  }

  read(): XsdResult {
    for (const k of this.#complex.keys()) this.#named(k, "complex");
    for (const k of this.#simple.keys()) this.#named(k, "simple");
    const elementTypes = new Map<string, XmlElementModel>();
    const elements: Record<string, XmlElementModel> = {};
    for (const [k, { el, schema }] of this.#elements) {
      const name = { ns: schema.tns, local: el.getAttribute("name")! };
      const model = this.#globalElement(name, el, schema);
      elementTypes.set(k, model);
      let id = name.local;
      for (let n = 2; elements[id]; n++) id = `${name.local}${n}`;
      elements[id] = model;
    }
    const schemas = [...this.#schemas.values()].sort((a, b) => a.name.localeCompare(b.name));
    const types: Record<string, XmlTypeDescriptor> = {};
    for (const name of Object.keys(this.#types).sort()) types[name] = this.#types[name]!;
    const xsdNames: Record<string, XmlName> = {};
    for (const name of Object.keys(this.#xsdNames).sort()) xsdNames[name] = this.#xsdNames[name]!;
    return { schemas, xml: { types, xsdNames, elements }, elementTypes };
  }

  #globalElement(name: XmlName, el: Element, schema: SchemaInfo): XmlElementModel {
    const nillable = el.getAttribute("nillable") === "true";
    const type = this.#elementType(el, schema, name.local);
    const model: XmlElementModel = { name, type, nillable };
    if ("ref" in type) model.schema = type.ref;
    return model;
  }

  /** The type of an element declaration: named, built-in, or anonymous (named after `anonName`). */
  #elementType(el: Element, schema: SchemaInfo, anonName: string): XmlTypeRef {
    const typeAttr = el.getAttribute("type");
    if (typeAttr) return this.#typeRef(qname(el, typeAttr, this.#source));
    const anonComplex = child(el, XS, "complexType");
    if (anonComplex) {
      const ts = this.#claim(anonName, { ns: schema.tns, local: anonName });
      this.#complexType(ts, anonComplex, schema, doc(el));
      return { ref: ts };
    }
    const anonSimple = child(el, XS, "simpleType");
    if (anonSimple) {
      const ts = this.#claim(anonName, { ns: schema.tns, local: anonName });
      this.#simpleType(ts, anonSimple, schema, doc(el));
      return { ref: ts };
    }
    return { scalar: "any", xsd: "anyType" };
  }

  #typeRef(name: XmlName): XmlTypeRef {
    if (name.ns === XS) {
      const b = builtin(name.local);
      if (!b) this.#fail(`the built-in type xs:${name.local} is not supported`);
      return b.type;
    }
    const k = key(name);
    if (this.#complex.has(k)) return { ref: this.#named(k, "complex") };
    if (this.#simple.has(k)) return { ref: this.#named(k, "simple") };
    return this.#fail(`unknown type ${k}`);
  }

  /** The TypeScript name of a named global type, reading the type the first time it is asked for. */
  #named(k: string, kind: "complex" | "simple"): string {
    const entry = (kind === "complex" ? this.#complex : this.#simple).get(k)!;
    const local = entry.el.getAttribute("name")!;
    const ts = this.#claim(local, { ns: entry.schema.tns, local });
    if (!this.#done.has(k)) {
      this.#done.add(k);
      if (kind === "complex") this.#complexType(ts, entry.el, entry.schema, doc(entry.el));
      else this.#simpleType(ts, entry.el, entry.schema, doc(entry.el));
    }
    return ts;
  }

  /** The built-in a simple type finally restricts, and the JSON Schema of its facets. */
  #restriction(el: Element, _schema: SchemaInfo): { type: XmlScalarType; schema: JsonSchema } {
    const r = child(el, XS, "restriction");
    if (!r)
      this.#fail(`simple type ${el.getAttribute("name") ?? ""}: only xs:restriction is supported`);
    const base = qname(r, r.getAttribute("base") ?? "", this.#source);
    let result: { type: XmlScalarType; schema: JsonSchema };
    if (base.ns === XS) {
      const b = builtin(base.local);
      if (!b) this.#fail(`the built-in type xs:${base.local} is not supported`);
      result = { type: b.type, schema: { ...b.schema } };
    } else {
      const entry = this.#simple.get(key(base)) ?? this.#fail(`unknown simple type ${key(base)}`);
      const inner = this.#restriction(entry.el, entry.schema);
      result = { type: inner.type, schema: { ...inner.schema } };
    }
    const values = children(r, XS, "enumeration").map((e) => e.getAttribute("value") ?? "");
    if (values.length) {
      result.schema.enum = values.map((v) =>
        result.type.scalar === "integer" || result.type.scalar === "number" ? Number(v) : v,
      );
    }
    const patterns = children(r, XS, "pattern").map((e) => e.getAttribute("value") ?? "");
    if (patterns.length) {
      // XSD patterns match the whole value; `\-` is written so that a Unicode RegExp accepts it.
      result.schema.pattern = patterns.map((p) => `^(?:${p.replace(/\\-/g, "\\x2d")})$`).join("|");
    }
    const numeric = result.type.scalar === "integer" || result.type.scalar === "number";
    for (const [facet, kw] of [
      ["minInclusive", "minimum"],
      ["maxInclusive", "maximum"],
      ["minExclusive", "exclusiveMinimum"],
      ["maxExclusive", "exclusiveMaximum"],
      ["minLength", "minLength"],
      ["maxLength", "maxLength"],
      ["length", "length"],
    ] as const) {
      const f = child(r, XS, facet);
      if (!f) continue;
      const v = f.getAttribute("value") ?? "";
      if (facet.includes("Length")) {
        if (kw === "length") {
          result.schema.minLength = Number(v);
          result.schema.maxLength = Number(v);
        } else result.schema[kw] = Number(v);
      } else if (numeric) result.schema[kw] = Number(v);
      // Bounds of non-numeric types (durations, dates) are not checked.
    }
    return result;
  }

  #simpleType(ts: string, el: Element, schema: SchemaInfo, description?: string): void {
    const { type, schema: json } = this.#restriction(el, schema);
    // WCF's guid (a pattern restriction of xs:string) is a UUID: said so in the JSON Schema, the
    // sampled mock answers are UUIDs that the pattern accepts, not strings it refuses.
    if (schema.tns === WCF_SERIALIZATION && el.getAttribute("name") === "guid")
      json.format = "uuid";
    this.#types[ts] = { kind: "simple", type };
    this.#put(ts, json, description);
  }

  #put(ts: string, json: JsonSchema, description?: string, enumMembers?: EnumMember[]): void {
    const named: NamedSchema = { name: ts, schema: json };
    if (description) {
      named.description = description;
      json.description = description;
    }
    if (enumMembers) named.enumMembers = enumMembers;
    this.#schemas.set(ts, named);
  }

  #complexType(ts: string, el: Element, schema: SchemaInfo, description?: string): void {
    if (el.getAttribute("mixed") === "true") this.#fail(`${ts}: mixed content is not supported`);
    const dictionary = this.#dictionary(el, schema);
    if (dictionary) {
      this.#types[ts] = dictionary.model;
      this.#put(ts, dictionary.schema, description);
      return;
    }
    const particles: XmlParticle[] = [];
    const attributes: XmlAttributeDescriptor[] = [];
    const properties: Record<string, JsonSchema> = {};
    const required: string[] = [];
    const choices: { options: string[]; required: boolean }[] = [];
    const allOf: JsonSchema[] = [];
    let text: XmlScalarType | undefined;
    let anyAttribute = false;
    let body = el;

    const complexContent = child(el, XS, "complexContent");
    const simpleContent = child(el, XS, "simpleContent");
    if (complexContent) {
      const ext = child(complexContent, XS, "extension");
      if (!ext) this.#fail(`${ts}: only xs:extension of complex content is supported`);
      const base = this.#typeRef(qname(ext, ext.getAttribute("base") ?? "", this.#source));
      if (!("ref" in base))
        this.#fail(`${ts}: extension of a built-in type needs xs:simpleContent`);
      const baseModel = this.#types[base.ref];
      if (baseModel?.kind !== "complex")
        this.#fail(`${ts}: the base ${base.ref} is not a complex type`);
      particles.push(...baseModel.particles);
      attributes.push(...baseModel.attributes);
      if (baseModel.text) text = baseModel.text;
      anyAttribute = !!baseModel.anyAttribute;
      allOf.push(this.#ref(base.ref));
      body = ext;
    } else if (simpleContent) {
      const ext = child(simpleContent, XS, "extension");
      if (!ext) this.#fail(`${ts}: only xs:extension of simple content is supported`);
      const base = this.#typeRef(qname(ext, ext.getAttribute("base") ?? "", this.#source));
      let baseSchema: JsonSchema;
      if ("ref" in base) {
        const m = this.#types[base.ref];
        if (m?.kind === "simple") {
          text = m.type;
          baseSchema = this.#ref(base.ref);
        } else if (m?.kind === "complex" && m.text) {
          text = m.text;
          attributes.push(...m.attributes);
          anyAttribute = !!m.anyAttribute;
          allOf.push(this.#ref(base.ref));
          baseSchema = this.#schemas.get(base.ref)?.schema.properties
            ? ((this.#schemas.get(base.ref)!.schema.properties as Record<string, JsonSchema>)
                .Value ?? {})
            : {};
        } else this.#fail(`${ts}: simple content needs a simple base`);
      } else {
        text = base;
        baseSchema = builtin(base.xsd)!.schema;
      }
      if (!allOf.length) {
        properties.Value = { ...baseSchema, description: "The element's text." };
        required.push("Value");
      }
      body = ext;
    }

    const seen = new Set(particles.map((p) => (p.kind === "element" ? p.property : "")));
    const addElement = (
      p: XmlElementParticle,
      documentation: string | undefined,
      enumInfo?: { name: string; open: boolean; members: EnumMember[] },
    ) => {
      if (seen.has(p.property)) this.#fail(`${ts}: two members named ${p.property}`);
      seen.add(p.property);
      let base: JsonSchema;
      if (enumInfo) {
        if ("ref" in p.type)
          this.#fail(`${ts}.${p.property}: named enum values need a built-in type`);
        const json: JsonSchema = {
          ...builtin(p.type.xsd)!.schema,
          "x-trustspec-enum": enumInfo.members.map((m) => ({
            value: m.value,
            name: m.name,
            description: m.description,
          })),
        };
        if (!enumInfo.open) json.enum = enumInfo.members.map((m) => m.value);
        this.#claim(enumInfo.name, { ns: TRUSTSPEC_ANNOTATIONS, local: enumInfo.name });
        delete this.#xsdNames[enumInfo.name];
        this.#put(enumInfo.name, json, documentation, enumInfo.members);
        base = this.#ref(enumInfo.name);
      } else base = "ref" in p.type ? this.#ref(p.type.ref) : { ...builtin(p.type.xsd)!.schema };
      if (p.nillable) base = { anyOf: [base, { type: "null" }] };
      const many = p.maxOccurs === "unbounded" || p.maxOccurs > 1;
      let prop: JsonSchema = base;
      if (many) {
        prop = { type: "array", items: base, minItems: Math.max(1, p.minOccurs) };
        if (p.maxOccurs !== "unbounded") prop.maxItems = p.maxOccurs;
      }
      if (documentation) prop = { ...prop, description: documentation };
      properties[p.property] = prop;
      return p;
    };

    const readParticles = (group: Element, inChoice: boolean): void => {
      for (const c of children(group, XS)) {
        if (c.localName === "annotation") continue;
        if (c.localName === "element") {
          const { particle, documentation, enumInfo } = this.#localElement(ts, c, schema);
          addElement(particle, documentation, enumInfo);
          if (!inChoice) {
            particles.push(particle);
            if (particle.minOccurs > 0) required.push(particle.property);
          }
          continue;
        }
        if (c.localName === "choice") {
          const max = c.getAttribute("maxOccurs") ?? "1";
          if (max !== "1") this.#fail(`${ts}: a repeated xs:choice is not supported`);
          if (inChoice) this.#fail(`${ts}: nested choices are not supported`);
          const before = new Set(Object.keys(properties));
          readParticles(c, true);
          const options = Object.keys(properties).filter((k) => !before.has(k));
          const min = Number(c.getAttribute("minOccurs") ?? "1");
          const optionModels = options.map((o) => this.#lastLocal.get(o)!);
          for (const o of optionModels) {
            if (o.minOccurs === 0)
              this.#fail(`${ts}: optional elements inside a choice are not supported`);
          }
          particles.push({ kind: "choice", minOccurs: min, options: optionModels });
          choices.push({ options, required: min > 0 });
          continue;
        }
        if (c.localName === "sequence" || c.localName === "all") {
          if (inChoice) this.#fail(`${ts}: a sequence inside a choice is not supported`);
          const min = c.getAttribute("minOccurs") ?? "1";
          const max = c.getAttribute("maxOccurs") ?? "1";
          if (min !== "1" || max !== "1")
            this.#fail(`${ts}: a repeated or optional nested sequence is not supported`);
          readParticles(c, false);
          continue;
        }
        this.#fail(`${ts}: xs:${c.localName} is not supported`);
      }
    };

    for (const c of children(body, XS)) {
      switch (c.localName) {
        case "annotation":
        case "complexContent":
        case "simpleContent":
          break;
        case "sequence":
        case "all":
          readParticles(c, false);
          break;
        case "choice": {
          const wrapper = c;
          // A choice directly under the type: read it as a one-particle sequence.
          const before = new Set(Object.keys(properties));
          readParticles(wrapper, true);
          const options = Object.keys(properties).filter((k) => !before.has(k));
          const min = Number(wrapper.getAttribute("minOccurs") ?? "1");
          if ((wrapper.getAttribute("maxOccurs") ?? "1") !== "1")
            this.#fail(`${ts}: a repeated xs:choice is not supported`);
          particles.push({
            kind: "choice",
            minOccurs: min,
            options: options.map((o) => this.#lastLocal.get(o)!),
          });
          choices.push({ options, required: min > 0 });
          break;
        }
        case "attribute": {
          const a = this.#attribute(ts, c, schema);
          if (seen.has(a.model.property))
            this.#fail(`${ts}: two members named ${a.model.property}`);
          seen.add(a.model.property);
          attributes.push(a.model);
          properties[a.model.property] = a.schema;
          if (a.model.required) required.push(a.model.property);
          break;
        }
        case "anyAttribute":
          anyAttribute = true;
          break;
        case "attributeGroup":
        case "group":
        case "any":
          this.#fail(`${ts}: xs:${c.localName} is not supported`);
          break;
        default:
          this.#fail(`${ts}: xs:${c.localName} is not supported`);
      }
    }

    const model: XmlTypeDescriptor = { kind: "complex", particles, attributes };
    if (text) model.text = text;
    if (anyAttribute) model.anyAttribute = true;
    this.#types[ts] = model;
    const json: JsonSchema = { type: "object", properties };
    if (required.length) json.required = required;
    if (allOf.length) json.allOf = allOf;
    if (choices.length) {
      json["x-trustspec-choices"] = choices;
      const branches = choices.map((ch) => {
        const oneOf: JsonSchema[] = ch.options.map((o) => ({ required: [o] }));
        const none = { not: { anyOf: ch.options.map((o) => ({ required: [o] })) } };
        return { oneOf: ch.required ? oneOf : [...oneOf, none] };
      });
      if (branches.length === 1) json.oneOf = branches[0]!.oneOf;
      else json.allOf = [...((json.allOf as JsonSchema[] | undefined) ?? []), ...branches];
    }
    if (!allOf.length && Object.keys(properties).length === 0) json.additionalProperties = false;
    this.#put(ts, json, description);
  }

  /**
   * The qualified name of a local element or attribute, and the declaration that carries its type:
   * the global declaration it refers to (`ref`), or itself, qualified by `form` or the schema's
   * default.
   */
  #declaration(
    owner: string,
    el: Element,
    schema: SchemaInfo,
    what: "element" | "attribute",
  ): { name: XmlName; decl: Element; declSchema: SchemaInfo } {
    const refAttr = el.getAttribute("ref");
    if (refAttr) {
      const ref = qname(el, refAttr, this.#source);
      const globals = what === "element" ? this.#elements : this.#attributes;
      const global = globals.get(key(ref)) ?? this.#fail(`${owner}: unknown ${what} ${key(ref)}`);
      return {
        name: { ns: global.schema.tns, local: ref.local },
        decl: global.el,
        declSchema: global.schema,
      };
    }
    const local = el.getAttribute("name") ?? this.#fail(`${owner}: an ${what} without a name`);
    const form = el.getAttribute("form");
    const byDefault = what === "element" ? schema.elementQualified : schema.attributeQualified;
    const qualified = form ? form === "qualified" : byDefault;
    return { name: { ns: qualified ? schema.tns : null, local }, decl: el, declSchema: schema };
  }

  /** The last local element read, by property: the choice reader picks its options from here. */
  readonly #lastLocal = new Map<string, XmlElementParticle>();

  #localElement(
    owner: string,
    el: Element,
    schema: SchemaInfo,
  ): {
    particle: XmlElementParticle;
    documentation?: string;
    enumInfo?: { name: string; open: boolean; members: EnumMember[] };
  } {
    const minOccurs = Number(el.getAttribute("minOccurs") ?? "1");
    const maxAttr = el.getAttribute("maxOccurs") ?? "1";
    const maxOccurs = maxAttr === "unbounded" ? "unbounded" : Number(maxAttr);
    const { name, decl, declSchema } = this.#declaration(owner, el, schema, "element");
    // A local element's anonymous type is named after its owner and itself; a global one's after it.
    const anonName =
      decl === el ? `${owner}${name.local[0]!.toUpperCase()}${name.local.slice(1)}` : name.local;
    const type = this.#elementType(decl, declSchema, anonName);
    const nillable = decl.getAttribute("nillable") === "true";
    const documentation = doc(el) ?? doc(decl);
    const particle: XmlElementParticle = {
      kind: "element",
      property: name.local,
      name,
      type,
      minOccurs,
      maxOccurs,
      nillable,
    };
    this.#lastLocal.set(particle.property, particle);
    const enumInfo = enumAnnotation(el);
    return {
      particle,
      ...(documentation ? { documentation } : {}),
      ...(enumInfo ? { enumInfo } : {}),
    };
  }

  #attribute(
    owner: string,
    el: Element,
    schema: SchemaInfo,
  ): { model: XmlAttributeDescriptor; schema: JsonSchema } {
    const { name, decl } = this.#declaration(owner, el, schema, "attribute");
    const typeAttr = decl.getAttribute("type");
    let type: XmlScalarType = { scalar: "string", xsd: "string" };
    let json: JsonSchema = { type: "string" };
    if (typeAttr) {
      const t = this.#typeRef(qname(decl, typeAttr, this.#source));
      if ("ref" in t) {
        const m = this.#types[t.ref];
        if (m?.kind !== "simple")
          this.#fail(`${owner}@${name.local}: an attribute needs a simple type`);
        type = m.type;
        json = this.#ref(t.ref);
      } else {
        type = t;
        json = { ...builtin(t.xsd)!.schema };
      }
    } else if (child(decl, XS, "simpleType")) {
      const r = this.#restriction(child(decl, XS, "simpleType")!, schema);
      type = r.type;
      json = r.schema;
    }
    const d = doc(el) ?? doc(decl);
    if (d) json = { ...json, description: d };
    return {
      model: { property: name.local, name, type, required: el.getAttribute("use") === "required" },
      schema: json,
    };
  }

  /** The WCF DataContract dictionary: IsDictionary appinfo over a sequence of Key/Value entries. */
  #dictionary(
    el: Element,
    schema: SchemaInfo,
  ): { model: XmlTypeDescriptor; schema: JsonSchema } | undefined {
    const appinfo =
      child(el, XS, "annotation") && child(child(el, XS, "annotation")!, XS, "appinfo");
    const flag = appinfo && children(appinfo, WCF_SERIALIZATION, "IsDictionary")[0];
    if (!flag || (flag.textContent ?? "").trim() !== "true") return undefined;
    const seq = child(el, XS, "sequence");
    const entry = seq && children(seq, XS, "element");
    const entryEl = entry?.length === 1 ? entry[0]! : undefined;
    const inner = entryEl && child(entryEl, XS, "complexType");
    const kv =
      inner &&
      child(inner, XS, "sequence") &&
      children(child(inner, XS, "sequence")!, XS, "element");
    if (!entryEl || !kv || kv.length !== 2 || entryEl.getAttribute("maxOccurs") !== "unbounded") {
      this.#fail(
        `${el.getAttribute("name")}: IsDictionary needs a repeated entry of Key and Value`,
      );
    }
    const ns = schema.elementQualified ? schema.tns : null;
    const scalar = (e: Element): XmlScalarType => {
      const t = this.#typeRef(qname(e, e.getAttribute("type") ?? "xs:anyType", this.#source));
      if ("ref" in t) {
        const m = this.#types[t.ref];
        if (m?.kind === "simple") return m.type;
        this.#fail(`${el.getAttribute("name")}: dictionary keys and values must be simple`);
      }
      return t;
    };
    const [k, v] = kv;
    const keyType = scalar(k!);
    // A key of a named enumeration (Dictionary<IdentifierType, string>) limits the keys to its
    // members: the JSON Schema says so with propertyNames, and the types name it.
    const keyRef = this.#typeRef(qname(k!, k!.getAttribute("type") ?? "xs:anyType", this.#source));
    const keyEnum =
      "ref" in keyRef && Array.isArray(this.#schemas.get(keyRef.ref)?.schema.enum)
        ? keyRef.ref
        : undefined;
    const valueType = scalar(v!);
    const valueNillable = v!.getAttribute("nillable") === "true";
    const valueSchema: JsonSchema = builtin(valueType.xsd)?.schema ?? {};
    const model: XmlTypeDescriptor = {
      kind: "dictionary",
      entry: { ns, local: entryEl.getAttribute("name")! },
      key: { ns, local: k!.getAttribute("name")! },
      value: { ns, local: v!.getAttribute("name")! },
      keyType,
      valueType,
      valueNillable,
    };
    const json: JsonSchema = {
      type: "object",
      "x-trustspec-dictionary": { key: keyType.scalar === "integer" ? "number" : "string" },
      additionalProperties: valueNillable
        ? { anyOf: [valueSchema, { type: "null" }] }
        : valueSchema,
    };
    if (keyType.scalar === "integer") json.propertyNames = { pattern: "^-?[0-9]+$" };
    else if (keyEnum) json.propertyNames = this.#ref(keyEnum);
    return { model, schema: json };
  }
}

function doc(el: Element): string | undefined {
  const ann = child(el, XS, "annotation");
  if (!ann) return undefined;
  const clean = (d: Element) => (d.textContent ?? "").replace(/\s+/g, " ").trim();
  const inferred = children(ann, XS, "appinfo")
    .flatMap((a) => children(a, TRUSTSPEC_ANNOTATIONS, "inferred"))
    .map(clean)
    .filter(Boolean)
    .map((t) => `Inferred: ${t}`);
  const text = [...children(ann, XS, "documentation").map(clean).filter(Boolean), ...inferred].join(
    "\n\n",
  );
  return text || undefined;
}

function enumAnnotation(
  el: Element,
): { name: string; open: boolean; members: EnumMember[] } | undefined {
  const ann = child(el, XS, "annotation");
  const appinfo = ann && child(ann, XS, "appinfo");
  const e = appinfo && children(appinfo, TRUSTSPEC_ANNOTATIONS, "enum")[0];
  if (!e) return undefined;
  const members = children(e, TRUSTSPEC_ANNOTATIONS, "value").map((v) => {
    const raw = v.getAttribute("value") ?? "";
    const m: EnumMember = {
      name: v.getAttribute("name") ?? raw,
      value: /^-?\d+$/.test(raw) ? Number(raw) : raw,
    };
    const d = (v.textContent ?? "").trim();
    if (d) m.description = d;
    return m;
  });
  return {
    name: e.getAttribute("name") ?? "Enum",
    open: e.getAttribute("open") === "true",
    members,
  };
}

export function baseModel(options: XmlInputOptions, title: string, description?: string): ApiModel {
  const model: ApiModel = {
    name: options.name,
    title,
    version: "",
    source: options.source,
    bundleId: `urn:trustspec:${options.name.toLowerCase()}`,
    servers: [],
    schemas: [],
    operations: [],
    securitySchemes: {},
  };
  if (description) model.description = description;
  return model;
}

/** Converts XML Schema text (root `xs:schema`) into the internal model. */
export function xsdToModel(text: string, options: XmlInputOptions): ApiModel {
  const root = parse(text, options.source);
  if (root.namespaceURI !== XS || root.localName !== "schema") {
    throw new Error(`${options.source}: an xs:schema root is expected`);
  }
  const model = baseModel(options, options.name, doc(root));
  const schemas = withReferencedSchemas([root], options.file, options.source, options.readText);
  const result = new XsdReader(schemas, options.source, model.bundleId).read();
  model.schemas = result.schemas;
  model.xml = result.xml;
  return model;
}
