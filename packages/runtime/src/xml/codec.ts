import type { Element, Node } from "@xmldom/xmldom";
import { fromBase64, toBase64 } from "../base64.js";
import type { ValidationIssue } from "../errors.js";
import {
  type XmlElementDescriptor,
  type XmlElementParticle,
  type XmlName,
  type XmlScalarType,
  type XmlTypeDescriptor,
  type XmlTypeRef,
  type XmlTypes,
  XSD_INTEGER_BOUNDS,
} from "./descriptors.js";
import { parseXml, XmlError, type XmlLimits } from "./parse.js";

/**
 * The schema-driven XML codec the generated SOAP code uses: XML types are
 * described by plain descriptors (`xml.gen.ts`), and one decoder and one encoder read them.
 */

export type {
  XmlAttributeDescriptor,
  XmlChoiceParticle,
  XmlElementDescriptor,
  XmlElementParticle,
  XmlName,
  XmlParticle,
  XmlScalarKind,
  XmlScalarType,
  XmlTypeDescriptor,
  XmlTypeRef,
  XmlTypes,
} from "./descriptors.js";

/** The XML Schema instance namespace (`xsi:nil`, `xsi:type`). */
export const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
/** The namespace of `xmlns` declarations. */
export const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

/** Whether an element has this namespace and local name. */
export function isElement(node: Node | null | undefined, name: XmlName): node is Element {
  return (
    !!node &&
    node.nodeType === 1 &&
    (node as Element).localName === name.local &&
    ((node as Element).namespaceURI ?? null) === name.ns
  );
}

/**
 * The child elements of an element. Comments and processing instructions are skipped; text
 * other than whitespace among elements is reported at `path`.
 */
export function childElements(parent: Element, issues?: ValidationIssue[], path = ""): Element[] {
  const out: Element[] = [];
  for (let n = parent.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 1) out.push(n as Element);
    else if ((n.nodeType === 3 || n.nodeType === 4) && issues && (n.nodeValue ?? "").trim()) {
      issues.push({ path, message: "has text where only elements are allowed" });
    }
  }
  return out;
}

/** Formats a name as `{namespace}local`, or `local` without a namespace. */
export function formatName(name: XmlName): string {
  return name.ns ? `{${name.ns}}${name.local}` : name.local;
}

function nameOf(el: Element): string {
  return formatName({ ns: el.namespaceURI ?? null, local: el.localName ?? el.nodeName });
}

function isNil(el: Element): boolean {
  const v = el.getAttributeNS(XSI_NS, "nil");
  return v === "true" || v === "1";
}

function textOf(el: Element): string {
  let s = "";
  for (let n = el.firstChild; n; n = n.nextSibling) {
    if (n.nodeType === 3 || n.nodeType === 4) s += n.nodeValue ?? "";
  }
  return s;
}

/** Reads the text of a simple value; pushes an issue and returns undefined when it is not one. */
export function readScalar(
  text: string,
  type: XmlScalarType,
  issues: ValidationIssue[],
  path: string,
): unknown {
  switch (type.scalar) {
    case "integer": {
      const t = text.trim();
      const { minimum = Number.MIN_SAFE_INTEGER, maximum = Number.MAX_SAFE_INTEGER } =
        Object.hasOwn(XSD_INTEGER_BOUNDS, type.xsd) ? XSD_INTEGER_BOUNDS[type.xsd]! : {};
      const n = /^[+-]?\d{1,20}$/.test(t) ? Number(t) : Number.NaN;
      if (!Number.isSafeInteger(n) || n < minimum || n > maximum) {
        issues.push({ path, message: `must be an xs:${type.xsd}` });
        return undefined;
      }
      return n;
    }
    case "number": {
      const t = text.trim();
      if (t === "INF") return Number.POSITIVE_INFINITY;
      if (t === "-INF") return Number.NEGATIVE_INFINITY;
      if (t === "NaN") return Number.NaN;
      if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) {
        issues.push({ path, message: `must be an xs:${type.xsd}` });
        return undefined;
      }
      return Number(t);
    }
    case "boolean": {
      const t = text.trim();
      if (t === "true" || t === "1") return true;
      if (t === "false" || t === "0") return false;
      issues.push({ path, message: "must be an xs:boolean" });
      return undefined;
    }
    default:
      return text;
  }
}

