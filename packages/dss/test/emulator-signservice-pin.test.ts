/**
 * SetCertificateProperty over the emulator's SOAP Sign Service (token/transport/nosc on HTTPS):
 * the PIN change (PropertyType Pin, Value a PinInfo sent with xsi:type, as
 * «КриптоПро DSS. Руководство разработчика» ЖТЯИ.00096-02 97 01 §2.3.4, §2.6.3 Table 6, §2.6.6
 * Table 9 and §2.7.4 Table 22 describe it) and IsDefault given as an xs:boolean.
 */
import { bearerAuth } from "@trustspec/runtime";
import { XsiTyped } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DssEmulator } from "../src/emulator/index.js";
import * as rest from "../src/generated/signserver/client.gen.js";
import * as soap from "../src/generated/signservice/client.gen.js";
import { createSignServiceClient, type SignServiceClient } from "../src/soap/client.js";
import { DssSoapFaultError } from "../src/soap/faults.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

const DC = "http://schemas.datacontract.org/2004/07/CryptoPro.DSS.Common";

let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let fetch: typeof globalThis.fetch;
/** The request bodies the SOAP client sent. */
const sent: string[] = [];

beforeAll(async () => {
  dss = await DssEmulator.create({ ca: await testCa(), keyAlgorithm: "ECDSA" });
  server = await dss.listen({ https: true });
  fetch = fetchTrusting(dss.caCertificatePem);
});
afterAll(async () => {
  await server?.close();
  await dss?.close();
});

function soapClient(): SignServiceClient {
  return createSignServiceClient({
    baseUrl: server.url,
    endpoint: "token/transport/nosc",
    token: dss.issueSamlToken("demo"),
    fetch: async (input, init) => {
      if (typeof init?.body === "string") sent.push(init.body);
      return fetch(input, init);
    },
  });
}

function restClient(): rest.DssSignClient {
  return rest.createDssSignClient({
    baseUrl: `${server.url}/SignServer/rest/api`,
    auth: bearerAuth(dss.issueAccessToken("demo")),
    retry: false,
    fetch,
  });
}

const pinInfo = (Pin: string, NewPin: string) =>
  new XsiTyped({ ns: DC, local: "PinInfo" }, { NewPin, Pin }, "PinInfo");

async function code(p: Promise<unknown>): Promise<string | undefined> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(DssSoapFaultError);
  return (e as DssSoapFaultError).dssCode;
}

describe("SetCertificateProperty over SOAP", () => {
  it("changes the PIN with a PinInfo; a wrong current PIN is invalid_pin and changes nothing", async () => {
    const made = (
      await rest.createRequest(restClient(), {
        body: { AuthorityId: 1, PinCode: "1234", DistinguishedName: { "2.5.4.3": "ПИН по SOAP" } },
      })
    ).data;
    const id = made.CertificateID ?? 0;
    const c = soapClient();
    const sign = (pinCode: string) =>
      soap.signDocument(c, { document: "eA==", signatureType: "CMS", certificateID: id, pinCode });

    sent.length = 0;
    expect(
      await code(
        soap.setCertificateProperty(c, {
          id,
          property: { PropertyType: "Pin", Value: pinInfo("0000", "5678") },
        }),
      ),
    ).toBe("invalid_pin");
    expect((await sign("1234")).SignDocumentResult).toBeTruthy();
    // The value travels as DataContractSerializer writes a member typed object.
    expect(sent[0]).toMatch(/<Value xmlns:i="[^"]+" xmlns:t="[^"]+" i:type="t:PinInfo"/);

    await soap.setCertificateProperty(c, {
      id,
      property: { PropertyType: "Pin", Value: pinInfo("1234", "5678") },
    });
    expect((await sign("5678")).SignDocumentResult).toBeTruthy();
    expect(await code(sign("1234"))).toBe("invalid_pin");
  });

  it("refuses a Pin whose Value is not a PinInfo", async () => {
    const id = (await rest.listCertificates(restClient())).data[0]!.ID;
    expect(
      await code(
        soap.setCertificateProperty(soapClient(), {
          id,
          property: { PropertyType: "Pin", Value: "5678" },
        }),
      ),
    ).toBe("invalid_parameters");
  });

  it("takes IsDefault as an xs:boolean", async () => {
    const made = (
      await rest.createRequest(restClient(), {
        body: { AuthorityId: 1, DistinguishedName: { "2.5.4.3": "По умолчанию" } },
      })
    ).data;
    const id = made.CertificateID ?? 0;
    sent.length = 0;
    await soap.setCertificateProperty(soapClient(), {
      id,
      property: { PropertyType: "IsDefault", Value: true },
    });
    expect(sent[0]).toContain('i:type="xs:boolean"');
    expect((await rest.getCertificate(restClient(), { path: { key: id } })).data.IsDefault).toBe(
      true,
    );
  });
});
