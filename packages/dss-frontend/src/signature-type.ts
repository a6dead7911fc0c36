// The `signaturetype` field: `type:param1=value1;…;paramN=valueN` (guide, §1.1, lines 290-294)
// with the signature formats and parameters of Table 1 (§2.1.1, lines 1022-1243).

import { DssFormInputError } from "./errors.js";
import {
  CadesType,
  PdfFormat,
  type SignatureFormat,
  type SignatureTypeValue,
  XmlDsigType,
} from "./generated/types.gen.js";
import { hasControlCharacters } from "./text.js";

type ParameterKind = "boolean" | "text" | readonly string[];

/** Table 1: each format's additional parameters, in the table's order, with their values. */
const TABLE_1: Record<SignatureFormat, Readonly<Record<string, ParameterKind>>> = {
  XMLDSig: { XMLDSigType: Object.values(XmlDsigType) },
  GOST3410: { Hash: "boolean" },
  CAdES: {
    CAdESType: Object.values(CadesType),
    IsDetached: "boolean",
    TSPAddress: "text",
    Hash: "boolean",
  },
  PDF: {
    PDFFormat: Object.values(PdfFormat),
    TSPAddress: "text",
    PDFReason: "text",
    PDFLocation: "text",
    PdfSignatureAppearance: "text",
    PdfSignatureTemplateId: "text",
  },
  MSOffice: {},
  CMS: { IsDetached: "boolean", Hash: "boolean" },
};

const FIELD = "signaturetype";

/** The Table 1 name that `name` spells, whatever its case. */
function canonical(name: string, names: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  return names.find((n) => n.toLowerCase() === lower);
}

/**
 * Encodes a signature type and its Table 1 parameters as the `signaturetype` field value:
 * `{ type: "CAdES", CAdESType: "BES", IsDetached: true }` gives `CAdES:CAdESType=BES;IsDetached=true`.
 * Names are written as Table 1 spells them, booleans as `true`/`false`, parameters in the table's
 * order; a format without parameters is its name alone.
 * @throws {DssFormInputError} for a format or parameter Table 1 does not have, a value not among
 *   a parameter's values, or a text value with `;`, `=` at its start or a control character (the
 *   grammar has no escape).
 */
export function encodeSignatureType(value: SignatureTypeValue): string {
  const format = canonical(String(value?.type ?? ""), Object.keys(TABLE_1)) as
    | SignatureFormat
    | undefined;
  if (!format || format !== value.type) {
    throw new DssFormInputError(
      FIELD,
      `unknown signature type; Table 1 has ${Object.keys(TABLE_1).join(", ")}`,
    );
  }
  const table = TABLE_1[format];
  const given = value as unknown as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (key !== "type" && !(key in table) && given[key] !== undefined) {
      throw new DssFormInputError(FIELD, `${format} has no parameter ${key} in Table 1`);
    }
  }
  const pairs: string[] = [];
  for (const [name, kind] of Object.entries(table)) {
    const v = given[name];
    if (v === undefined) continue;
    pairs.push(`${name}=${encodeValue(format, name, kind, v)}`);
  }
  return pairs.length > 0 ? `${format}:${pairs.join(";")}` : format;
}

function encodeValue(format: string, name: string, kind: ParameterKind, v: unknown): string {
  if (kind === "boolean") {
    if (typeof v !== "boolean") throw new DssFormInputError(FIELD, `${name} must be a boolean`);
    return String(v);
  }
  if (typeof v !== "string") throw new DssFormInputError(FIELD, `${name} must be a string`);
  if (Array.isArray(kind)) {
    if (!kind.includes(v)) {
      throw new DssFormInputError(FIELD, `${format} ${name} must be one of ${kind.join(", ")}`);
    }
    return v;
  }
  if (v.includes(";") || hasControlCharacters(v) || v.trim() === "") {
    throw new DssFormInputError(
      FIELD,
      `${name} must be non-empty text without ';' or control characters (the grammar has no escape)`,
    );
  }
  return v;
}

/**
 * Reads a `signaturetype` value: the inverse of {@link encodeSignatureType}, lenient where the
 * guide's own examples are: names in any case (`gost3410:hash=true`, line 841), a space around `=`
 * (`paramN =valueN`, line 292), `True`/`FALSE`. The result uses Table 1's spelling.
 * @throws {DssFormInputError} for a format or parameter Table 1 does not have, a parameter given
 *   twice, or a value not among the parameter's values.
 */
export function parseSignatureType(text: string): SignatureTypeValue {
  const colon = text.indexOf(":");
  const head = (colon < 0 ? text : text.slice(0, colon)).trim();
  const format = canonical(head, Object.keys(TABLE_1)) as SignatureFormat | undefined;
  if (!format) {
    throw new DssFormInputError(
      FIELD,
      `unknown signature type; Table 1 has ${Object.keys(TABLE_1).join(", ")}`,
    );
  }
  const table = TABLE_1[format];
  const result: Record<string, unknown> = { type: format };
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  for (const pair of rest === "" ? [] : rest.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) throw new DssFormInputError(FIELD, "a parameter without '='");
    const name = canonical(pair.slice(0, eq).trim(), Object.keys(table));
    if (!name) throw new DssFormInputError(FIELD, `${format} has no such parameter in Table 1`);
    if (name in result) throw new DssFormInputError(FIELD, `${name} is given twice`);
    const raw = pair.slice(eq + 1).trim();
    const kind = table[name]!;
    if (kind === "boolean") {
      const lower = raw.toLowerCase();
      if (lower !== "true" && lower !== "false") {
        throw new DssFormInputError(FIELD, `${name} must be true or false`);
      }
      result[name] = lower === "true";
    } else if (Array.isArray(kind)) {
      const member = canonical(raw, kind);
      if (!member) throw new DssFormInputError(FIELD, `${name} must be one of ${kind.join(", ")}`);
      result[name] = member;
    } else {
      result[name] = raw;
    }
  }
  return result as unknown as SignatureTypeValue;
}