/** Writes a simple value as text. */
export function writeScalar(value: unknown, type: XmlScalarType): string {
  if (type.scalar === "number" && typeof value === "number") {
    if (value === Number.POSITIVE_INFINITY) return "INF";
    if (value === Number.NEGATIVE_INFINITY) return "-INF";
  }
  return String(value);
}

/** Decodes an element into the value its type describes. */
export function decodeElement(
  types: XmlTypes,
  type: XmlTypeRef,
  el: Element,
  nillable: boolean,
  issues: ValidationIssue[],
  path: string,
): unknown {
  if (isNil(el)) {
    if (!nillable) issues.push({ path, message: "is xsi:nil but not nillable" });
    else if (childElements(el).length > 0 || textOf(el).trim())
      issues.push({ path, message: "is xsi:nil but has content" });
    return null;
  }
  if (!("ref" in type)) {
    return type.xsd === "anyType"
      ? decodeAnyType(types, el, issues, path)
      : decodeScalarElement(el, type, issues, path);
  }
  const desc = types[type.ref];
  if (!desc) {
    issues.push({ path, message: `has an unknown type ${type.ref}` });
    return undefined;
  }
  switch (desc.kind) {
    case "simple":
      return decodeScalarElement(el, desc.type, issues, path);
    case "dictionary":
      return decodeDictionary(desc, el, issues, path);
    case "complex":
      return decodeComplex(types, desc, el, issues, path);
  }
}

function decodeScalarElement(
  el: Element,
  type: XmlScalarType,
  issues: ValidationIssue[],
  path: string,
): unknown {
  if (type.scalar !== "any" && childElements(el).length > 0) {
    issues.push({ path, message: "must hold text only" });
    return undefined;
  }
  return readScalar(textOf(el), type, issues, path);
}

function decodeDictionary(
  desc: Extract<XmlTypeDescriptor, { kind: "dictionary" }>,
  el: Element,
  issues: ValidationIssue[],
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of childElements(el, issues, path)) {
    const at = `${path}/${entry.localName}`;
    if (!isElement(entry, desc.entry)) {
      issues.push({ path: at, message: `is not expected here (expected ${desc.entry.local})` });
      continue;
    }
    const [k, v, ...rest] = childElements(entry, issues, at);
    if (!isElement(k, desc.key) || !isElement(v, desc.value) || rest.length > 0) {
      issues.push({ path: at, message: `must hold ${desc.key.local} then ${desc.value.local}` });
      continue;
    }
    const key = decodeScalarElement(k, desc.keyType, issues, `${at}/${desc.key.local}`);
    let value: unknown;
    if (!isNil(v))
      value = decodeScalarElement(v, desc.valueType, issues, `${at}/${desc.value.local}`);
    else if (desc.valueNillable) value = null;
    else issues.push({ path: `${at}/${desc.value.local}`, message: "is not nillable" });
    if (key === undefined) continue;
    const k2 = String(key);
    if (Object.hasOwn(out, k2)) {
      issues.push({ path: at, message: `repeats the key ${k2}` });
      continue;
    }
    out[k2] = value;
  }
  return out;
}

