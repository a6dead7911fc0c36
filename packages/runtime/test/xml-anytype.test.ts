import { describe, expect, it } from "vitest";
import {
  anyTypeOf,
  fromXml,
  toXml,
  type XmlElementDescriptor,
  type XmlElementParticle,
  type XmlTypes,
  XSD_NS,
  XSI_NS,
  XsiTyped,
} from "../src/xml/codec.js";
import { XmlError } from "../src/xml/parse.js";

const DC = "http://schemas.datacontract.org/2004/07/Test";

/** An optional, nillable member of the data-contract namespace. */
const member = (property: string, type: XmlElementParticle["type"]): XmlElementParticle => ({
  kind: "element",
  property,
  name: { ns: DC, local: property },
  type,
  minOccurs: 0,
  maxOccurs: 1,
  nillable: true,
});
const text = { scalar: "string", xsd: "string" } as const;

const types: XmlTypes = {
  Property: {
    kind: "complex",
    attributes: [],
    particles: [member("Name", text), member("Value", { scalar: "any", xsd: "anyType" })],
  },
  PinInfo: {
    kind: "complex",
    attributes: [],
    particles: [member("NewPin", text), member("Pin", text)],
  },
};

const property: XmlElementDescriptor = {
  name: { ns: DC, local: "Property" },
  type: { ref: "Property" },
  nillable: false,
};

const roundTrip = (value: unknown) => fromXml(types, property, toXml(types, property, value));

describe("xs:anyType members carry xsi:type", () => {
  it("writes the XSD built-in type of each JavaScript value, as DataContractSerializer needs", () => {
    const cases: [unknown, string, string][] = [
      ["text", "string", "text"],
      [true, "boolean", "true"],
      [42, "int", "42"],
      [-2147483648, "int", "-2147483648"],
      [2147483648, "long", "2147483648"],
      [1.5, "double", "1.5"],
      [Number.POSITIVE_INFINITY, "double", "INF"],
      [2n ** 40n, "long", "1099511627776"],
      [new Uint8Array([1, 2, 255]), "base64Binary", "AQL/"],
      [new Date(Date.UTC(2026, 0, 2, 3, 4, 5)), "dateTime", "2026-01-02T03:04:05.000Z"],
    ];
    for (const [value, xsd, text] of cases) {
      expect(anyTypeOf(value)).toEqual({ xsd, text });
      const xml = toXml(types, property, { Value: value });
      expect(xml).toContain(
        `<Value i:type="xs:${xsd}" xmlns:xs="${XSD_NS}" xmlns:i="${XSI_NS}">${text}</Value>`.replace(
          /<Value (i:type="[^"]*") (xmlns:xs="[^"]*") (xmlns:i="[^"]*")>/,
          (_m, t, xs, i) => `<Value ${xs} ${i} ${t}>`,
        ),
      );
    }
  });

  it("reads each value back as the JavaScript value it was written from", () => {
    const bytes = new Uint8Array([0, 1, 2, 250]);
    const when = new Date(Date.UTC(2026, 11, 3, 15, 30, 0, 123));
    for (const value of ["", "a < b & c", true, false, 7, -7, 2 ** 40, 0.25, bytes, when]) {
      expect(roundTrip({ Name: "n", Value: value })).toEqual({ Name: "n", Value: value });
    }
    expect((roundTrip({ Value: bytes }) as { Value: unknown }).Value).toBeInstanceOf(Uint8Array);
    expect((roundTrip({ Value: when }) as { Value: unknown }).Value).toBeInstanceOf(Date);
    expect(roundTrip({ Value: null })).toEqual({ Value: null });
  });

  it("reads the message WCF writes: another prefix, the namespace on the member", () => {
    const wcf = (inner: string) =>
      `<Property xmlns="${DC}" xmlns:i="${XSI_NS}"><Name>PIN</Name>${inner}</Property>`;
    expect(
      fromXml(types, property, wcf(`<Value i:type="b:string" xmlns:b="${XSD_NS}">1234</Value>`)),
    ).toEqual({ Name: "PIN", Value: "1234" });
    expect(
      fromXml(
        types,
        property,
        wcf(`<Value i:type="d4p1:boolean" xmlns:d4p1="${XSD_NS}">1</Value>`),
      ),
    ).toEqual({ Name: "PIN", Value: true });
    expect(
      fromXml(
        types,
        property,
        wcf(`<Value i:type="b:dateTime" xmlns:b="${XSD_NS}">2026-12-03T10:00:00</Value>`),
      ),
    ).toEqual({ Name: "PIN", Value: new Date(Date.UTC(2026, 11, 3, 10)) });
    expect(
      fromXml(types, property, wcf(`<Value i:type="b:decimal" xmlns:b="${XSD_NS}">1.10</Value>`)),
    ).toEqual({ Name: "PIN", Value: "1.10" });
    // Without xsi:type the member's text, as before.
    expect(fromXml(types, property, wcf("<Value>plain</Value>"))).toEqual({
      Name: "PIN",
      Value: "plain",
    });
  });

  it("reads a data contract named by xsi:type by the API's type, and writes it back", () => {
    const xml = `<Property xmlns="${DC}" xmlns:i="${XSI_NS}"><Value i:type="PinInfo"><NewPin>2</NewPin><Pin>1</Pin></Value></Property>`;
    const value = fromXml(types, property, xml) as { Value: XsiTyped };
    expect(value.Value).toBeInstanceOf(XsiTyped);
    expect(value.Value).toEqual(
      new XsiTyped({ ns: DC, local: "PinInfo" }, { NewPin: "2", Pin: "1" }, "PinInfo"),
    );
    const again = toXml(types, property, value);
    expect(again).toContain(`i:type="t:PinInfo"`);
    expect(fromXml(types, property, again)).toEqual(value);
  });

  it("keeps an unknown type's text or element", () => {
    const known = `<Property xmlns="${DC}" xmlns:i="${XSI_NS}" xmlns:x="urn:x">`;
    const text = fromXml(types, property, `${known}<Value i:type="x:Code">A1</Value></Property>`);
    expect(text).toEqual({ Value: new XsiTyped({ ns: "urn:x", local: "Code" }, "A1") });
    const el = fromXml(
      types,
      property,
      `${known}<Value i:type="x:Thing"><x:Part>1</x:Part></Value></Property>`,
    ) as { Value: XsiTyped };
    expect(el.Value.type).toEqual({ ns: "urn:x", local: "Thing" });
    expect((el.Value.value as Element).localName).toBe("Value");
    // Text written back as is under its type.
    expect(toXml(types, property, text)).toContain(`i:type="t:Code"`);
  });

  it("refuses a value that breaks its xsi:type, an undeclared prefix and an untyped object", () => {
    const bad = (inner: string) => () =>
      fromXml(types, property, `<Property xmlns="${DC}" xmlns:i="${XSI_NS}">${inner}</Property>`);
    expect(bad(`<Value i:type="b:int" xmlns:b="${XSD_NS}">x</Value>`)).toThrow(XmlError);
    expect(bad(`<Value i:type="b:base64Binary" xmlns:b="${XSD_NS}">*</Value>`)).toThrow(XmlError);
    expect(bad(`<Value i:type="b:dateTime" xmlns:b="${XSD_NS}">today</Value>`)).toThrow(XmlError);
    expect(bad(`<Value i:type="q:string">x</Value>`)).toThrow(/undeclared prefix/);
    expect(() => toXml(types, property, { Value: { a: 1 } })).toThrow(/XsiTyped/);
  });
});
