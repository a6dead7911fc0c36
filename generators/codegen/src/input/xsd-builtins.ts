import { XSD_INTEGER_BOUNDS } from "@trustspec/runtime/xml-descriptors";
import type { JsonSchema, XmlScalarType } from "../model.js";

/** Built-in XSD types: how their text is read, and their JSON Schema. */
export function builtin(local: string): { type: XmlScalarType; schema: JsonSchema } | undefined {
  if (Object.hasOwn(XSD_INTEGER_BOUNDS, local)) {
    return {
      type: { scalar: "integer", xsd: local },
      schema: { type: "integer", ...XSD_INTEGER_BOUNDS[local] },
    };
  }
  switch (local) {
    case "float":
    case "double":
      return { type: { scalar: "number", xsd: local }, schema: { type: "number" } };
    case "decimal":
      return {
        type: { scalar: "string", xsd: local },
        schema: { type: "string", pattern: "^[+-]?(\\d+(\\.\\d*)?|\\.\\d+)$" },
      };
    case "boolean":
      return { type: { scalar: "boolean", xsd: local }, schema: { type: "boolean" } };
    case "anyType":
    case "anySimpleType":
      return { type: { scalar: "any", xsd: local }, schema: {} };
    case "string":
    case "normalizedString":
    case "token":
    case "anyURI":
    case "QName":
    case "NCName":
    case "Name":
    case "ID":
    case "IDREF":
    case "language":
    case "base64Binary":
    case "hexBinary":
    case "duration":
    case "dateTime":
    case "date":
    case "time":
    case "gYear":
    case "gYearMonth":
    case "gMonth":
    case "gMonthDay":
    case "gDay":
      return { type: { scalar: "string", xsd: local }, schema: { type: "string" } };
    default:
      return undefined;
  }
}