function decodeComplex(
  types: XmlTypes,
  desc: Extract<XmlTypeDescriptor, { kind: "complex" }>,
  el: Element,
  issues: ValidationIssue[],
  path: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of desc.attributes) {
    const raw = a.name.ns
      ? el.getAttributeNS(a.name.ns, a.name.local)
      : el.getAttribute(a.name.local);
    const present = a.name.ns
      ? el.hasAttributeNS(a.name.ns, a.name.local)
      : el.hasAttribute(a.name.local);
    if (!present || raw === null) {
      if (a.required) issues.push({ path: `${path}/@${a.name.local}`, message: "is required" });
      continue;
    }
    const v = readScalar(raw, a.type, issues, `${path}/@${a.name.local}`);
    if (v !== undefined) out[a.property] = v;
  }
  if (!desc.anyAttribute) {
    const attrs = el.attributes;
    for (let i = 0; i < attrs.length; i++) {
      const attr = attrs.item(i)!;
      const ns = attr.namespaceURI ?? null;
      if (ns === XMLNS_NS || ns === XSI_NS || attr.name === "xmlns" || ns === XML_NS) continue;
      if (!desc.attributes.some((a) => a.name.local === attr.localName && a.name.ns === ns)) {
        issues.push({ path: `${path}/@${attr.localName}`, message: "is not a known attribute" });
      }
    }
  }
  if (desc.text) {
    if (childElements(el).length > 0) issues.push({ path, message: "must hold text only" });
    else {
      const v = readScalar(textOf(el), desc.text, issues, path);
      if (v !== undefined) out.Value = v;
    }
    return out;
  }
  const children = childElements(el, issues, path);
  let i = 0;
  for (const particle of desc.particles) {
    let p: XmlElementParticle | undefined = particle as XmlElementParticle;
    if (particle.kind === "choice") {
      const c = children[i];
      p = particle.options.find((o) => isElement(c, o.name));
      if (!p) {
        if (particle.minOccurs > 0)
          issues.push({
            path,
            message: `must have one of ${particle.options.map((o) => o.name.local).join(", ")}`,
          });
        continue;
      }
    }
    i = readParticle(types, p, children, i, out, issues, path);
  }
  for (; i < children.length; i++) {
    issues.push({
      path: `${path}/${children[i]!.localName}`,
      message: `is not expected here (${nameOf(children[i]!)})`,
    });
  }
  return out;
}

/**
 * Reads the occurrences of one particle from `children` starting at `i` into `out`; returns the
 * index of the first child it did not take.
 */
function readParticle(
  types: XmlTypes,
  p: XmlElementParticle,
  children: readonly Element[],
  i: number,
  out: Record<string, unknown>,
  issues: ValidationIssue[],
  path: string,
): number {
  const max = p.maxOccurs === "unbounded" ? Number.POSITIVE_INFINITY : p.maxOccurs;
  const at = `${path}/${p.name.local}`;
  let count = 0;
  if (max === 1) {
    // A single occurrence is read without collecting it in an array first.
    if (isElement(children[i], p.name)) {
      out[p.property] = decodeElement(types, p.type, children[i++]!, p.nillable, issues, at);
      count = 1;
    }
  } else {
    const found: unknown[] = [];
    while (found.length < max && isElement(children[i], p.name)) {
      found.push(decodeElement(types, p.type, children[i++]!, p.nillable, issues, at));
    }
    count = found.length;
    if (count > 0) out[p.property] = found;
  }
  if (count < p.minOccurs) {
    issues.push({
      path: at,
      message: p.minOccurs === 1 ? "is required" : `must occur at least ${p.minOccurs} times`,
    });
  }
  return i;
}

const XML_NS = "http://www.w3.org/XML/1998/namespace";

/** Escapes text for element content. */
export function escapeText(text: string): string {
  // Most text has nothing to escape: one scan instead of a replacement pass.
  if (!TEXT_SPECIAL.test(text)) return text;
  return text.replace(/[&<>\r]/g, (c) =>
    c === "&" ? "&amp;" : c === "<" ? "&lt;" : c === ">" ? "&gt;" : "&#13;",
  );
}

/**
 * Escapes text for element content and attribute values. Tabs and line breaks become character
 * references, which survive the attribute-value normalization that turns literal ones into spaces.
 */
