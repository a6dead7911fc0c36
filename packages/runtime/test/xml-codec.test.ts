import { describe, expect, it } from "vitest";
import type { ValidationIssue } from "../src/errors.js";
import {
  decodeElement,
  decodeRoot,
  encodeElement,
  escapeText,
  escapeXml,
  fromXml,
  readScalar,
  toXml,
  writeScalar,
  type XmlElementDescriptor,
  type XmlElementParticle,
  type XmlName,
  type XmlScalarType,
  type XmlTypes,
  XmlWriter,
  XSI_NS,
} from "../src/xml/codec.js";
import { parseXml, XmlError } from "../src/xml/parse.js";

const NS = "urn:test:orders";
const EXT = "urn:test:ext";
const ARR = "http://schemas.microsoft.com/2003/10/Serialization/Arrays";

const str: XmlScalarType = { scalar: "string", xsd: "string" };
const int: XmlScalarType = { scalar: "integer", xsd: "int" };
const dbl: XmlScalarType = { scalar: "number", xsd: "double" };
const bool: XmlScalarType = { scalar: "boolean", xsd: "boolean" };

function el(
  property: string,
  type: XmlElementParticle["type"],
  more: Partial<XmlElementParticle> = {},
): XmlElementParticle {
  return {
    kind: "element",
    property,
    name: { ns: NS, local: property },
    type,
    minOccurs: 1,
    maxOccurs: 1,
    nillable: false,
    ...more,
  };
}

const types: XmlTypes = {
  Order: {
    kind: "complex",
    attributes: [
      { property: "id", name: { ns: null, local: "id" }, type: int, required: true },
      { property: "status", name: { ns: null, local: "status" }, type: str, required: false },
      { property: "flag", name: { ns: EXT, local: "flag" }, type: bool, required: false },
    ],
    particles: [
      el("Customer", str),
      el("Line", { ref: "Line" }, { minOccurs: 0, maxOccurs: "unbounded" }),
      {
        kind: "choice",
        minOccurs: 1,
        options: [el("Card", str), el("Cash", { ref: "Amount" })],
      },
      el("Note", str, { minOccurs: 0, nillable: true }),
      el("Meta", { ref: "Meta" }, { minOccurs: 0, nillable: true }),
      el("Priority", { ref: "Priority" }, { minOccurs: 0 }),
      el("Ratio", dbl, { minOccurs: 0 }),
      el("Paid", bool, { minOccurs: 0 }),
      el("Tag", str, { minOccurs: 0, maxOccurs: 2 }),
    ],
  },
  Line: {
    kind: "complex",
    attributes: [],
    particles: [el("Sku", str), el("Qty", { scalar: "integer", xsd: "unsignedByte" })],
  },
  Amount: {
    kind: "complex",
    attributes: [
      { property: "currency", name: { ns: null, local: "currency" }, type: str, required: true },
    ],
    particles: [],
    text: { scalar: "number", xsd: "decimal" },
  },
  Meta: {
    kind: "dictionary",
    entry: { ns: ARR, local: "KeyValueOfintstring" },
    key: { ns: ARR, local: "Key" },
    value: { ns: ARR, local: "Value" },
    keyType: int,
    valueType: str,
    valueNillable: true,
  },
  Priority: { kind: "simple", type: { scalar: "integer", xsd: "short" } },
  Pair: {
    kind: "complex",
    attributes: [],
    particles: [el("First", str, { minOccurs: 2, maxOccurs: 3 })],
  },
  Open: {
    kind: "complex",
    attributes: [{ property: "a", name: { ns: null, local: "a" }, type: str, required: false }],
    particles: [],
    anyAttribute: true,
  },
};

const order: XmlElementDescriptor = {
  name: { ns: NS, local: "Order" },
  type: { ref: "Order" },
  nillable: false,
};

function root(local: string, type: string, nillable = false): XmlElementDescriptor {
  return { name: { ns: NS, local }, type: { ref: type }, nillable };
}

function invalidIssues(fn: () => unknown): ValidationIssue[] {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    expect((e as XmlError).reason).toBe("invalid");
    return [...(e as XmlError).issues];
  }
  throw new Error("expected an invalid XmlError");
}

