import { XSD_INTEGER_BOUNDS } from "@trustspec/runtime/xml-descriptors";
import { describe, expect, it } from "vitest";
import { xsdToModel } from "../src/input/xsd.js";

describe("XML Schema input: built-in integer types", () => {
  const types = Object.keys(XSD_INTEGER_BOUNDS);
  const schema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:example:ints" elementFormDefault="qualified">
  <xs:complexType name="Ints"><xs:sequence>${types
    .map((t) => `<xs:element name="${t}" type="xs:${t}"/>`)
    .join("")}</xs:sequence></xs:complexType>
</xs:schema>`;
  const model = xsdToModel(schema, { name: "Ints", source: "ints.xsd" });
  const properties = model.schemas.find((s) => s.name === "Ints")!.schema.properties as Record<
    string,
    Record<string, unknown>
  >;

  it.each(types)("xs:%s has the runtime codec's bounds in its JSON Schema", (xsd) => {
    expect(properties[xsd]).toEqual({ type: "integer", ...XSD_INTEGER_BOUNDS[xsd] });
  });

  it("reads each as an integer scalar of its XSD type", () => {
    const ints = model.xml!.types.Ints!;
    expect(
      ints.kind === "complex" && ints.particles.map((p) => p.kind === "element" && p.type),
    ).toEqual(types.map((xsd) => ({ scalar: "integer", xsd })));
  });
});