export function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) return text;
  return text.replace(/[&<>"\r\n\t]/g, (c) => ESCAPES[c]!);
}

/** Whether text holds a character {@link escapeText} replaces (not global: `test` keeps no state). */
const TEXT_SPECIAL = /[&<>\r]/;
/** Whether text holds a character {@link escapeXml} replaces. */
const XML_SPECIAL = /[&<>"\r\n\t]/;

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\r": "&#13;",
  "\n": "&#10;",
  "\t": "&#9;",
};

/**
 * Writes XML text with default-namespace switching (as WCF does): an element in another
 * namespace than its parent's default declares `xmlns`; qualified attributes get a prefix.
 */
export class XmlWriter {
  #out: string[] = [];
  #defaults: (string | null)[] = [null];

  /** The text written so far. */
  toString(): string {
    return this.#out.join("");
  }

  /** Writes raw, already well-formed XML (e.g. an opaque token kept as received). */
  raw(xml: string): void {
    this.#out.push(xml);
  }

  /** Opens an element (or writes an empty one with `selfClose`), declaring the namespaces it needs. */
  open(
    name: XmlName,
    attributes: { name: XmlName; value: string }[] = [],
    opts: { prefix?: string; declare?: Record<string, string>; selfClose?: boolean } = {},
  ): void {
    const current = this.#defaults[this.#defaults.length - 1] ?? null;
    let tag = opts.prefix ? `${opts.prefix}:${name.local}` : name.local;
    let decl = "";
    let def = current;
    if (!opts.prefix && name.ns !== current) {
      decl += ` xmlns="${escapeXml(name.ns ?? "")}"`;
      def = name.ns;
    }
    for (const [p, uri] of Object.entries(opts.declare ?? {}))
      decl += ` xmlns:${p}="${escapeXml(uri)}"`;
    let attrs = "";
    let n = 0;
    for (const a of attributes) {
      if (!a.name.ns) attrs += ` ${a.name.local}="${escapeXml(a.value)}"`;
      else if (a.name.ns === XSI_NS) {
        attrs += ` i:${a.name.local}="${escapeXml(a.value)}"`;
        decl += ` xmlns:i="${XSI_NS}"`;
      } else {
        const p = `p${++n}`;
        decl += ` xmlns:${p}="${escapeXml(a.name.ns)}"`;
        attrs += ` ${p}:${a.name.local}="${escapeXml(a.value)}"`;
      }
    }
    tag = `<${tag}${decl}${attrs}`;
    if (opts.selfClose) {
      this.#out.push(`${tag}/>`);
      return;
    }
    this.#out.push(`${tag}>`);
    this.#defaults.push(def);
    this.#stack.push(opts.prefix ? `${opts.prefix}:${name.local}` : name.local);
  }

  #stack: string[] = [];

  /** Writes escaped text content. */
  text(value: string): void {
    this.#out.push(escapeText(value));
  }

  /** Closes the element opened last. */
  close(): void {
    this.#defaults.pop();
    this.#out.push(`</${this.#stack.pop()}>`);
  }

  /** An element holding only text (or empty). */
  leaf(
    name: XmlName,
    text: string | undefined,
    attributes: { name: XmlName; value: string }[] = [],
  ): void {
    if (text === undefined || text === "") {
      this.open(name, attributes, { selfClose: true });
      return;
    }
    this.open(name, attributes);
    this.text(text);
    this.close();
  }
}

/**
 * Encodes a value as the element `name` of type `type`. The value is expected to match the
 * type (the generated types make sure of it; the client also checks it against the schema).
 */
export function encodeElement(
  types: XmlTypes,
  type: XmlTypeRef,
  name: XmlName,
  value: unknown,
  w: XmlWriter,
): void {
  if (value === null || value === undefined) {
    w.open(name, nil, { selfClose: true });
    return;
  }
  if (!("ref" in type)) {
    if (type.xsd === "anyType") encodeAnyType(types, name, value, w);
    else w.leaf(name, writeScalar(value, type));
    return;
  }
  const desc = types[type.ref];
  if (!desc) throw new Error(`unknown XML type ${type.ref}`);
  if (desc.kind === "simple") {
    w.leaf(name, writeScalar(value, desc.type));
    return;
  }
  if (desc.kind === "dictionary") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      w.open(name, [], { selfClose: true });
      return;
    }
    w.open(name);
    for (const [k, v] of entries) {
      w.open(desc.entry);
      w.leaf(
        desc.key,
        writeScalar(desc.keyType.scalar === "integer" ? Number(k) : k, desc.keyType),
      );
      if (v === null || v === undefined) w.open(desc.value, nil, { selfClose: true });
      else w.leaf(desc.value, writeScalar(v, desc.valueType));
      w.close();
    }
    w.close();
    return;
  }
  const obj = value as Record<string, unknown>;
  const attributes = desc.attributes
    .filter((a) => obj[a.property] !== undefined)
    .map((a) => ({ name: a.name, value: writeScalar(obj[a.property], a.type) }));
  if (desc.text) {
    w.leaf(
      name,
      obj.Value === undefined ? undefined : writeScalar(obj.Value, desc.text),
      attributes,
    );
    return;
  }
  const elements = elementParticles(desc);
  if (!elements.some((p) => obj[p.property] !== undefined)) {
    w.open(name, attributes, { selfClose: true });
    return;
  }
  w.open(name, attributes);
  for (const p of elements) {
    const v = obj[p.property];
    if (v === undefined) continue;
    const many = p.maxOccurs === "unbounded" || p.maxOccurs > 1;
    for (const item of many && Array.isArray(v) ? v : [v])
      encodeElement(types, p.type, p.name, item, w);
  }
  w.close();
}

