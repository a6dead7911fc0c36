import type { ValidationIssue } from "@trustspec/runtime/core";
import {
  childElements,
  decodeElement,
  isElement,
  parseXml,
  readScalar,
  toXml,
  XMLNS_NS,
  XmlError,
  type XmlLimits,
} from "@trustspec/runtime/soap";
import type { dtbsType, rowType } from "../generated/dtbs/types.gen.js";
import { xmlElements, xmlTypes } from "../generated/dtbs/xml.gen.js";

/**
 * The displayed-data document of the Sign Service («Отображение подписываемых данных»,
 * CryptoPro DSS developer guide ЖТЯИ.00096-02 97 01, §6.4, lines 11305-11461; schema:
 * specs/dss-common/dtbs.xsd). The types, XML descriptors and names come from that schema
 * (src/generated/dtbs); this module adds what the prose says and the schema cannot.
 */

/** The namespace of the displayed-data document (§6.4, line 11321). */
export const DTBS_NAMESPACE = "http://www.cryptopro.ru/schemas/2014/08/dtbs";

/**
 * The XML declaration every built document starts with, as the guide's examples print it
 * (§6.4, line 11426; §8.2.2.4.4, line 14730).
 */
export const DTBS_XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>';

/** One key field of the document summary: a `row` with its `name` and `value` (§6.4, rowType). */
export interface DtbsRow {
  /** Название ключевого поля выжимки документа: the field's name, e.g. "Сумма платежа". */
  readonly name: string;
  /** Значение ключевого поля выжимки документа: the field's value, e.g. "100 RUB". */
  readonly value: string;
}

/**
 * A displayed-data document (DTBS, Data To Be Signed): the root `dtbs` of §6.4 (dtbsType). The
 * property names are the schema's element and attribute names.
 */
export interface DtbsDocument {
  /**
   * The rows shown to the user, in order; absent or empty for none. Must be absent or empty
   * when `unattendedSign` is true (§6.4: «элементы row должны отсутствовать»).
   */
  readonly row?: readonly DtbsRow[];
  /**
   * `true`: the document is signed without being shown to and confirmed by the user. Absent is
   * read as `false` (the schema gives no default).
   */
  readonly unattendedSign?: boolean;
}

/** Options of {@link parseDtbs}. */
export interface ParseDtbsOptions {
  /** Limits of the bounded XML reader, replacing its defaults one by one. */
  readonly limits?: Partial<XmlLimits>;
}

// The hand-written types must describe exactly the generated ones: a change of the schema that
// changes the generated types fails to compile here.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameRow: Same<DtbsRow, Readonly<rowType>> = true;
const sameDocument: Same<
  Omit<DtbsDocument, "row"> & { row?: DtbsRow[] },
  Omit<dtbsType, "row"> & { row?: rowType[] }
> = true;
void sameRow;
void sameDocument;

/**
 * Builds the XML text of a displayed-data document: the XML declaration, then `dtbs` in the
 * default namespace, without indentation. The same document always gives the same text, and
 * the guide's example of §8.2.2.4.4 (lines 14730-14738) comes out byte for byte as its Base64
 * (lines 14744-14754) encodes it.
 *
 * @throws XmlError `invalid`, its `issues` naming each wrong property by path (`/dtbs/row[2]/value`):
 *   a name or value that is not a string or holds a character XML cannot carry, an
 *   `unattendedSign` that is not a boolean, or rows with `unattendedSign: true`.
 */
export function buildDtbs(document: DtbsDocument): string {
  const issues = checkDocument(document);
  if (issues.length > 0) throw invalidDtbs(issues);
  const rows = document.row ?? [];
  const value: dtbsType = {
    ...(rows.length > 0 ? { row: rows.map((r) => ({ name: r.name, value: r.value })) } : {}),
    ...(document.unattendedSign !== undefined ? { unattendedSign: document.unattendedSign } : {}),
  };
  return DTBS_XML_DECLARATION + toXml(xmlTypes, xmlElements.dtbs, value);
}

/**
 * The document as UTF-8 bytes ({@link buildDtbs}'s text): what a transaction or a signature
 * request carries as its document.
 */
export function encodeDtbs(document: DtbsDocument): Uint8Array {
  return new TextEncoder().encode(buildDtbs(document));
}

/**
 * Reads a displayed-data document, as text or as UTF-8 bytes (a byte order mark is skipped),
 * through the runtime's bounded XML reader: a DTD or entity declaration is refused before
 * reading. The result has `row` only when there are rows and `unattendedSign` only when the
 * attribute is present.
 *
 * @throws XmlError `forbidden` (DTD, entity declarations), `limit` (over a limit), `malformed`
 *   (not well-formed XML or not UTF-8), `invalid` (not a `dtbs` document of the schema, or rows
 *   with `unattendedSign="true"`), its `issues` naming each wrong node by path
 *   (`/dtbs/row[2]/value`, `/dtbs/@unattendedSign`).
 */
