import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { sampleFromSchema } from "@trustspec/runtime";
import { XSD_INTEGER_BOUNDS } from "@trustspec/runtime/xml-descriptors";
import { describe, expect, it } from "vitest";
import { readWsdl } from "../src/input/wsdl.js";
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

describe("XML Schema input: schema documents named by schemaLocation", () => {
  const dir = mkdtempSync(join(tmpdir(), "xsd-location-"));
  mkdirSync(join(dir, "common"));
  writeFileSync(
    join(dir, "common", "base.xsd"),
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:example:types" xmlns:ts="urn:trustspec:annotations" targetNamespace="urn:example:types" elementFormDefault="qualified">
  <xs:import namespace="urn:example:arrays" schemaLocation="arrays.xsd"/>
  <xs:simpleType name="Kind">
    <xs:annotation><xs:appinfo><ts:inferred>Codes not printed.</ts:inferred></xs:appinfo></xs:annotation>
    <xs:restriction base="xs:string"><xs:enumeration value="A"/><xs:enumeration value="B"/></xs:restriction>
  </xs:simpleType>
</xs:schema>`,
  );
  writeFileSync(
    join(dir, "common", "arrays.xsd"),
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:example:arrays" targetNamespace="urn:example:arrays" elementFormDefault="qualified">
  <xs:import namespace="urn:example:types" schemaLocation="base.xsd"/>
  <xs:complexType name="ArrayOfint"><xs:sequence><xs:element name="int" type="xs:int" minOccurs="0" maxOccurs="unbounded"/></xs:sequence></xs:complexType>
</xs:schema>`,
  );
  const main = join(dir, "main.xsd");
  writeFileSync(
    main,
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:example:types" xmlns:a="urn:example:arrays" targetNamespace="urn:example:types" elementFormDefault="qualified">
  <xs:include schemaLocation="common/base.xsd"/>
  <xs:import namespace="urn:example:arrays" schemaLocation="common/arrays.xsd"/>
  <xs:complexType name="Holder"><xs:sequence>
    <xs:element name="Kind" type="tns:Kind"/>
    <xs:element name="Ids" type="a:ArrayOfint"/>
  </xs:sequence></xs:complexType>
</xs:schema>`,
  );
  const options = { name: "Located", source: "main.xsd", file: main };

  it("reads included and imported documents, each once, cycles included", () => {
    const model = xsdToModel(readFileSync(main, "utf8"), options);
    expect(model.schemas.map((s) => s.name)).toEqual(["ArrayOfint", "Holder", "Kind"]);
  });

  it("keeps ts:inferred in the type's description", () => {
    const model = xsdToModel(readFileSync(main, "utf8"), options);
    expect(model.schemas.find((s) => s.name === "Kind")!.description).toBe(
      "Inferred: Codes not printed.",
    );
  });

  it("without the spec's path, does not follow schemaLocation (and names the missing type)", () => {
    expect(() =>
      xsdToModel(readFileSync(main, "utf8"), { name: "Located", source: "main.xsd" }),
    ).toThrow(/unknown type \{urn:example:types\}Kind/);
  });

  it("refuses a URL or a WCF ?xsd= location", () => {
    for (const location of ["http://example.com/x.xsd", "Service.svc?xsd=xsd0"]) {
      const text = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x"><xs:import namespace="urn:y" schemaLocation="${location}"/></xs:schema>`;
      expect(() => xsdToModel(text, options)).toThrow(/only relative file paths are followed/);
    }
  });

  it("refuses an imported document of another namespace than the import names", () => {
    const text = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:x"><xs:import namespace="urn:other" schemaLocation="common/arrays.xsd"/></xs:schema>`;
    expect(() => xsdToModel(text, options)).toThrow(
      /the target namespace is "urn:example:arrays", the import expects "urn:other"/,
    );
  });
});

describe("WSDL input: the DSS Sign Service spec", async () => {
  const file = fileURLToPath(
    new URL("../../../specs/dss-signservice/SignService.wsdl", import.meta.url),
  );
  const model = await readWsdl(file, {
    name: "DssSignService",
    source: "specs/dss-signservice/SignService.wsdl",
  });

  it("reads the 23 operations over SOAP 1.2 with their WS-Addressing actions, the policies aside", () => {
    expect(model.soap!.version).toBe("1.2");
    expect(model.soap!.portName).toBe("WSHttpBinding_ISignService");
    expect(model.soap!.operations).toHaveLength(23);
    const sign = model.soap!.operations.find((o) => o.name === "SignDocument")!;
    expect(sign.inputAction).toBe(
      "http://dss.cryptopro.ru/services/2014/06/ISignService/SignDocument",
    );
    expect(sign.action).toBe(sign.inputAction);
  });

  it("reads the data contracts from specs/dss-common through schemaLocation", () => {
    const names = model.schemas.map((s) => s.name);
    for (const n of [
      "DSSCertificate",
      "DSSPolicy",
      "SignatureParams",
      "DSSDecryptDocumentResponse",
      "PdfSignatureTemplate1",
      "ArrayOfKeyValueOfSignatureParamsstring",
    ]) {
      expect(names).toContain(n);
    }
    expect(model.schemas.find((s) => s.name === "PinCodeMode")!.description).toMatch(
      /^Режим ПИН-кода.*\n\nInferred: Codes not printed/s,
    );
  });
});

