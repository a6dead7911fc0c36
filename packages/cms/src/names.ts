/**
 * Distinguished names as text and back: RFC 4514-like strings in the order people write them
 * ("CN=Иван Иванов, O=Test", most specific first), with the short names Windows and CryptoPro
 * show, including the Russian qualified-certificate attributes (INN, OGRN, SNILS, ...).
 */

import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { toHex } from "./bytes.js";
import { CmsInputError } from "./errors.js";

/** How an attribute's value is encoded: the string type X.520 or the Russian rules ask for. */
type ValueKind = "utf8" | "printable" | "ia5" | "numeric";

interface AttributeInfo {
  oid: string;
  /** The name written when formatting. */
  name: string;
  kind: ValueKind;
}

const ATTRIBUTES: readonly AttributeInfo[] = [
  { oid: "2.5.4.3", name: "CN", kind: "utf8" },
  { oid: "2.5.4.4", name: "SN", kind: "utf8" },
  { oid: "2.5.4.5", name: "SERIALNUMBER", kind: "printable" },
  { oid: "2.5.4.6", name: "C", kind: "printable" },
  { oid: "2.5.4.7", name: "L", kind: "utf8" },
  { oid: "2.5.4.8", name: "ST", kind: "utf8" },
  { oid: "2.5.4.9", name: "STREET", kind: "utf8" },
  { oid: "2.5.4.10", name: "O", kind: "utf8" },
  { oid: "2.5.4.11", name: "OU", kind: "utf8" },
  { oid: "2.5.4.12", name: "T", kind: "utf8" },
  { oid: "2.5.4.42", name: "G", kind: "utf8" },
  { oid: "1.2.840.113549.1.9.1", name: "E", kind: "ia5" },
  { oid: "0.9.2342.19200300.100.1.25", name: "DC", kind: "ia5" },
  { oid: "0.9.2342.19200300.100.1.1", name: "UID", kind: "utf8" },
  // Russian qualified certificates (Order of FSB No. 795): INN and the others are NumericString.
  { oid: "1.2.643.3.131.1.1", name: "INN", kind: "numeric" },
  { oid: "1.2.643.100.1", name: "OGRN", kind: "numeric" },
  { oid: "1.2.643.100.3", name: "SNILS", kind: "numeric" },
  { oid: "1.2.643.100.4", name: "INNLE", kind: "numeric" },
  { oid: "1.2.643.100.5", name: "OGRNIP", kind: "numeric" },
];

/** Extra spellings accepted when parsing, upper-cased. */
const ALIASES: Readonly<Record<string, string>> = {
  COMMONNAME: "2.5.4.3",
  SURNAME: "2.5.4.4",
  COUNTRYNAME: "2.5.4.6",
  LOCALITYNAME: "2.5.4.7",
  S: "2.5.4.8",
  STATEORPROVINCENAME: "2.5.4.8",
  STREETADDRESS: "2.5.4.9",
  ORGANIZATIONNAME: "2.5.4.10",
  ORGANIZATIONALUNITNAME: "2.5.4.11",
  TITLE: "2.5.4.12",
  GN: "2.5.4.42",
  GIVENNAME: "2.5.4.42",
  EMAIL: "1.2.840.113549.1.9.1",
  EMAILADDRESS: "1.2.840.113549.1.9.1",
  ИНН: "1.2.643.3.131.1.1",
  ОГРН: "1.2.643.100.1",
  СНИЛС: "1.2.643.100.3",
  ИННЮЛ: "1.2.643.100.4",
  "ИНН ЮЛ": "1.2.643.100.4",
  ОГРНИП: "1.2.643.100.5",
};

const BY_OID = new Map(ATTRIBUTES.map((a) => [a.oid, a]));
const BY_NAME = new Map<string, string>([
  ...ATTRIBUTES.map((a) => [a.name, a.oid] as const),
  ...Object.entries(ALIASES),
]);

/** One attribute of a name as parsed from text. */
export interface NameAttribute {
  /** The attribute type, a dotted OID (2.5.4.3 for CN). */
  oid: string;
  /** The value, unescaped. */
  value: string;
}

/** Splits at `separator` characters that are not escaped with `\` nor inside double quotes. */
function splitUnescaped(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === "\\" && i + 1 < text.length) {
      current += ch + text.charAt(i + 1);
      i++;
    } else if (ch === '"') {
      quoted = !quoted;
      current += ch;
    } else if (!quoted && separators.includes(ch)) {
      parts.push(current);
      current = "";
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts;
}

/** The value of `TYPE=value` text: quotes removed, `\x` and `\XX` escapes resolved. */
function unescapeValue(raw: string): string {
  let text = raw.trim();
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    // Windows style: "ООО ""Ромашка""" (doubled quotes) or RFC 1779 "a, b".
    text = text.slice(1, -1).replace(/""/g, '"');
  }
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    if (ch === "\\" && i + 1 < text.length) {
      const pair = text.slice(i + 1, i + 3);
      if (/^[0-9a-fA-F]{2}$/.test(pair)) {
        bytes.push(Number.parseInt(pair, 16));
        i += 2;
      } else {
        bytes.push(...encoder.encode(text.charAt(i + 1)));
        i += 1;
      }
    } else {
      bytes.push(...encoder.encode(ch));
    }
  }
  return new TextDecoder("utf-8", { fatal: false }).decode(new Uint8Array(bytes));
}

