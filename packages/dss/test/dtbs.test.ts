import { readdirSync, readFileSync } from "node:fs";
import { bearerAuth } from "@trustspec/runtime";
import { parseXml } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { verifyCms } from "../src/cms/index.js";
import {
  buildDtbs,
  DTBS_DOCUMENT_TYPE,
  type DtbsDocument,
  dtbsTransaction,
  dtbsTransactionToken,
  encodeDtbs,
  formatDtbs,
  parseDtbs,
  XmlError,
} from "../src/dtbs.js";
import { DssEmulator } from "../src/emulator/index.js";
import * as sign from "../src/generated/signserver/client.gen.js";
import * as sts from "../src/generated/sts/client.gen.js";

/**
 * The displayed-data document (DTBS, guide §6.4): the guide's examples (specs/dss-common/examples/
 * dtbs) read, rebuilt and read again; what the builder writes validated against the schema
 * (specs/dss-common/dtbs.xsd) by libxml2; bad documents refused with the path of what is wrong;
 * and a signing transaction carrying a DTBS document (DocumentType = dtbs) through the emulator.
 */

const specs = new URL("../../../specs/dss-common/", import.meta.url);
const xsd = readFileSync(new URL("dtbs.xsd", specs), "utf8");
const examples = new URL("examples/dtbs/", specs);
const example = (name: string) => readFileSync(new URL(name, examples), "utf8");
const xmlExamples = readdirSync(examples).filter((f) => f.endsWith(".xml"));
const NS = "http://www.cryptopro.ru/schemas/2014/08/dtbs";

/** libxml2's verdict on a document against dtbs.xsd: the error messages, none when valid. */
async function schemaErrors(contents: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: "dtbs.xml", contents }],
    schema: [{ fileName: "dtbs.xsd", contents: xsd }],
  });
  return result.errors.map((e) => e.rawMessage);
}

/** Calls `f`, expecting an XmlError; returns it. */
function refusal(f: () => unknown): XmlError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(XmlError);
    return e as XmlError;
  }
  throw new Error("expected an XmlError");
}

const paths = (e: XmlError) => e.issues.map((i) => i.path);

