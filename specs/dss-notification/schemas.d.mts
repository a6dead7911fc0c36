/** One inline schema of a WSDL as a standalone document. */
export interface SchemaDocument {
  fileName: string;
  namespace: string;
  contents: string;
}

/**
 * Splits a WSDL's inline schemas into documents named `schema0.xsd`, `schema1.xsd`, …: the first
 * is the one to validate against, the others are preloaded.
 */
export function inlineSchemaDocuments(wsdlText: string): SchemaDocument[];