const full = {
  id: 7,
  status: "open",
  flag: true,
  Customer: 'Ann <&> "Q"\r\nline two',
  Line: [
    { Sku: "A-1", Qty: 2 },
    { Sku: "B-2", Qty: 255 },
  ],
  Cash: { currency: "EUR", Value: 12.5 },
  Note: null,
  Meta: { "1": "one", "-5": null, "2147483647": "" },
  Priority: -32768,
  Ratio: Number.POSITIVE_INFINITY,
  Paid: false,
  Tag: ["x", "y"],
};

describe("codec round trips", () => {
  it("encodes and decodes a complex type with attributes, repeats, a choice, nil and a dictionary", () => {
    const xml = toXml(types, order, full);
    expect(xml.startsWith(`<Order xmlns="${NS}"`)).toBe(true);
    expect(xml).toContain(' id="7"');
    expect(xml).toContain(`xmlns:p1="${EXT}" `);
    expect(xml).toContain('p1:flag="true"');
    expect(xml).toContain(`<Note xmlns:i="${XSI_NS}" i:nil="true"/>`);
    expect(xml).toContain("<Ratio>INF</Ratio>");
    expect(xml).toContain('<Cash currency="EUR">12.5</Cash>');
    expect(xml).toContain("&lt;&amp;&gt;");
    expect(xml).toContain("&#13;");
    expect(fromXml(types, order, xml)).toEqual(full);
  });

  it("round-trips attribute values with tabs and line breaks", () => {
    const value = { id: 1, status: "a\tb\nc\r\nd  e", Customer: "c", Card: "x" };
    const xml = toXml(types, order, value);
    expect(xml).toContain('status="a&#9;b&#10;c&#13;&#10;d  e"');
    expect(fromXml(types, order, xml)).toEqual(value);
  });

  it("round-trips the other choice option and leaves absent optional members out", () => {
    const value = { id: 1, Customer: "", Card: "4111" };
    const xml = toXml(types, order, value);
    expect(xml).not.toContain("Line");
    expect(xml).not.toContain("Cash");
    expect(xml).not.toContain("status=");
    expect(fromXml(types, order, xml)).toEqual({ id: 1, Customer: "", Card: "4111" });
  });

  it("round-trips a single repeat as an array and an empty dictionary as an empty record", () => {
    const value = { id: 2, Customer: "c", Line: [{ Sku: "s", Qty: 0 }], Card: "x", Meta: {} };
    const xml = toXml(types, order, value);
    expect(xml).toContain(`<Meta/>`);
    expect(fromXml(types, order, xml)).toEqual(value);
  });

  it("round-trips NaN, -INF and a nil dictionary value", () => {
    const value = { id: 3, Customer: "c", Card: "x", Ratio: Number.NaN, Meta: { "9": null } };
    const back = fromXml(types, order, toXml(types, order, value)) as typeof value;
    expect(back.Ratio).toBeNaN();
    expect(back.Meta).toEqual({ "9": null });
    const neg = { id: 3, Customer: "c", Card: "x", Ratio: Number.NEGATIVE_INFINITY };
    expect(fromXml(types, order, toXml(types, order, neg))).toEqual(neg);
  });

  it("encodes a nil root for null and reads it back from a nillable element", () => {
    const desc = root("Order", "Order", true);
    const xml = toXml(types, desc, null);
    expect(xml).toBe(`<Order xmlns="${NS}" xmlns:i="${XSI_NS}" i:nil="true"/>`);
    expect(fromXml(types, desc, xml)).toBeNull();
  });

  it("decodes what another serializer wrote: prefixes, whitespace, comments, xsi:type", () => {
    const xml = `<o:Order xmlns:o="${NS}" xmlns:x="${EXT}" xmlns:a="${ARR}" xmlns:xsi="${XSI_NS}" id=" 12 " x:flag="1" xml:lang="en">
      <!-- a comment -->
      <o:Customer>Bob</o:Customer>
      <o:Card xsi:type="xs:string" xmlns:xs="http://www.w3.org/2001/XMLSchema">1234</o:Card>
      <o:Meta>
        <a:KeyValueOfintstring><a:Key>4</a:Key><a:Value>four</a:Value></a:KeyValueOfintstring>
      </o:Meta>
      <o:Priority> 5 </o:Priority>
      <o:Paid>true</o:Paid>
    </o:Order>`;
    expect(fromXml(types, order, xml)).toEqual({
      id: 12,
      flag: true,
      Customer: "Bob",
      Card: "1234",
      Meta: { "4": "four" },
      Priority: 5,
      Paid: true,
    });
  });

  it("keeps CDATA text as the value", () => {
    const xml = `<Order xmlns="${NS}" id="1"><Customer><![CDATA[<raw & text>]]></Customer><Card>c</Card></Order>`;
    expect((fromXml(types, order, xml) as { Customer: string }).Customer).toBe("<raw & text>");
  });
});