describe("XML Schema input: WCF's guid", () => {
  const schema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:ser="http://schemas.microsoft.com/2003/10/Serialization/" targetNamespace="http://schemas.microsoft.com/2003/10/Serialization/" elementFormDefault="qualified">
  <xs:simpleType name="guid"><xs:restriction base="xs:string"><xs:pattern value="[\\da-fA-F]{8}-[\\da-fA-F]{4}-[\\da-fA-F]{4}-[\\da-fA-F]{4}-[\\da-fA-F]{12}"/></xs:restriction></xs:simpleType>
  <xs:complexType name="Provider"><xs:sequence><xs:element name="Id" type="ser:guid" minOccurs="0"/></xs:sequence></xs:complexType>
</xs:schema>`;
  const model = xsdToModel(schema, { name: "Guid", source: "guid.xsd" });
  const guid = model.schemas.find((s) => s.name === "guid")!.schema;

  it("is a UUID string with its pattern, so a value made from the schema is one the pattern accepts", () => {
    expect(guid).toMatchObject({ type: "string", format: "uuid" });
    const bundle = {
      $id: model.bundleId,
      $defs: Object.fromEntries(model.schemas.map((s) => [s.name, s.schema])),
    };
    const value = sampleFromSchema(bundle, "guid", 3);
    expect(value).toMatch(new RegExp(guid.pattern as string, "u"));
  });

  it("is only WCF's: a guid of another namespace keeps its pattern alone", () => {
    const other = xsdToModel(
      schema
        .replace(/targetNamespace="[^"]*"/, 'targetNamespace="urn:example:ids"')
        .replace(/xmlns:ser="[^"]*"/, 'xmlns:ser="urn:example:ids"'),
      {
        name: "Ids",
        source: "ids.xsd",
      },
    );
    expect(other.schemas.find((s) => s.name === "guid")!.schema.format).toBeUndefined();
  });
});

describe("XML Schema input: a WCF dictionary keyed by an enumeration", () => {
  const schema = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:tns="urn:example:ids" targetNamespace="urn:example:ids" elementFormDefault="qualified">
  <xs:simpleType name="IdentifierType"><xs:restriction base="xs:string"><xs:enumeration value="Login"/><xs:enumeration value="Email"/></xs:restriction></xs:simpleType>
  <xs:simpleType name="Code"><xs:restriction base="xs:string"><xs:pattern value="[A-Z]+"/></xs:restriction></xs:simpleType>
  ${[
    ["IdentifierType", "tns:IdentifierType"],
    ["Code", "tns:Code"],
    ["string", "xs:string"],
  ]
    .map(
      ([n, t]) => `<xs:complexType name="ArrayOfKeyValueOf${n}string">
    <xs:annotation><xs:appinfo><IsDictionary xmlns="http://schemas.microsoft.com/2003/10/Serialization/">true</IsDictionary></xs:appinfo></xs:annotation>
    <xs:sequence><xs:element name="KeyValueOf${n}string" minOccurs="0" maxOccurs="unbounded"><xs:complexType><xs:sequence>
      <xs:element name="Key" type="${t}"/><xs:element name="Value" type="xs:string" nillable="true"/>
    </xs:sequence></xs:complexType></xs:element></xs:sequence>
  </xs:complexType>`,
    )
    .join("\n  ")}
</xs:schema>`;
  const model = xsdToModel(schema, { name: "Ids", source: "ids.xsd" });
  const byName = (n: string) => model.schemas.find((s) => s.name === n)!.schema;

  it("limits the keys to the enumeration's members (propertyNames), so a validator refuses others", () => {
    expect(byName("ArrayOfKeyValueOfIdentifierTypestring").propertyNames).toEqual({
      $ref: `${model.bundleId}#/$defs/IdentifierType`,
    });
  });

  it("leaves keys of a type that is no enumeration, and of a built-in, unlimited", () => {
    expect(byName("ArrayOfKeyValueOfCodestring").propertyNames).toBeUndefined();
    expect(byName("ArrayOfKeyValueOfstringstring").propertyNames).toBeUndefined();
  });
});