describe("the guide's examples", () => {
  it("are the two examples the guide prints", () => {
    expect(xmlExamples.sort()).toEqual(["dtbs-6.4.xml", "dtbs-8.2.2.4.4.xml"]);
  });

  it.each(xmlExamples)("%s is valid against dtbs.xsd", async (name) => {
    expect(await schemaErrors(example(name))).toEqual([]);
  });

  it.each(xmlExamples)(
    "%s round-trips: parse, build, parse give the same document",
    async (name) => {
      const first = parseDtbs(example(name));
      const built = buildDtbs(first);
      expect(parseDtbs(built)).toEqual(first);
      expect(buildDtbs(parseDtbs(built))).toBe(built);
      expect(await schemaErrors(built)).toEqual([]);
    },
  );

  it("§6.4: four rows, text kept as written (quotes, spaces)", () => {
    expect(parseDtbs(example("dtbs-6.4.xml"))).toEqual({
      row: [
        { name: "Наименование документа", value: "Платёжное поручение" },
        { name: "Банк получателя", value: 'АКБ "Рога и копыта"' },
        { name: "Счёт получателя", value: "40781032100000000000" },
        { name: "Сумма платежа", value: "100 RUB" },
      ],
    });
  });

  it("§8.2.2.4.4: the builder writes the guide's bytes, whose Base64 the guide prints", () => {
    const text = example("dtbs-8.2.2.4.4.xml");
    const document = parseDtbs(text);
    expect(buildDtbs(document)).toBe(text);
    const printed = JSON.parse(example("transaction-8.2.2.4.4.json")) as { Document: string };
    expect(Buffer.from(encodeDtbs(document)).toString("base64")).toBe(printed.Document);
  });

  it("§8.2.2.4.4: dtbsTransaction gives the guide's transaction request", () => {
    const document = parseDtbs(example("dtbs-8.2.2.4.4.xml"));
    const body = dtbsTransaction(document, {
      certificateId: 6464,
      signatureType: "CMS",
      documentInfo: "documentname.pdf",
    });
    expect(body).toEqual(JSON.parse(example("transaction-8.2.2.4.4.json")));
    expect(body.Parameters).toContainEqual({ Name: "DocumentType", Value: DTBS_DOCUMENT_TYPE });
  });

  it("dtbsTransactionToken: the same transaction as the SOAP CreateTransactionToken request", () => {
    const document = parseDtbs(example("dtbs-8.2.2.4.4.xml"));
    const options = { certificateId: "6464", signatureType: "CMS", documentInfo: "x.pdf" } as const;
    const rest = dtbsTransaction(document, options);
    expect(dtbsTransactionToken(document, options)).toEqual({
      operationCode: "SignDocument",
      additionalParams: {
        DocumentInfo: "x.pdf",
        SignatureType: "CMS",
        CertificateID: "6464",
        DocumentType: "dtbs",
      },
      document: rest.Document,
    });
  });

  it("dtbsTransactionToken's fields are the WSDL's CreateTransactionToken elements, in order", () => {
    const wsdl = parseXml(
      readFileSync(
        new URL("../../../specs/dss-signservice/SignService.wsdl", import.meta.url),
        "utf8",
      ),
      { maxElements: 100_000 },
    );
    const XS = "http://www.w3.org/2001/XMLSchema";
    const declared = Array.from(wsdl.getElementsByTagNameNS(XS, "element")).find(
      (e) => e.getAttribute("name") === "CreateTransactionToken",
    );
    const fields = Array.from(declared!.getElementsByTagNameNS(XS, "element")).map((e) =>
      e.getAttribute("name"),
    );
    const request = dtbsTransactionToken(parseDtbs(example("dtbs-6.4.xml")), {
      certificateId: 1,
      signatureType: "CMS",
      documentInfo: "x",
    });
    expect(Object.keys(request)).toEqual(fields);
  });

  it("§6.4's rendering: «Name1 : Value1, Name2 : Value2»", () => {
    expect(formatDtbs(parseDtbs(example("dtbs-8.2.2.4.4.xml")))).toBe(
      "Номер счёта получателя : 1490690623, Номер счёта отправителя : 1490690633, Сумма : 100",
    );
    expect(formatDtbs({})).toBe("");
  });
});

describe("building", () => {
  const cases: [string, DtbsDocument, string][] = [
    ["no rows", {}, `<dtbs xmlns="${NS}"/>`],
    ["unattended", { unattendedSign: true }, `<dtbs xmlns="${NS}" unattendedSign="true"/>`],
    [
      "attended, said so",
      { row: [{ name: "a", value: "b" }], unattendedSign: false },
      `<dtbs xmlns="${NS}" unattendedSign="false"><row><name>a</name><value>b</value></row></dtbs>`,
    ],
    [
      "empty name and value",
      { row: [{ name: "", value: "" }] },
      `<dtbs xmlns="${NS}"><row><name/><value/></row></dtbs>`,
    ],
  ];

  it.each(cases)("%s: deterministic text, valid, round-trips", async (_, document, body) => {
    const text = buildDtbs(document);
    expect(text).toBe(`<?xml version="1.0" encoding="utf-8"?>${body}`);
    expect(await schemaErrors(text)).toEqual([]);
    const again = parseDtbs(text);
    expect(buildDtbs(again)).toBe(text);
  });

  it("markup, line breaks, tabs, edge spaces and characters beyond the BMP survive", async () => {
    const document: DtbsDocument = {
      row: [
        { name: "<&>\"'", value: "a & b < c > d" },
        { name: " leading and trailing ", value: "line\nbreak\r\nand\ttab" },
        { name: "]]>", value: "𝔇𝔖𝔖 ✓" },
      ],
    };
    const text = buildDtbs(document);
    expect(await schemaErrors(text)).toEqual([]);
    expect(parseDtbs(text)).toEqual(document);
  });

  it("an empty row list is the same as none", () => {
    expect(buildDtbs({ row: [] })).toBe(buildDtbs({}));
    expect(parseDtbs(buildDtbs({ row: [] }))).toEqual({});
  });

  it("refuses what the schema or §6.4's prose refuses, naming each path", () => {
    const wrong = {
      row: [{ name: "ok", value: "ok" }, { name: "n", value: 100 }, "row", { name: "a\u0001" }],
      unattendedSign: "yes",
    } as unknown as DtbsDocument;
    const e = refusal(() => buildDtbs(wrong));
    expect(e.reason).toBe("invalid");
    expect(paths(e)).toEqual([
      "/dtbs/@unattendedSign",
      "/dtbs/row[2]/value",
      "/dtbs/row[3]",
      "/dtbs/row[4]/name",
      "/dtbs/row[4]/value",
    ]);
    expect(e.message).toContain("/dtbs/row[2]/value must be a string");
    const unattended = refusal(() =>
      buildDtbs({ unattendedSign: true, row: [{ name: "a", value: "b" }] }),
    );
    expect(paths(unattended)).toEqual(["/dtbs/row"]);
    expect(paths(refusal(() => buildDtbs({ row: [{ name: "\uD800", value: "" }] })))).toEqual([
      "/dtbs/row[1]/name",
    ]);
    expect(paths(refusal(() => encodeDtbs(null as unknown as DtbsDocument)))).toEqual(["/dtbs"]);
  });
});