/**
 * Reads subject text into relative distinguished names, most specific first as written; the
 * attributes of a multi-valued RDN are joined with `+`. Text that does not read as `TYPE=value`
 * pairs separated by `,` or `;` (with known types or dotted OIDs) is taken as a bare common name,
 * so "Иван Иванов" and "ООО Ромашка, филиал" both work.
 * @throws {CmsInputError} when the text is empty.
 */
export function parseRdns(text: string): NameAttribute[][] {
  if (text.trim() === "") throw new CmsInputError("The subject name is empty");
  const bare = [[{ oid: "2.5.4.3", value: text.trim() }]];
  const rdns: NameAttribute[][] = [];
  for (const rdn of splitUnescaped(text, ",;")) {
    const attributes: NameAttribute[] = [];
    for (const part of splitUnescaped(rdn, "+")) {
      const eq = part.indexOf("=");
      if (eq <= 0) return bare;
      const type = part.slice(0, eq).trim();
      const upper = type.toUpperCase();
      const oid = /^\d+(\.\d+)+$/.test(type)
        ? type
        : (BY_NAME.get(upper) ?? BY_NAME.get(upper.replace(/\s+/g, "")));
      if (!oid) return bare;
      attributes.push({ oid, value: unescapeValue(part.slice(eq + 1)) });
    }
    rdns.push(attributes);
  }
  return rdns;
}

/** The attributes of subject text, flattened (see {@link parseRdns}). */
export function parseName(text: string): NameAttribute[] {
  return parseRdns(text).flat();
}

function encodeValue(oid: string, value: string): asn1js.BaseStringBlock {
  const kind = BY_OID.get(oid)?.kind ?? "utf8";
  switch (kind) {
    case "printable":
      if (/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) return new asn1js.PrintableString({ value });
      return new asn1js.Utf8String({ value });
    case "ia5":
      // biome-ignore lint/suspicious/noControlCharactersInRegex: IA5 is 7-bit ASCII.
      if (/^[\x00-\x7f]*$/.test(value)) return new asn1js.IA5String({ value });
      return new asn1js.Utf8String({ value });
    case "numeric":
      if (/^[0-9 ]*$/.test(value)) return new asn1js.NumericString({ value });
      return new asn1js.Utf8String({ value });
    default:
      return new asn1js.Utf8String({ value });
  }
}

/**
 * A pkijs Name for subject text (see {@link parseRdns}). The text lists the most specific RDN
 * first, as RFC 4514 does; the encoded name has them in the opposite, X.500, order, one SET per
 * RDN. (pkijs's own encoder would put every attribute into a single SET, that is one
 * multi-valued RDN, so the SEQUENCE OF SET is built here and read back into pkijs's class.)
 * @throws {CmsInputError} when the text is empty.
 */
export function buildName(text: string): pkijs.RelativeDistinguishedNames {
  const rdns = parseRdns(text).reverse();
  const sequence = new asn1js.Sequence({
    value: rdns.map(
      (rdn) =>
        new asn1js.Set({
          value: rdn.map((a) =>
            new pkijs.AttributeTypeAndValue({
              type: a.oid,
              value: encodeValue(a.oid, a.value),
            }).toSchema(),
          ),
        }),
    ),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(sequence.toBER(false));
}

/** RFC 4514 §2.4 escaping, plus the leading `#` and surrounding spaces. */
function escapeValue(value: string): string {
  let out = value.replace(/[\\,+"<>;]/g, "\\$&");
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

function valueText(value: unknown): string {
  if (value instanceof asn1js.BaseStringBlock) return escapeValue(value.valueBlock.value);
  if (value instanceof asn1js.BaseBlock) {
    // RFC 4514 §2.4: a value of a non-string type is written as # and the hex of its BER.
    return `#${toHex(new Uint8Array(value.toBER(false)))}`;
  }
  return "";
}

function attributeText(tv: pkijs.AttributeTypeAndValue): string {
  return `${BY_OID.get(tv.type)?.name ?? tv.type}=${valueText(tv.value)}`;
}

/**
 * Text of a name, most specific RDN first ("CN=Иван Иванов, O=Test, C=RU"), RDNs separated by
 * ", " as Windows and DSS show them and the attributes of a multi-valued RDN by "+". Unknown
 * attribute types appear as dotted OIDs.
 */
export function formatName(name: pkijs.RelativeDistinguishedNames): string {
  const schema = name.toSchema();
  const rdns: string[] = [];
  for (const set of schema.valueBlock.value) {
    if (!(set instanceof asn1js.Set)) continue;
    const parts = set.valueBlock.value.map((tv) =>
      attributeText(new pkijs.AttributeTypeAndValue({ schema: tv })),
    );
    rdns.push(parts.join("+"));
  }
  return rdns.reverse().join(", ");
}