describe("codec: occurrences, choices and nil", () => {
  const wrap = (inner: string, attrs = ' id="1"') =>
    `<Order xmlns="${NS}"${attrs}>${inner}</Order>`;

  it("reports a missing required element and a missing required attribute", () => {
    const issues = invalidIssues(() => fromXml(types, order, wrap("<Card>c</Card>", "")));
    expect(issues).toContainEqual({ path: "/Order/@id", message: "is required" });
    expect(issues).toContainEqual({ path: "/Order/Customer", message: "is required" });
  });

  it("reports a choice with none of its options", () => {
    const issues = invalidIssues(() => fromXml(types, order, wrap("<Customer>c</Customer>")));
    expect(issues).toEqual([{ path: "/Order", message: "must have one of Card, Cash" }]);
  });

  it("takes one option of a choice only", () => {
    const issues = invalidIssues(() =>
      fromXml(
        types,
        order,
        wrap('<Customer>c</Customer><Card>1</Card><Cash currency="USD">1</Cash>'),
      ),
    );
    expect(issues).toEqual([
      { path: "/Order/Cash", message: `is not expected here ({${NS}}Cash)` },
    ]);
  });

  it("reports elements beyond maxOccurs and fewer than minOccurs", () => {
    const tags = "<Tag>1</Tag><Tag>2</Tag><Tag>3</Tag>";
    const issues = invalidIssues(() =>
      fromXml(types, order, wrap(`<Customer>c</Customer><Card>1</Card>${tags}`)),
    );
    expect(issues).toEqual([{ path: "/Order/Tag", message: `is not expected here ({${NS}}Tag)` }]);

    const pair = root("Pair", "Pair");
    expect(
      fromXml(types, pair, `<Pair xmlns="${NS}"><First>a</First><First>b</First></Pair>`),
    ).toEqual({
      First: ["a", "b"],
    });
    expect(
      invalidIssues(() => fromXml(types, pair, `<Pair xmlns="${NS}"><First>a</First></Pair>`)),
    ).toEqual([{ path: "/Pair/First", message: "must occur at least 2 times" }]);
  });

  it("reports elements out of order", () => {
    const issues = invalidIssues(() =>
      fromXml(types, order, wrap("<Card>1</Card><Customer>c</Customer>")),
    );
    expect(issues).toContainEqual({ path: "/Order/Customer", message: "is required" });
    expect(issues).toContainEqual({
      path: "/Order/Customer",
      message: `is not expected here ({${NS}}Customer)`,
    });
  });

  it("reads xsi:nil as null only where the element is nillable, and only when empty", () => {
    const nil = `xmlns:i="${XSI_NS}" i:nil="true"`;
    expect(
      fromXml(types, order, wrap(`<Customer>c</Customer><Card>1</Card><Note ${nil}/>`)),
    ).toEqual({ id: 1, Customer: "c", Card: "1", Note: null });
    expect(
      invalidIssues(() => fromXml(types, order, wrap(`<Customer ${nil}/><Card>1</Card>`))),
    ).toEqual([{ path: "/Order/Customer", message: "is xsi:nil but not nillable" }]);
    expect(
      invalidIssues(() =>
        fromXml(types, order, wrap(`<Customer>c</Customer><Card>1</Card><Note ${nil}>x</Note>`)),
      ),
    ).toEqual([{ path: "/Order/Note", message: "is xsi:nil but has content" }]);
    // xsi:nil="1" counts as well; "false" does not.
    expect(
      fromXml(
        types,
        order,
        wrap(`<Customer>c</Customer><Card>1</Card><Note xmlns:i="${XSI_NS}" i:nil="1"/>`),
      ),
    ).toMatchObject({ Note: null });
    expect(
      fromXml(
        types,
        order,
        wrap(
          `<Customer>c</Customer><Card>1</Card><Note xmlns:i="${XSI_NS}" i:nil="false">n</Note>`,
        ),
      ),
    ).toMatchObject({ Note: "n" });
  });

  it("reports text among elements and elements inside a simple value", () => {
    const issues = invalidIssues(() =>
      fromXml(types, order, wrap("stray<Customer>c<b/></Customer><Card>1</Card>")),
    );
    expect(issues).toContainEqual({
      path: "/Order",
      message: "has text where only elements are allowed",
    });
    expect(issues).toContainEqual({ path: "/Order/Customer", message: "must hold text only" });
  });
});

