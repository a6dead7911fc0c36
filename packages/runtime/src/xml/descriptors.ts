/**
 * The descriptor contract of the XML codec: the plain data that generated SOAP code (`xml.gen.ts`)
 * describes its XML types with, and the XSD facts both the code generator and the codec read.
 * The generator builds its model from these types and emits them as data; the codec decodes and
 * encodes by them. This module has no run-time dependencies and no side effects, so the generator
 * can import it without loading the codec.
 */

import type { CompiledSchema } from "../compiled.js";

/** A qualified XML name; `ns` is `null` for a name in no namespace (an unqualified local element). */
export interface XmlName {
  ns: string | null;
  local: string;
}

/** How the text of a simple value is read and written. */
export type XmlScalarKind = "string" | "integer" | "number" | "boolean" | "any";

/** A value of a built-in XSD type: its kind, and the XSD type name (`int`, `anyURI`, …). */
export interface XmlScalarType {
  scalar: XmlScalarKind;
  xsd: string;
}

/** The type of an element or attribute: a named XML type of the API, or a built-in scalar. */
export type XmlTypeRef = { ref: string } | XmlScalarType;

/** A child element in a complex type's content: its name, type, property and occurrence bounds. */
export interface XmlElementParticle {
  kind: "element";
  /** The property of the TypeScript object that carries it. */
  property: string;
  name: XmlName;
  type: XmlTypeRef;
  minOccurs: number;
  maxOccurs: number | "unbounded";
  nillable: boolean;
}

/** `xs:choice`: exactly one of the options (or none, when `minOccurs` is 0). */
export interface XmlChoiceParticle {
  kind: "choice";
  minOccurs: number;
  options: XmlElementParticle[];
}

/** One item of a complex type's content: an element or an `xs:choice`. */
export type XmlParticle = XmlElementParticle | XmlChoiceParticle;

/** An attribute of a complex type: its name, type, property and whether it is required. */
export interface XmlAttributeDescriptor {
  property: string;
  name: XmlName;
  type: XmlScalarType;
  required: boolean;
}

/** One named XML type: a complex type, a simple type, or a WCF DataContract dictionary. */
export type XmlTypeDescriptor =
  | {
      kind: "complex";
      /** Child elements in document order (an extension's base content comes first). */
      particles: XmlParticle[];
      attributes: XmlAttributeDescriptor[];
      /** `xs:simpleContent`: the element's text, carried in the property `Value`. */
      text?: XmlScalarType;
      /** Attributes from other namespaces are allowed (`xs:anyAttribute`) and ignored. */
      anyAttribute?: boolean;
    }
  | { kind: "simple"; type: XmlScalarType }
  | {
      /** `ArrayOfKeyValueOf…` with `IsDictionary`: entries become a record keyed by `Key`. */
      kind: "dictionary";
      entry: XmlName;
      key: XmlName;
      value: XmlName;
      keyType: XmlScalarType;
      valueType: XmlScalarType;
      valueNillable: boolean;
    };

/** The named XML types of one API, keyed by name. */
export type XmlTypes = Readonly<Record<string, XmlTypeDescriptor>>;

/** A global element: its name, its type and whether it may be `xsi:nil`. */
export interface XmlElementDescriptor {
  name: XmlName;
  type: XmlTypeRef;
  nillable: boolean;
  /** The named JSON Schema that checks the element's value (facets the codec does not). */
  schema?: string;
  /**
   * The validator of `schema`, compiled when the descriptor was generated. The SOAP client and
   * server stub check with it and refuse (a `ConfigurationError`) an element that names a
   * `schema` without it.
   */
  validate?: CompiledSchema;
}

/** The bounds of a built-in XSD integer type that a JavaScript number holds exactly. */
export interface XsdIntegerBounds {
  /** The smallest value, when the type has a lower bound. */
  readonly minimum?: number;
  /** The largest value, when the type has an upper bound. */
  readonly maximum?: number;
}

/**
 * The built-in XSD integer types, with the bounds of each that lie within the safe integers
 * (`long`, `integer` and the unbounded sides of the others have none here: a value beyond
 * `Number.MAX_SAFE_INTEGER` is refused anyway, as a number cannot carry it exactly). The generator
 * writes them into the JSON Schemas; the codec checks decoded text against them.
 */
export const XSD_INTEGER_BOUNDS: Readonly<Record<string, XsdIntegerBounds>> = {
  int: { minimum: -2147483648, maximum: 2147483647 },
  short: { minimum: -32768, maximum: 32767 },
  byte: { minimum: -128, maximum: 127 },
  unsignedInt: { minimum: 0, maximum: 4294967295 },
  unsignedShort: { minimum: 0, maximum: 65535 },
  unsignedByte: { minimum: 0, maximum: 255 },
  long: {},
  integer: {},
  unsignedLong: { minimum: 0 },
  nonNegativeInteger: { minimum: 0 },
  positiveInteger: { minimum: 1 },
  nonPositiveInteger: { maximum: 0 },
  negativeInteger: { maximum: -1 },
};
