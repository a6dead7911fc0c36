import { Document, type Element, type Node } from "@xmldom/xmldom";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  DEFAULT_XML_LIMITS,
  parseXml,
  XmlError,
  type XmlLimitName,
  type XmlLimits,
  xmlLimits,
} from "../src/xml/parse.js";

/** Runs `fn` and returns the XmlError it throws (fails the test when it throws anything else). */
function xmlError(fn: () => unknown): XmlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return e as XmlError;
  }
  throw new Error("expected an XmlError, nothing was thrown");
}

function kids(el: Element | Node): Node[] {
  const out: Node[] = [];
  for (let n = el.firstChild; n; n = n.nextSibling) out.push(n);
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("parseXml: what the DOM holds", () => {
  it("resolves default and prefixed namespaces and keeps xmlns attributes", () => {
    const root = parseXml('<r xmlns="urn:default" xmlns:p="urn:p"><p:c/><d><e xmlns=""/></d></r>');
    expect(root.localName).toBe("r");
    expect(root.namespaceURI).toBe("urn:default");
    const [c, d] = kids(root) as Element[];
    expect(c!.localName).toBe("c");
    expect(c!.prefix).toBe("p");
    expect(c!.namespaceURI).toBe("urn:p");
    expect(d!.namespaceURI).toBe("urn:default");
    const e = kids(d!)[0] as Element;
    expect(e.localName).toBe("e");
    expect(e.namespaceURI ?? null).toBeNull();

    // The declarations are attributes of the element, so prefixes can be looked up later (e.g.
    // the prefix of a QName in a fault code).
    expect(root.getAttribute("xmlns:p")).toBe("urn:p");
    expect(root.getAttribute("xmlns")).toBe("urn:default");
    expect(root.lookupNamespaceURI("p")).toBe("urn:p");
    expect(c!.lookupNamespaceURI("p")).toBe("urn:p");
    expect(e.lookupNamespaceURI("p")).toBe("urn:p");
    expect(root.lookupNamespaceURI("nope")).toBeNull();
  });

  it("puts prefixed attributes in their namespace and unprefixed ones in none", () => {
    const root = parseXml('<r xmlns="urn:d" xmlns:q="urn:q" plain="1" q:qual="2"/>');
    expect(root.getAttribute("plain")).toBe("1");
    expect(root.getAttributeNS("urn:q", "qual")).toBe("2");
    const plain = root.getAttributeNode("plain")!;
    expect(plain.namespaceURI ?? null).toBeNull();
    expect(plain.localName).toBe("plain");
    // The default namespace does not apply to attributes.
    expect(root.hasAttributeNS("urn:d", "plain")).toBe(false);
    const qual = root.getAttributeNode("q:qual")!;
    expect(qual.namespaceURI).toBe("urn:q");
    expect(qual.localName).toBe("qual");
    expect(qual.prefix).toBe("q");
  });

  it("keeps attributes whose names are also object property names", () => {
    const root = parseXml('<a __proto__="x" constructor="y" toString="z"/>');
    expect(root.getAttribute("__proto__")).toBe("x");
    expect(root.getAttribute("constructor")).toBe("y");
    expect(root.getAttribute("toString")).toBe("z");
    expect(root.attributes.length).toBe(3);
  });

  it("builds self-closing elements as empty elements and keeps siblings in order", () => {
    const root = parseXml("<a><b/><c x='1'/><d></d></a>");
    const children = kids(root) as Element[];
    expect(children.map((c) => c.localName)).toEqual(["b", "c", "d"]);
    for (const c of children) expect(c.childNodes.length).toBe(0);
    expect(children[1]!.getAttribute("x")).toBe("1");
    expect(parseXml("<only/>").localName).toBe("only");
  });

  it("keeps text and CDATA and decodes the predefined entities and character references", () => {
    const root = parseXml(
      "<a>x &amp; &lt;y&gt; &quot;&apos; &#65;&#x42;&#x10437;<![CDATA[<not & markup>]]>z</a>",
    );
    expect(root.textContent).toBe("x & <y> \"' AB\u{10437}<not & markup>z");
    const types = kids(root).map((n) => n.nodeType);
    expect(types).toContain(4); // a CDATA section stays one
    const cdata = kids(root).find((n) => n.nodeType === 4)!;
    expect(cdata.nodeValue).toBe("<not & markup>");
    const attr = parseXml('<a v="1 &lt; 2 &amp;&#x20;3"/>').getAttribute("v");
    expect(attr).toBe("1 < 2 & 3");
  });

  it("drops comments and processing instructions, and whitespace around the root", () => {
    const root = parseXml(
      '<?xml version="1.0" encoding="utf-8"?>\n  <!-- before -->\n<a><!-- inside --><?pi data?><b>t</b></a>\n<!-- after -->\n  ',
    );
    expect(root.localName).toBe("a");
    const children = kids(root);
    expect(children).toHaveLength(1);
    expect((children[0] as Element).localName).toBe("b");
    expect(kids(root.ownerDocument!)).toHaveLength(1);
    expect(root.ownerDocument!.documentElement).toBe(root);
  });

  it("keeps whitespace inside the root as text", () => {
    const root = parseXml("<a>\n  <b/>\n</a>");
    expect(kids(root).map((n) => n.nodeType)).toEqual([3, 1, 3]);
  });
});

describe("parseXml: limits", () => {
  const cases: {
    limit: XmlLimitName;
    value: number;
    at: string;
    over: string;
  }[] = [
    {
      limit: "maxDepth",
      value: 3,
      at: "<a><b><c/></b><b><c>t</c></b></a>",
      over: "<a><b><c><d/></c></b></a>",
    },
    {
      limit: "maxElements",
      value: 3,
      at: "<a><b/><c/></a>",
      over: "<a><b/><c/><d/></a>",
    },
    {
      limit: "maxAttributes",
      value: 2,
      at: '<a x="1" y="2"><b x="1" y="2"/></a>',
      over: '<a x="1" y="2" z="3"/>',
    },
    {
      limit: "maxTotalAttributes",
      value: 3,
      at: '<a x="1"><b y="1"/><c z="1"/></a>',
      over: '<a x="1"><b y="1"/><c z="1"/><d w="1"/></a>',
    },
    {
      limit: "maxNameLength",
      value: 8,
      at: '<p:abcdef xmlns:p="u"><abcdefgh attr1234="v"/></p:abcdef>',
      over: '<p:abcdefg xmlns:p="u"/>',
    },
    {
      limit: "maxTextLength",
      value: 10,
      at: '<a x="abc">de<![CDATA[fgh]]>ij</a>',
      over: '<a x="abc">de<![CDATA[fgh]]>ijk</a>',
    },
  ];

  it.each(cases)("$limit: exactly at $value passes, one over is refused", (c) => {
    const limits: Partial<XmlLimits> = { [c.limit]: c.value };
    expect(parseXml(c.at, limits).localName).toBeTruthy();
    const e = xmlError(() => parseXml(c.over, limits));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe(c.limit);
    expect(e.code).toBe("xml_limit");
    expect(e.message).toContain(`(${c.limit})`);
    expect(e.message).toContain(String(c.value));
    // Without the custom limit the same document is fine.
    expect(() => parseXml(c.over)).not.toThrow();
  });

  it("counts namespace declarations as attributes", () => {
    const e = xmlError(() => parseXml('<a xmlns="u" xmlns:p="v" x="1"/>', { maxAttributes: 2 }));
    expect(e.limit).toBe("maxAttributes");
    expect(parseXml('<a xmlns="u" xmlns:p="v"/>', { maxAttributes: 2 }).namespaceURI).toBe("u");
  });

  it("checks attribute names against maxNameLength", () => {
    const e = xmlError(() => parseXml('<a abcdefghi="1"/>', { maxNameLength: 8 }));
    expect(e.limit).toBe("maxNameLength");
  });

  it("counts decoded characters of text, not the entity references", () => {
    expect(parseXml("<a>&amp;&#x41;</a>", { maxTextLength: 2 }).textContent).toBe("&A");
    expect(xmlError(() => parseXml("<a>&amp;&#x41;b</a>", { maxTextLength: 2 })).limit).toBe(
      "maxTextLength",
    );
  });

  it("keeps the defaults for the limits not given", () => {
    // maxDepth is 2 here, the rest default: 100 siblings are fine.
    const root = parseXml(`<a>${"<b/>".repeat(100)}</a>`, { maxDepth: 2 });
    expect(root.childNodes.length).toBe(100);
  });
});

describe("parseXml: hostile documents are refused while reading", () => {
  it("260 000 flat siblings: refused at maxElements after building no more than the limit", () => {
    const create = vi.spyOn(Document.prototype, "createElementNS");
    const text = `<r>${"<a/>".repeat(260_000)}</r>`;
    const e = xmlError(() => parseXml(text));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe("maxElements");
    expect(create.mock.calls.length).toBe(DEFAULT_XML_LIMITS.maxElements);
  });

  it("100 000 nested elements: refused at maxDepth after building no more than the limit", () => {
    const create = vi.spyOn(Document.prototype, "createElementNS");
    const text = `${"<a>".repeat(100_000)}${"</a>".repeat(100_000)}`;
    const e = xmlError(() => parseXml(text));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe("maxDepth");
    expect(create.mock.calls.length).toBe(DEFAULT_XML_LIMITS.maxDepth);
  });

  it("60 000 attributes on one element: refused before the element is built", () => {
    const create = vi.spyOn(Document.prototype, "createElementNS");
    let attrs = "";
    for (let i = 0; i < 60_000; i++) attrs += ` a${i}="v"`;
    const e = xmlError(() => parseXml(`<r${attrs}/>`));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe("maxAttributes");
    expect(create).not.toHaveBeenCalled();
  });

  it("attributes spread over many elements: refused at maxTotalAttributes", () => {
    const el = `<e${Array.from({ length: 50 }, (_, i) => ` a${i}="v"`).join("")}/>`;
    const e = xmlError(() => parseXml(`<r>${el.repeat(500)}</r>`));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe("maxTotalAttributes");
  });

  it("a 100 000-character element name: refused at maxNameLength before it is built", () => {
    const create = vi.spyOn(Document.prototype, "createElementNS");
    const name = "n".repeat(100_000);
    const e = xmlError(() => parseXml(`<${name}/>`));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe("maxNameLength");
    expect(create).not.toHaveBeenCalled();
    expect(e.message.length).toBeLessThan(200);
  });

  it("text over maxTextLength: refused, with a custom limit and with the default one", () => {
    const createText = vi.spyOn(Document.prototype, "createTextNode");
    const small = xmlError(() =>
      parseXml(`<a>${"x".repeat(100_000)}</a>`, { maxTextLength: 1000 }),
    );
    expect(small.reason).toBe("limit");
    expect(small.limit).toBe("maxTextLength");
    expect(createText).not.toHaveBeenCalled();

    const big = xmlError(() =>
      parseXml(`<a>${"x".repeat(DEFAULT_XML_LIMITS.maxTextLength + 1)}</a>`),
    );
    expect(big.limit).toBe("maxTextLength");
    expect(big.message.length).toBeLessThan(200);
  });

  it("a long attribute value counts against maxTextLength", () => {
    const e = xmlError(() => parseXml(`<a v="${"x".repeat(5000)}"/>`, { maxTextLength: 1000 }));
    expect(e.limit).toBe("maxTextLength");
  });
});

describe("parseXml: forbidden and malformed input", () => {
  it.each([
    ["an internal subset with an entity", '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>'],
    ["an external DTD", '<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>'],
    ["a lower-case doctype", "<!doctype a><a/>"],
    [
      "billion laughs",
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><lolz>&lol2;</lolz>',
    ],
    ["an external entity", '<!DOCTYPE a [<!ENTITY xxe SYSTEM "http://evil.test/">]><a>&xxe;</a>'],
  ])("refuses %s as forbidden", (_, text) => {
    const e = xmlError(() => parseXml(text));
    expect(e.reason).toBe("forbidden");
    expect(e.code).toBe("xml_forbidden");
    expect(e.limit).toBeUndefined();
  });

  it.each([
    ["an unclosed tag", "<a><b></a>"],
    ["an unclosed root", "<a><b/>"],
    ["an unbound element prefix", "<p:a/>"],
    ["an unbound attribute prefix", '<a q:x="1"/>'],
    ["an undeclared entity", "<a>&nbsp;</a>"],
    ["two roots", "<a/><b/>"],
    ["text after the root", "<a/>text"],
    ["text before the root", "text<a/>"],
    ["no root", "   "],
    ["an empty document", ""],
    ["a duplicate attribute", '<a x="1" x="2"/>'],
    ["an unquoted attribute", "<a x=1/>"],
    ["a bare ampersand", "<a>fish & chips</a>"],
    ["a mismatched close tag", "<a></b>"],
  ])("refuses %s as malformed", (_, text) => {
    const e = xmlError(() => parseXml(text));
    expect(e.reason).toBe("malformed");
    expect(e.code).toBe("xml_malformed");
  });

  it("does not quote attribute values or long pieces of the input in its messages", () => {
    const secret = "hunter2-SECRET-abcdefghijklmnopqrstuvwxyz-0123456789";
    const docs = [
      `<a password="${secret}" password="${secret}"/>`,
      `<a password="${secret}"><b></a>`,
      `<a password="${secret}">&undefined;</a>`,
      `<a password="${secret}"/><b password="${secret}"/>`,
      `<a password="${secret}"/>${secret}`,
      `<a password="${secret} & more"/>`,
      `<a password="${secret} < more"/>`,
      `<a password=${secret}/>`,
      `<a p:password="${secret}"/>`,
    ];
    for (const text of docs) {
      const e = xmlError(() => parseXml(text));
      expect(e.reason).toBe("malformed");
      expect(e.message).not.toContain(secret);
      expect(e.message).not.toContain("SECRET");
    }
    const limited = xmlError(() => parseXml(`<a password="${secret}"/>`, { maxTextLength: 10 }));
    expect(limited.message).not.toContain("SECRET");
  });

  it("keeps messages short when the reader quotes a long name", () => {
    const prefix = "p".repeat(250);
    const e = xmlError(() => parseXml(`<${prefix}:a/>`));
    expect(e.reason).toBe("malformed");
    expect(e.message.length).toBeLessThan(200);
    expect(e.message).not.toContain(prefix.slice(0, 150));
    expect(e.message).not.toContain("\n");
  });
});

describe("xmlLimits", () => {
  it("replaces the given limits and keeps the defaults for the others", () => {
    const limits = xmlLimits({ maxDepth: 5, maxTextLength: 100 });
    expect(limits).toEqual({ ...DEFAULT_XML_LIMITS, maxDepth: 5, maxTextLength: 100 });
    expect(xmlLimits()).toEqual(DEFAULT_XML_LIMITS);
    expect(Object.isFrozen(DEFAULT_XML_LIMITS)).toBe(true);
  });

  it.each([0, -1, Number.NaN])("rejects %s", (v) => {
    for (const key of Object.keys(DEFAULT_XML_LIMITS) as XmlLimitName[]) {
      expect(() => xmlLimits({ [key]: v })).toThrow(RangeError);
      expect(() => xmlLimits({ [key]: v })).toThrow(key);
    }
    expect(() => parseXml("<a/>", { maxDepth: v })).toThrow(RangeError);
  });
});