describe("codec: dictionaries and simple content", () => {
  const meta = root("Meta", "Meta");
  const kv = (k: string, v: string) =>
    `<KeyValueOfintstring><Key>${k}</Key>${v}</KeyValueOfintstring>`;

  it("decodes entries into a record keyed by Key", () => {
    const xml = `<Meta xmlns="${NS}" xmlns:a="${ARR}" xmlns:i="${XSI_NS}"><a:KeyValueOfintstring><a:Key>1</a:Key><a:Value>one</a:Value></a:KeyValueOfintstring><a:KeyValueOfintstring><a:Key>2</a:Key><a:Value i:nil="true"/></a:KeyValueOfintstring></Meta>`;
    expect(fromXml(types, meta, xml)).toEqual({ "1": "one", "2": null });
  });

  it("reports repeated keys, bad keys, wrong entries and entries of the wrong shape", () => {
    const entries = (inner: string) =>
      `<Meta xmlns="${NS}"><KeyValueOfintstring xmlns="${ARR}">${inner}</KeyValueOfintstring></Meta>`;
    const twice = `<Meta xmlns="${NS}" xmlns:a="${ARR}"><a:KeyValueOfintstring><a:Key>1</a:Key><a:Value>x</a:Value></a:KeyValueOfintstring><a:KeyValueOfintstring><a:Key>1</a:Key><a:Value>y</a:Value></a:KeyValueOfintstring></Meta>`;
    expect(invalidIssues(() => fromXml(types, meta, twice))).toEqual([
      { path: "/Meta/KeyValueOfintstring", message: "repeats the key 1" },
    ]);
    expect(
      invalidIssues(() => fromXml(types, meta, entries(`<Key>one</Key><Value>x</Value>`))),
    ).toEqual([{ path: "/Meta/KeyValueOfintstring/Key", message: "must be an xs:int" }]);
    expect(invalidIssues(() => fromXml(types, meta, entries(`<Value>x</Value>`)))).toEqual([
      { path: "/Meta/KeyValueOfintstring", message: "must hold Key then Value" },
    ]);
    expect(
      invalidIssues(() =>
        fromXml(types, meta, `<Meta xmlns="${NS}"><Entry>${kv("1", "")}</Entry></Meta>`),
      ),
    ).toEqual([
      { path: "/Meta/Entry", message: "is not expected here (expected KeyValueOfintstring)" },
    ]);
  });

  it("refuses a nil value where values are not nillable", () => {
    const strict: XmlTypes = {
      ...types,
      Meta: {
        ...(types.Meta as Extract<XmlTypes[string], { kind: "dictionary" }>),
        valueNillable: false,
      },
    };
    const xml = `<Meta xmlns="${NS}" xmlns:a="${ARR}" xmlns:i="${XSI_NS}"><a:KeyValueOfintstring><a:Key>1</a:Key><a:Value i:nil="true"/></a:KeyValueOfintstring></Meta>`;
    expect(invalidIssues(() => fromXml(strict, meta, xml))).toEqual([
      { path: "/Meta/KeyValueOfintstring/Value", message: "is not nillable" },
    ]);
  });

  it("reads simple content into Value next to the attributes", () => {
    const amount = root("Amount", "Amount");
    expect(fromXml(types, amount, `<Amount xmlns="${NS}" currency="RUB"> 1e3 </Amount>`)).toEqual({
      currency: "RUB",
      Value: 1000,
    });
    expect(toXml(types, amount, { currency: "RUB", Value: 0.25 })).toBe(
      `<Amount xmlns="${NS}" currency="RUB">0.25</Amount>`,
    );
    expect(
      invalidIssues(() =>
        fromXml(types, amount, `<Amount xmlns="${NS}" currency="X"><b/></Amount>`),
      ),
    ).toEqual([{ path: "/Amount", message: "must hold text only" }]);
    expect(
      invalidIssues(() => fromXml(types, amount, `<Amount xmlns="${NS}">abc</Amount>`)),
    ).toEqual([
      { path: "/Amount/@currency", message: "is required" },
      { path: "/Amount", message: "must be an xs:decimal" },
    ]);
  });
});

