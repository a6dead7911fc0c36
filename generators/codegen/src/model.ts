/**
 * The one internal model every input adapter produces and every emitter reads.
 * Schemas are JSON Schema 2020-12 objects whose references are rewritten to
 * `<bundleId>#/$defs/<Name>`, so the same objects serve validation and type emission.
 */

import type {
  XmlElementDescriptor,
  XmlName,
  XmlTypeDescriptor,
} from "@trustspec/runtime/xml-descriptors";

export type JsonSchema = Record<string, unknown>;

export interface EnumMember {
  name: string;
  value: string | number;
  description?: string;
}

export interface NamedSchema {
  name: string;
  schema: JsonSchema;
  description?: string;
  /** Named members of an enum (from `x-trustspec-enum`, or derived from string values). */
  enumMembers?: EnumMember[];
}

export interface ParamModel {
  name: string;
  in: "path" | "query" | "header";
  required: boolean;
  description?: string;
  kind: "string" | "integer" | "number" | "boolean";
  schema: JsonSchema;
}

export interface BodyModel {
  mediaType: string;
  required: boolean;
  schema: JsonSchema;
}

export interface ResponseHeaderModel {
  name: string;
  description?: string;
  required: boolean;
}

export interface ResponseModel {
  status: number | "default";
  description?: string;
  mediaType?: string;
  schema?: JsonSchema;
  headers: ResponseHeaderModel[];
}

export interface OperationModel {
  operationId: string;
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS";
  path: string;
  summary?: string;
  description?: string;
  params: ParamModel[];
  requestBody?: BodyModel;
  toleratedBody?: BodyModel;
  responses: ResponseModel[];
  /** Success status codes (2xx) in ascending order. */
  success: number[];
  /** Names of the security schemes any one of which authenticates the call. */
  security: string[];
  /** True when `{}` is among the alternatives: the call may also come without credentials. */
  anonymous?: boolean;
  discriminator?: string[];
  deprecated: boolean;
  /** The operation's own error body, where it differs from the API's (`errorFormat`). */
  errorFormat?: ErrorFormatModel;
}

export interface ResponseSignatureModel {
  algorithm: string;
  signatureHeader: string;
  signatureHeaderAliases: string[];
  queryIdHeader: string;
  signedContent: string;
}

export interface ErrorFormatModel {
  schema: string;
  /** Which field of the error body carries each part of an error. */
  fields: Partial<Record<"status" | "text" | "message" | "exception", string>>;
  /** `exception`: the message starts with the exception name in brackets, as `(EClass) text`. */
  messagePrefix?: "exception";
  /** Fields every error body carries with the same value (e.g. `IsError: true`). */
  constants?: Record<string, unknown>;
}

export interface ApiModel {
  /** The TypeScript name prefix: `Licence` gives `createLicenceClient`. */
  name: string;
  title: string;
  version: string;
  description?: string;
  source: string;
  bundleId: string;
  servers: { url: string; description?: string }[];
  schemas: NamedSchema[];
  operations: OperationModel[];
  securitySchemes: Record<string, { type: string; scheme?: string; description?: string }>;
  responseSignature?: ResponseSignatureModel;
  errorFormat?: ErrorFormatModel;
  /** XML types and global elements (WSDL or XSD input). */
  xml?: XmlModel;
  /** The SOAP service (WSDL input). */
  soap?: SoapModel;
  /**
   * Named schemas the package's own code checks (the manifest's `validators`): each gets a
   * compiled validator besides those the descriptors use.
   */
  checkedSchemas?: string[];
}

/* ---- XML Schema and SOAP (from WSDL/XSD input) ---------------------------------------------
 * The XML side of the model is the runtime's descriptor contract (@trustspec/runtime/xml-descriptors),
 * imported rather than restated: the emitters write it out as data, and one runtime codec reads
 * it. The JSON Schemas of the same types live in `schemas` like those of an OpenAPI document, so
 * types and validators are emitted by the same code for both inputs.
 */

export type * from "@trustspec/runtime/xml-descriptors";

/**
 * A global element: name, type, nillable, and the named JSON Schema of its value (`schema`: the
 * schema in `schemas` that checks it, its type's TypeScript name).
 */
export type XmlElementModel = XmlElementDescriptor;

export interface XmlModel {
  /** Every named XML type, by TypeScript name, with the XSD name it came from. */
  types: Record<string, XmlTypeDescriptor>;
  xsdNames: Record<string, XmlName>;
  /** Every global element, by a unique TypeScript-safe key. */
  elements: Record<string, XmlElementModel>;
}

export interface SoapOperationModel {
  name: string;
  /** The binding's soapAction. */
  action: string;
  /** The WS-Addressing actions the port type names (`wsaw:Action`). */
  inputAction?: string;
  outputAction?: string;
  description?: string;
  input: XmlElementModel;
  output?: XmlElementModel;
  /** The port type's `wsdl:fault`s: name, detail element and WS-Addressing action. */
  faults?: SoapFaultModel[];
}

/** A fault an operation declares: its name, the element its detail holds, its `wsaw:Action`. */
export interface SoapFaultModel {
  name: string;
  element: XmlName;
  action?: string;
}

export interface SoapModel {
  version: "1.1" | "1.2";
  /** The binding uses WS-Addressing 1.0 (see `usesAddressing` in `input/wsdl.ts` for the rule). */
  addressing?: boolean;
  serviceName: string;
  portName: string;
  bindingName: string;
  portType: string;
  address?: string;
  targetNamespace: string;
  operations: SoapOperationModel[];
  /**
   * The WSDL served by the server stub at `?wsdl`: the text as read, except that a relative
   * `schemaLocation` names the document's served copy (`?xsd=xsd0`, see `input/wsdl-served.ts`).
   */
  wsdl: string;
  /** The schema documents the WSDL reaches, served at `?xsd=<name>`, by name. */
  schemaDocuments?: Record<string, string>;
}