export function parseDtbs(xml: string | Uint8Array, options: ParseDtbsOptions = {}): DtbsDocument {
  const root = parseXml(typeof xml === "string" ? xml : decodeUtf8(xml), options.limits);
  const found = describe(root);
  const at = `/${describe(root, false)}`;
  if (!isElement(root, xmlElements.dtbs.name)) {
    throw invalidDtbs([{ path: at, message: `must be {${DTBS_NAMESPACE}}dtbs, not ${found}` }]);
  }
  const issues: ValidationIssue[] = [];
  const unattendedSign = readAttributes(root, issues);
  const rows: DtbsRow[] = [];
  const children = childElements(root, issues, "/dtbs");
  const rowName = xmlElements.row.name;
  children.forEach((child, i) => {
    const path = `/dtbs/row[${i + 1}]`;
    if (!isElement(child, rowName)) {
      issues.push({
        path: `/dtbs/${describe(child, false)}[${i + 1}]`,
        message: `is not a row (${describe(child)})`,
      });
      return;
    }
    const row = decodeElement(xmlTypes, xmlElements.row.type, child, false, issues, path) as
      | Partial<rowType>
      | undefined;
    if (row && typeof row.name === "string" && typeof row.value === "string")
      rows.push({ name: row.name, value: row.value });
  });
  if (unattendedSign === true && children.length > 0)
    issues.push({ path: "/dtbs/row", message: 'must be absent when unattendedSign is "true"' });
  if (issues.length > 0) throw invalidDtbs(issues);
  return {
    ...(rows.length > 0 ? { row: rows } : {}),
    ...(unattendedSign !== undefined ? { unattendedSign } : {}),
  };
}

/**
 * The text the identity centre shows the user for a document, as §6.4 describes it (lines
 * 11414-11422): «Name1 : Value1, Name2 : Value2, … , NameN : ValueN». Empty for no rows.
 */
export function formatDtbs(document: DtbsDocument): string {
  return (document.row ?? []).map((r) => `${r.name} : ${r.value}`).join(", ");
}

type XmlElement = ReturnType<typeof parseXml>;

/** An element's name, `{namespace}local` or, without `qualified`, the local name. */
function describe(el: XmlElement, qualified = true): string {
  const local = el.localName ?? el.nodeName;
  return qualified && el.namespaceURI ? `{${el.namespaceURI}}${local}` : local;
}

function readAttributes(
  root: ReturnType<typeof parseXml>,
  issues: ValidationIssue[],
): boolean | undefined {
  let unattendedSign: boolean | undefined;
  const known = xmlTypes.dtbsType;
  const declared = known?.kind === "complex" ? known.attributes : [];
  for (let i = 0; i < root.attributes.length; i++) {
    const attr = root.attributes.item(i)!;
    const ns = attr.namespaceURI ?? null;
    if (ns === XMLNS_NS || attr.name === "xmlns") continue;
    const path = `/dtbs/@${attr.localName}`;
    const descriptor = declared.find((a) => a.name.local === attr.localName && a.name.ns === ns);
    if (!descriptor) {
      issues.push({ path, message: "is not a known attribute" });
      continue;
    }
    const v = readScalar(attr.value, descriptor.type, issues, path);
    if (typeof v === "boolean") unattendedSign = v;
  }
  return unattendedSign;
}

/**
 * Whether the text holds a character XML 1.0 cannot carry: a control character other than tab,
 * line feed and carriage return, an unpaired surrogate, U+FFFE or U+FFFF.
 */
function hasNonXmlChar(text: string): boolean {
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    if (c < 0x20 && c !== 0x9 && c !== 0xa && c !== 0xd) return true;
    if ((c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) return true;
  }
  return false;
}

function checkDocument(document: DtbsDocument): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  if (typeof document !== "object" || document === null) {
    return [{ path: "/dtbs", message: "must be an object" }];
  }
  const { row, unattendedSign } = document;
  if (unattendedSign !== undefined && typeof unattendedSign !== "boolean")
    issues.push({ path: "/dtbs/@unattendedSign", message: "must be a boolean" });
  if (row !== undefined && !Array.isArray(row)) {
    issues.push({ path: "/dtbs/row", message: "must be an array" });
    return issues;
  }
  (row ?? []).forEach((r: unknown, i) => {
    const path = `/dtbs/row[${i + 1}]`;
    if (typeof r !== "object" || r === null) {
      issues.push({ path, message: "must be an object with name and value" });
      return;
    }
    for (const key of ["name", "value"] as const) {
      const text = (r as Record<string, unknown>)[key];
      if (typeof text !== "string")
        issues.push({ path: `${path}/${key}`, message: "must be a string" });
      else if (hasNonXmlChar(text))
        issues.push({ path: `${path}/${key}`, message: "holds a character XML 1.0 cannot carry" });
    }
  });
  if (unattendedSign === true && (row?.length ?? 0) > 0)
    issues.push({ path: "/dtbs/row", message: "must be absent when unattendedSign is true" });
  return issues;
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new XmlError("malformed", "The displayed-data document is not UTF-8 text.");
  }
}

function invalidDtbs(issues: readonly ValidationIssue[]): XmlError {
  const detail = issues
    .slice(0, 5)
    .map((i) => `${i.path} ${i.message}`)
    .join("; ");
  return new XmlError("invalid", `Not a displayed-data (DTBS) document: ${detail}`, issues);
}