/** The XML Schema namespace: the built-in types an `xsi:type` names. */
export const XSD_NS = "http://www.w3.org/2001/XMLSchema";

/**
 * A value of an `xs:anyType` member whose `xsi:type` names a type other than an XSD built-in: a
 * data contract of the API (`PinInfo`, `CertificateStatus`) or one the codec does not know.
 *
 * Encoding: `type` is written as the `xsi:type` (its namespace declared on the element) and
 * `value` as the content of the named XML type `ref` of the API; without `ref`, `value` must be
 * text (written as is) or an `Element` (its children copied).
 * Decoding: an `xsi:type` whose local name is a complex or simple type of the API decodes by it
 * (`ref` set to it; the namespace is kept in `type` for the caller to check); any other keeps its
 * text (no child elements) or the element itself.
 */
export class XsiTyped {
  constructor(
    /** The type the `xsi:type` attribute names. */
    readonly type: XmlName,
    /** The decoded value, its text, or the element as received. */
    readonly value: unknown,
    /** The named XML type of the API the value is encoded and decoded by. */
    readonly ref?: string,
  ) {}
}

/**
 * The XSD built-in type and text of a JavaScript value given to an `xs:anyType` member, written
 * with `xsi:type` as WCF's DataContractSerializer writes a member typed `object` (it reads such a
 * member only with one): a string is `xs:string`, a boolean `xs:boolean`, an integral number
 * `xs:int` within 32 bits and `xs:long` beyond (`xs:double` when not a safe integer), any other
 * number `xs:double`, a `Uint8Array` `xs:base64Binary`, a `Date` `xs:dateTime` (UTC, as
 * `toISOString` writes it; one read without a zone is taken as UTC), a `bigint` `xs:long`. Anything else has none (`undefined`).
 */
export function anyTypeOf(value: unknown): { xsd: string; text: string } | undefined {
  switch (typeof value) {
    case "string":
      return { xsd: "string", text: value };
    case "boolean":
      return { xsd: "boolean", text: String(value) };
    case "bigint":
      return { xsd: "long", text: String(value) };
    case "number":
      if (Number.isSafeInteger(value) && !Object.is(value, -0)) {
        return {
          xsd: value >= -2147483648 && value <= 2147483647 ? "int" : "long",
          text: String(value),
        };
      }
      return { xsd: "double", text: writeScalar(value, { scalar: "number", xsd: "double" }) };
  }
  if (value instanceof Uint8Array) return { xsd: "base64Binary", text: toBase64(value) };
  if (value instanceof Date && !Number.isNaN(value.getTime())) {
    return { xsd: "dateTime", text: value.toISOString() };
  }
  return undefined;
}

