import { readdirSync, readFileSync } from "node:fs";
import { ValidationError } from "@trustspec/runtime";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDssUmsSoapClient, registerUser } from "../src/generated/ums-soap/client.gen.js";
import { type ReceivedCall, recordingStub } from "./ums-soap-support.js";

// The example corpus of specs/dss-ums-soap (its check validates every message against the XSD
// with libxml2) read by the generated server stub: each request is accepted and decoded, the C#
// samples' requests of §4.4 included, and the one printed with a defect is refused for it.
const spec = new URL("../../../specs/dss-ums-soap/examples/", import.meta.url);
const csharp = new URL("csharp-4.4/", spec);
const requests = (dir: URL) =>
  readdirSync(dir)
    .filter((f) => f.endsWith(".xml"))
    .map((f) => [f, readFileSync(new URL(f, dir), "utf8")] as const)
    .filter(([, text]) => !/<\w+Response\b|<s:Fault>/.test(text));

let stub: Awaited<ReturnType<typeof recordingStub>>;
let endpoint: string;
let received: ReceivedCall[];
beforeAll(async () => {
  stub = await recordingStub();
  endpoint = stub.endpoint;
  received = stub.received;
});
afterAll(() => stub.close());

async function post(text: string) {
  const action = /<w:Action[^>]*>([^<]+)</.exec(text)![1]!;
  // The examples leave the addressing headers other than wsa:Action out; a WCF client sends them.
  const addressed = text.replace(
    "</s:Header>",
    `  <w:MessageID>urn:uuid:6f7d0c1e-2b3a-4c5d-8e9f-0a1b2c3d4e5f</w:MessageID>\n    <w:To s:mustUnderstand="1">${endpoint}</w:To>\n  </s:Header>`,
  );
  received.length = 0;
  const res = await fetch(endpoint, {
    method: "POST",
    headers: { "content-type": `application/soap+xml; charset=utf-8; action="${action}"` },
    body: addressed,
  });
  return { res, body: await res.text() };
}

describe("the example corpus read by the generated server stub", () => {
  const ours = requests(spec);
  const samples = requests(csharp);

  it("has a request of each of the 30 operations and the 25 requests of §4.4", () => {
    const names = new Set(ours.map(([, t]) => /<s:Body>\s*<(\w+)/.exec(t)![1]));
    expect(names.size).toBe(30);
    expect(samples).toHaveLength(25);
  });

  it.each([...ours, ...samples.filter(([f]) => !f.includes("as-printed"))])(
    "accepts %s",
    async (_file, text) => {
      const { res, body } = await post(text);
      expect(res.status, body).toBe(200);
      expect(received).toHaveLength(1);
      expect(text).toContain(`/IUserManagementService/${received[0]!.operation}<`);
    },
  );

  // UserProperty.Value is xs:anyType: read by its xsi:type (xs:boolean, xs:string) into the
  // JavaScript value, as the codec also writes it with xsi:type for a WCF service to read.
  it("decodes the values: identifiers by type, the DN by component id, typed objects, nil as null", async () => {
    const read = async (file: string, dir = spec) => {
      await post(readFileSync(new URL(file, dir), "utf8"));
      return received[0]!.message;
    };
    expect(await read("RegisterUser.xml")).toEqual({
      identifiers: { Login: "RestTestUser", Email: "test@cp.ru", PhoneNumber: "+79150510528" },
      groupName: "Default",
    });
    expect(await read("SetUserProperty-AccountState.xml")).toMatchObject({
      userId: "19a9e99c-8490-4c7d-b984-ab78cbdae066",
      property: { PropertyType: "AccountState", Value: true },
    });
    expect(await read("SetUserProperty-DisplayName.xml")).toMatchObject({
      property: { PropertyType: "DisplayName", Value: "Иванов Иван Иванович" },
    });
    expect(await read("4.4.7-SetUserDistinguishName.xml", csharp)).toMatchObject({
      components: { 11: "SampleCN", 9: "SampleOrg" },
    });
    expect(await read("4.4.1-RegisterUser.xml", csharp)).toEqual({
      identifiers: { Login: "SampleLogin" },
      groupName: null,
    });
  });

  it("refuses an identifier type that IdentifierType does not have (RegisterUser), changing nothing", async () => {
    const text = readFileSync(new URL("RegisterUser.xml", spec), "utf8").replace(
      "<b:Key>Email</b:Key>",
      "<b:Key>Mail</b:Key>",
    );
    const { res, body } = await post(text);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(body).toContain("/identifiers");
    expect(received).toHaveLength(0);
    const client = createDssUmsSoapClient({ url: endpoint });
    const error = await registerUser(client, { identifiers: { Mail: "x@cp.ru" } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(received).toHaveLength(0);
  });

  it("refuses §4.4.9 as printed, for its second filter's column PhoneNumberComfirmed (no member)", async () => {
    const [, text] = samples.find(([f]) => f.includes("as-printed"))!;
    const { res, body } = await post(text);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(body).toContain("/request/Filters/UserFilter/1/Column must be one of");
    expect(received).toHaveLength(0);
  });
});