describe("codec: unknown content is reported with its path", () => {
  it("reports unknown elements and attributes, nested ones with their full path", () => {
    const xml = `<Order xmlns="${NS}" xmlns:e="urn:other" id="1" extra="x" e:flag="1"><Customer>c</Customer><Line><Sku>s</Sku><Qty>1</Qty><Colour>red</Colour></Line><Card>1</Card><Bogus/></Order>`;
    const issues = invalidIssues(() => fromXml(types, order, xml));
    expect(issues).toEqual(
      expect.arrayContaining([
        { path: "/Order/@extra", message: "is not a known attribute" },
        { path: "/Order/@flag", message: "is not a known attribute" },
        { path: "/Order/Line/Colour", message: `is not expected here ({${NS}}Colour)` },
        { path: "/Order/Bogus", message: `is not expected here ({${NS}}Bogus)` },
      ]),
    );
    expect(issues).toHaveLength(4);
    try {
      fromXml(types, order, xml);
    } catch (e) {
      expect((e as Error).message).toContain("/Order/@extra is not a known attribute");
      expect((e as Error).message).toContain("/Order/Bogus");
    }
  });

  it("ignores namespace declarations, xsi and xml attributes, and foreign ones with anyAttribute", () => {
    const open = root("Open", "Open");
    expect(
      fromXml(types, open, `<Open xmlns="${NS}" xmlns:z="urn:z" a="1" z:b="2" other="3"/>`),
    ).toEqual({ a: "1" });
    expect(
      fromXml(
        types,
        root("Line", "Line"),
        `<Line xmlns="${NS}" xmlns:i="${XSI_NS}" i:type="Line" xml:lang="en"><Sku>s</Sku><Qty>1</Qty></Line>`,
      ),
    ).toEqual({ Sku: "s", Qty: 1 });
  });

  it("refuses an element in the wrong namespace as a root and as a child", () => {
    expect(invalidIssues(() => fromXml(types, order, `<Order id="1"/>`))).toEqual([
      { path: "", message: `must be {${NS}}Order` },
    ]);
    const issues = invalidIssues(() =>
      fromXml(
        types,
        order,
        `<Order xmlns="${NS}" id="1"><Customer xmlns="urn:x">c</Customer><Card>1</Card></Order>`,
      ),
    );
    expect(issues).toContainEqual({ path: "/Order/Customer", message: "is required" });
    expect(issues).toContainEqual({
      path: "/Order/Customer",
      message: "is not expected here ({urn:x}Customer)",
    });
  });

  it("reports a reference to an unknown type", () => {
    const issues: ValidationIssue[] = [];
    const value = decodeElement(types, { ref: "Nope" }, parseXml("<a/>"), false, issues, "/a");
    expect(value).toBeUndefined();
    expect(issues).toEqual([{ path: "/a", message: "has an unknown type Nope" }]);
    expect(() =>
      encodeElement(types, { ref: "Nope" }, { ns: null, local: "a" }, {}, new XmlWriter()),
    ).toThrow("unknown XML type Nope");
  });
});