describe("parsing", () => {
  const open = `<dtbs xmlns="${NS}"`;

  it("reads UTF-8 bytes, with or without a byte order mark", () => {
    const document = { row: [{ name: "Сумма", value: "100" }] };
    const bytes = encodeDtbs(document);
    expect(parseDtbs(bytes)).toEqual(document);
    expect(parseDtbs(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]))).toEqual(document);
  });

  it("unattendedSign: the xs:boolean forms; absent stays absent", () => {
    expect(parseDtbs(`${open} unattendedSign="1"/>`)).toEqual({ unattendedSign: true });
    expect(parseDtbs(`${open} unattendedSign=" false "/>`)).toEqual({ unattendedSign: false });
    expect(parseDtbs(`${open}/>`)).toEqual({});
  });

  it("a prefixed namespace is the same document", () => {
    expect(
      parseDtbs(
        `<d:dtbs xmlns:d="${NS}"><d:row><d:name>a</d:name><d:value>b</d:value></d:row></d:dtbs>`,
      ),
    ).toEqual({ row: [{ name: "a", value: "b" }] });
  });

  it("refuses a DTD or entity declaration before reading", () => {
    const doctype = `<?xml version="1.0"?><!DOCTYPE dtbs [<!ENTITY x "y">]>${open}><row><name>&x;</name><value/></row></dtbs>`;
    expect(refusal(() => parseDtbs(doctype)).reason).toBe("forbidden");
  });

  it("refuses text that is not well-formed XML or not UTF-8", () => {
    expect(refusal(() => parseDtbs(`${open}><row>`)).reason).toBe("malformed");
    expect(refusal(() => parseDtbs(new Uint8Array([0x3c, 0xff, 0x3e]))).reason).toBe("malformed");
  });

  it("keeps to the reader's limits", () => {
    const rows = "<row><name>a</name><value>b</value></row>".repeat(10);
    const e = refusal(() => parseDtbs(`${open}>${rows}</dtbs>`, { limits: { maxElements: 20 } }));
    expect(e.reason).toBe("limit");
    expect(e.limit).toBe("maxElements");
  });

  const invalid: [string, string, string[]][] = [
    [
      "a bare row (valid against the schema, not a DTBS)",
      `<row xmlns="${NS}"><name>a</name><value>b</value></row>`,
      ["/row"],
    ],
    ["dtbs in no namespace", "<dtbs/>", ["/dtbs"]],
    [
      "a row without its value",
      `${open}><row><name>a</name><value>b</value></row><row><name>c</name></row></dtbs>`,
      ["/dtbs/row[2]/value"],
    ],
    [
      "value before name",
      `${open}><row><value>b</value><name>a</name></row></dtbs>`,
      // name is missing where it belongs, then found where it does not.
      ["/dtbs/row[1]/name", "/dtbs/row[1]/name"],
    ],
    [
      "an element that is not a row",
      `${open}><row><name>a</name><value>b</value></row><item/></dtbs>`,
      ["/dtbs/item[2]"],
    ],
    [
      "markup inside a value",
      `${open}><row><name>a</name><value><b>x</b></value></row></dtbs>`,
      ["/dtbs/row[1]/value"],
    ],
    ["an unknown attribute", `${open} mode="x"/>`, ["/dtbs/@mode"]],
    ["unattendedSign not a boolean", `${open} unattendedSign="yes"/>`, ["/dtbs/@unattendedSign"]],
    ["text among the rows", `${open}>loose text</dtbs>`, ["/dtbs"]],
  ];

  it.each(invalid)("refuses %s, naming the path", async (_, text, expected) => {
    const e = refusal(() => parseDtbs(text));
    expect(e.reason).toBe("invalid");
    expect(paths(e)).toEqual(expected);
    // libxml2 agrees, except on the bare row, which the schema allows as a root.
    if (!text.startsWith("<row")) expect(await schemaErrors(text)).not.toEqual([]);
  });

  it('refuses rows with unattendedSign="true", which the schema cannot (§6.4 prose)', async () => {
    const text = `${open} unattendedSign="true"><row><name>a</name><value>b</value></row></dtbs>`;
    expect(await schemaErrors(text)).toEqual([]);
    const e = refusal(() => parseDtbs(text));
    expect(paths(e)).toEqual(["/dtbs/row"]);
    expect(e.code).toBe("xml_invalid");
  });
});