const XSI_TYPE: XmlName = { ns: XSI_NS, local: "type" };

/**
 * Writes a value of an `xs:anyType` member with its `xsi:type` (see {@link anyTypeOf} for the
 * built-in types, {@link XsiTyped} for others), the XSD namespace declared as `xs` and another
 * type's as `t` on the element itself.
 * @throws Error for a value that has no XSD type (a plain object: wrap it in {@link XsiTyped}).
 */
function encodeAnyType(types: XmlTypes, name: XmlName, value: unknown, w: XmlWriter): void {
  if (value instanceof XsiTyped) {
    const attributes = [{ name: XSI_TYPE, value: `t:${value.type.local}` }];
    const declare = { t: value.type.ns ?? "" };
    if (value.ref !== undefined) {
      const desc = types[value.ref];
      if (!desc) throw new Error(`unknown XML type ${value.ref}`);
      // The named type's content, under the member's own name, with the xsi:type added.
      const inner = new XmlWriter();
      encodeElement(types, { ref: value.ref }, name, value.value, inner);
      w.raw(withXsiType(inner.toString(), value.type, name));
      return;
    }
    const v = value.value;
    w.open(name, attributes, { declare });
    if (typeof v === "string") w.text(v);
    else if (v && typeof v === "object" && (v as Node).nodeType === 1) {
      for (let n = (v as Element).firstChild; n; n = n.nextSibling) w.raw(n.toString());
    } else throw new Error("an XsiTyped value without ref must be text or an element");
    w.close();
    return;
  }
  const t = anyTypeOf(value);
  if (!t) {
    throw new Error(
      `xs:anyType ${name.local} takes a string, boolean, number, bigint, Uint8Array, Date or XsiTyped`,
    );
  }
  w.open(name, [{ name: XSI_TYPE, value: `xs:${t.xsd}` }], { declare: { xs: XSD_NS } });
  w.text(t.text);
  w.close();
}

/** Adds `xsi:type` (and the namespaces it needs) to the start tag of an element written alone. */
function withXsiType(xml: string, type: XmlName, name: XmlName): string {
  const end = xml.startsWith(`<${name.local}`) ? name.local.length + 1 : -1;
  if (end < 0) throw new Error(`cannot type ${name.local}`);
  const decl = ` xmlns:i="${XSI_NS}" xmlns:t="${escapeXml(type.ns ?? "")}" i:type="t:${escapeXml(type.local)}"`;
  return xml.slice(0, end) + decl + xml.slice(end);
}

/**
 * Reads a value of an `xs:anyType` member by its `xsi:type`: an XSD built-in as the JavaScript
 * value {@link anyTypeOf} writes it from (strings and the string-like types as text, integer
 * types and `float`/`double` as numbers, `decimal` as text, `boolean`, `base64Binary` as a
 * `Uint8Array`, `dateTime` as a `Date`, any other built-in as its text); another type as an
 * {@link XsiTyped}. Without `xsi:type`, its text, as before.
 */
function decodeAnyType(
  types: XmlTypes,
  el: Element,
  issues: ValidationIssue[],
  path: string,
): unknown {
  const raw = el.getAttributeNS(XSI_NS, "type");
  if (!raw) return readScalar(textOf(el), { scalar: "any", xsd: "anyType" }, issues, path);
  const colon = raw.indexOf(":");
  const prefix = colon < 0 ? null : raw.slice(0, colon);
  const local = raw.slice(colon + 1).trim();
  const ns = el.lookupNamespaceURI(prefix ?? "") || null;
  if (colon >= 0 && ns === null) {
    issues.push({ path: `${path}/@type`, message: `names an undeclared prefix ${prefix}` });
    return undefined;
  }
  if (ns === XSD_NS) {
    if (childElements(el).length > 0) {
      issues.push({ path, message: "must hold text only" });
      return undefined;
    }
    return readBuiltin(textOf(el), local, issues, path);
  }
  const type: XmlName = { ns, local };
  const desc = Object.hasOwn(types, local) ? types[local] : undefined;
  if (desc && desc.kind !== "dictionary") {
    return new XsiTyped(type, decodeElement(types, { ref: local }, el, false, issues, path), local);
  }
  return new XsiTyped(type, childElements(el).length > 0 ? el : textOf(el));
}