describe("codec: scalars", () => {
  const read = (text: string, type: XmlScalarType) => {
    const issues: ValidationIssue[] = [];
    const value = readScalar(text, type, issues, "/v");
    return issues.length ? { issues } : { value };
  };
  const integer = (xsd: string): XmlScalarType => ({ scalar: "integer", xsd });

  it.each([
    ["int", "2147483647", "2147483648"],
    ["int", "-2147483648", "-2147483649"],
    ["short", "32767", "32768"],
    ["short", "-32768", "-32769"],
    ["byte", "127", "128"],
    ["byte", "-128", "-129"],
    ["unsignedByte", "255", "256"],
    ["unsignedByte", "0", "-1"],
    ["unsignedShort", "65535", "65536"],
    ["unsignedInt", "4294967295", "4294967296"],
    ["long", String(Number.MAX_SAFE_INTEGER), "9223372036854775807"],
    ["positiveInteger", "1", "0"],
    ["nonNegativeInteger", "0", "-1"],
    ["unsignedLong", "0", "-1"],
    ["nonPositiveInteger", "0", "1"],
    ["negativeInteger", "-1", "0"],
  ])("xs:%s: %s is in range, %s is not", (xsd, inside, outside) => {
    expect(read(inside, integer(xsd))).toEqual({ value: Number(inside) });
    expect(read(outside, integer(xsd))).toEqual({
      issues: [{ path: "/v", message: `must be an xs:${xsd}` }],
    });
  });

  it("reads integer text strictly", () => {
    expect(read(" +42 ", int)).toEqual({ value: 42 });
    expect(read("-0", int).value).toBe(-0);
    for (const bad of ["", "1.0", "1e3", "0x10", "12a", "１２", "- 1", "123456789012345678901"])
      expect(read(bad, int)).toHaveProperty("issues");
  });

  it("reads booleans as true/false/1/0 only", () => {
    expect(read("true", bool)).toEqual({ value: true });
    expect(read(" 1 ", bool)).toEqual({ value: true });
    expect(read("false", bool)).toEqual({ value: false });
    expect(read("0", bool)).toEqual({ value: false });
    for (const bad of ["TRUE", "yes", "", "2", "False"])
      expect(read(bad, bool)).toEqual({
        issues: [{ path: "/v", message: "must be an xs:boolean" }],
      });
  });

  it("reads doubles with INF, -INF and NaN, and refuses JavaScript spellings", () => {
    expect(read("INF", dbl)).toEqual({ value: Number.POSITIVE_INFINITY });
    expect(read("-INF", dbl)).toEqual({ value: Number.NEGATIVE_INFINITY });
    expect(read("NaN", dbl).value).toBeNaN();
    expect(read("1.5E-3", dbl)).toEqual({ value: 0.0015 });
    expect(read(".5", dbl)).toEqual({ value: 0.5 });
    expect(read("-12.", dbl)).toEqual({ value: -12 });
    for (const bad of ["Infinity", "inf", "nan", "", "1.2.3", "0x1", "1e", "abc"])
      expect(read(bad, dbl)).toEqual({ issues: [{ path: "/v", message: "must be an xs:double" }] });
  });

  it("keeps strings as they are, whitespace included", () => {
    expect(read("  a b  ", str)).toEqual({ value: "  a b  " });
    expect(read("", str)).toEqual({ value: "" });
  });

  it("writes scalars in their XSD spelling", () => {
    expect(writeScalar(Number.POSITIVE_INFINITY, dbl)).toBe("INF");
    expect(writeScalar(Number.NEGATIVE_INFINITY, dbl)).toBe("-INF");
    expect(writeScalar(Number.NaN, dbl)).toBe("NaN");
    expect(writeScalar(1.25, dbl)).toBe("1.25");
    expect(writeScalar(true, bool)).toBe("true");
    expect(writeScalar(false, bool)).toBe("false");
    expect(writeScalar(-7, int)).toBe("-7");
    expect(writeScalar("x", str)).toBe("x");
  });
});