describe("a signing transaction with a DTBS document, over REST through the emulator", () => {
  let dss: DssEmulator;
  let server: Awaited<ReturnType<DssEmulator["listen"]>>;

  beforeAll(async () => {
    dss = await DssEmulator.create({ users: [{ login: "demo", password: "demo" }] });
    server = await dss.listen();
  });

  afterAll(async () => {
    await server?.close();
    await dss?.close();
  });

  it("createTransaction (DocumentType = dtbs), confirm, sign: the CMS signs the DTBS bytes", async () => {
    const auth = await sts.token(sts.createDssStsClient({ baseUrl: `${server.url}/STS` }), {
      body: { grant_type: "password", username: "demo", password: "demo", client_id: "dss.sample" },
    });
    const client = (token: string) =>
      sign.createDssSignClient({
        baseUrl: `${server.url}/SignServer/rest/api`,
        auth: bearerAuth(token),
        validation: "strict",
      });
    const user = client(auth.data.access_token);
    const certificate = (await sign.listCertificates(user)).data[0]!;
    const document = parseDtbs(example("dtbs-6.4.xml"));
    const tx = await sign.createTransaction(user, {
      body: dtbsTransaction(document, {
        certificateId: certificate.ID,
        signatureType: "CMS",
        documentInfo: "Платёжное поручение",
      }),
    });
    const confirm = sts.createDssStsClient({
      baseUrl: `${server.url}/STS`,
      auth: bearerAuth(auth.data.access_token),
      validation: "strict",
    });
    const resource = `${server.url}/SignServer/rest`;
    const first = await sts.confirm(confirm, {
      body: { Resource: resource, TransactionTokenId: tx.data },
    });
    const challenge = first.data.Challenge!.TextChallenge[0]!;
    const last = await sts.confirm(confirm, {
      body: {
        Resource: resource,
        ChallengeResponse: { TextChallengeResponse: [{ RefId: challenge.RefID, Value: "123456" }] },
      },
    });
    expect(last.data).toMatchObject({ IsFinal: true, IsError: false });
    const signed = await sign.signDocument(client(last.data.AccessToken!), { body: {} });
    const cms = new Uint8Array(Buffer.from(signed.data, "base64"));
    const verified = await verifyCms(cms, {
      content: encodeDtbs(document),
      trusted: [dss.caCertificate],
    });
    expect(verified.valid).toBe(true);
  });
});