function readBuiltin(text: string, xsd: string, issues: ValidationIssue[], path: string): unknown {
  if (Object.hasOwn(XSD_INTEGER_BOUNDS, xsd)) {
    return readScalar(text, { scalar: "integer", xsd }, issues, path);
  }
  switch (xsd) {
    case "float":
    case "double":
      return readScalar(text, { scalar: "number", xsd }, issues, path);
    case "boolean":
      return readScalar(text, { scalar: "boolean", xsd }, issues, path);
    case "base64Binary": {
      const bytes = fromBase64(text);
      if (!bytes) issues.push({ path, message: "must be an xs:base64Binary" });
      return bytes;
    }
    case "dateTime": {
      const t = text.trim();
      const m = /^-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$/.exec(t);
      // A time without a zone (WCF's DateTimeKind.Unspecified) is read as UTC.
      const d = m ? new Date(m[2] ? t : `${t}Z`) : undefined;
      if (!d || Number.isNaN(d.getTime())) {
        issues.push({ path, message: "must be an xs:dateTime" });
        return undefined;
      }
      return d;
    }
    default:
      return text;
  }
}

/** The `xsi:nil="true"` attribute of an absent value (the writer only reads it). */
const nil: { name: XmlName; value: string }[] = [
  { name: { ns: XSI_NS, local: "nil" }, value: "true" },
];

const flattened = new WeakMap<object, readonly XmlElementParticle[]>();

/** A complex type's element particles, choices opened, in order: worked out once per type. */
function elementParticles(
  desc: Extract<XmlTypeDescriptor, { kind: "complex" }>,
): readonly XmlElementParticle[] {
  let elements = flattened.get(desc);
  if (!elements) {
    elements = desc.particles.flatMap((p) => (p.kind === "choice" ? p.options : [p]));
    flattened.set(desc, elements);
  }
  return elements;
}

/** Encodes a value as the text of one element, with no XML declaration. */
export function toXml(types: XmlTypes, element: XmlElementDescriptor, value: unknown): string {
  const w = new XmlWriter();
  encodeElement(types, element.type, element.name, value, w);
  return w.toString();
}

/**
 * Decodes the text of one element against its descriptor.
 * @throws XmlError when the text is not safe, well-formed XML or does not match the type.
 */
export function fromXml(
  types: XmlTypes,
  element: XmlElementDescriptor,
  text: string,
  limits?: Partial<XmlLimits>,
): unknown {
  const root = parseXml(text, limits);
  return decodeRoot(types, element, root);
}

/** Decodes a parsed element against a global element descriptor. @throws XmlError `invalid`. */
export function decodeRoot(types: XmlTypes, element: XmlElementDescriptor, el: Element): unknown {
  if (!isElement(el, element.name)) {
    throw new XmlError(
      "invalid",
      `Expected the element ${formatName(element.name)}, found ${nameOf(el)}.`,
      [{ path: "", message: `must be ${formatName(element.name)}` }],
    );
  }
  const issues: ValidationIssue[] = [];
  const value = decodeElement(
    types,
    element.type,
    el,
    element.nillable,
    issues,
    `/${element.name.local}`,
  );
  if (issues.length > 0) throw invalid(issues);
  return value;
}

/** The {@link XmlError} for schema mismatches, its message naming the first five issues. */
export function invalid(issues: readonly ValidationIssue[]): XmlError {
  const detail = issues
    .slice(0, 5)
    .map((i) => `${i.path} ${i.message}`)
    .join("; ");
  return new XmlError("invalid", `The XML does not match the schema: ${detail}`, issues);
}