describe("escaping and the writer", () => {
  it("escapes markup characters and carriage returns", () => {
    expect(escapeText(`a<b>&"c'\r`)).toBe(`a&lt;b&gt;&amp;"c'&#13;`);
    expect(escapeXml(`a<b>&"c\r`)).toBe("a&lt;b&gt;&amp;&quot;c&#13;");
    expect(escapeXml("a\tb\nc")).toBe("a&#9;b&#10;c");
  });

  it("survives a parse: text and attribute values come back unchanged", () => {
    const tricky = `<&>"' \r\n\t x`;
    const w = new XmlWriter();
    const name: XmlName = { ns: "urn:a", local: "e" };
    w.open(name, [{ name: { ns: null, local: "v" }, value: tricky }]);
    w.text(tricky);
    w.close();
    const back = parseXml(w.toString());
    expect(back.textContent).toBe(tricky);
    expect(back.getAttribute("v")).toBe(tricky);
  });

  it("switches the default namespace as the element namespaces change", () => {
    const w = new XmlWriter();
    w.open({ ns: "urn:a", local: "a" });
    w.leaf({ ns: "urn:a", local: "same" }, "1");
    w.leaf({ ns: null, local: "none" }, "2");
    w.open({ ns: "urn:b", local: "b" });
    w.leaf({ ns: "urn:b", local: "inner" }, undefined);
    w.close();
    w.leaf({ ns: "urn:a", local: "after" }, "3");
    w.close();
    const xml = w.toString();
    expect(xml).toBe(
      '<a xmlns="urn:a"><same>1</same><none xmlns="">2</none><b xmlns="urn:b"><inner/></b><after>3</after></a>',
    );
    const root = parseXml(xml);
    const names = [];
    for (let n = root.firstChild; n; n = n.nextSibling) {
      const e = n as unknown as { localName: string; namespaceURI: string | null };
      names.push(`${e.namespaceURI ?? ""}|${e.localName}`);
    }
    expect(names).toEqual(["urn:a|same", "|none", "urn:b|b", "urn:a|after"]);
  });

  it("writes a prefixed element with its declarations", () => {
    const w = new XmlWriter();
    w.open({ ns: "urn:s", local: "Env" }, [], { prefix: "s", declare: { s: "urn:s" } });
    w.raw("<x/>");
    w.close();
    expect(w.toString()).toBe('<s:Env xmlns:s="urn:s"><x/></s:Env>');
  });
});

describe("decodeRoot and fromXml", () => {
  it("decodes an element already parsed", () => {
    const el = parseXml(`<Line xmlns="${NS}"><Sku>s</Sku><Qty>3</Qty></Line>`);
    expect(decodeRoot(types, root("Line", "Line"), el)).toEqual({ Sku: "s", Qty: 3 });
  });

  it("passes the XML limits to the parser", () => {
    const line = root("Line", "Line");
    const xml = `<Line xmlns="${NS}"><Sku>s</Sku><Qty>3</Qty></Line>`;
    expect(fromXml(types, line, xml, { maxDepth: 2 })).toEqual({ Sku: "s", Qty: 3 });
    for (const [limits, name] of [
      [{ maxDepth: 1 }, "maxDepth"],
      [{ maxElements: 2 }, "maxElements"],
      [{ maxTextLength: 1 }, "maxTextLength"],
    ] as const) {
      try {
        fromXml(types, line, xml, limits);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(XmlError);
        expect((e as XmlError).reason).toBe("limit");
        expect((e as XmlError).limit).toBe(name);
      }
    }
  });

  it("refuses forbidden and malformed text before decoding", () => {
    const line = root("Line", "Line");
    expect(() => fromXml(types, line, `<!DOCTYPE x><Line xmlns="${NS}"/>`)).toThrow(
      expect.objectContaining({ reason: "forbidden" }),
    );
    expect(() => fromXml(types, line, `<Line xmlns="${NS}">`)).toThrow(
      expect.objectContaining({ reason: "malformed" }),
    );
  });
});
