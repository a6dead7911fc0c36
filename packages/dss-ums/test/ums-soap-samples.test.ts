import { sampleFromSchema } from "@trustspec/runtime";
import { OPERATIONS } from "@trustspec-private/spec-dss-ums-soap/operations";
import soap from "soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as generatedClient from "../src/generated/ums-soap/client.gen.js";
import { schemas } from "../src/generated/ums-soap/schemas.gen.js";
import { service } from "../src/generated/ums-soap/soap.gen.js";
import { recordingStub } from "./ums-soap-support.js";

// The user management SOAP contract (specs/dss-ums-soap, generated into src/generated/ums-soap and
// not exported yet) exercised whole: for every operation a request made from its input element's
// schema goes through the generated client, over HTTP on 127.0.0.1 with WS-Addressing 1.0 (the
// binding's, no message security), to the generated server stub, whose handler must receive
// exactly it; the answer, made from the output element's schema, must come back exactly.

type Call = (client: unknown, input: unknown) => Promise<unknown>;
let stub: Awaited<ReturnType<typeof recordingStub>>;
let endpoint: string;
beforeAll(async () => {
  stub = await recordingStub();
  endpoint = stub.endpoint;
});
afterAll(() => stub.close());

describe("UserManagement.svc: generated client to generated server stub over HTTP", () => {
  it("has the 30 operations of the guide's §4.1, each with its WS-Addressing actions", () => {
    const ops = Object.values(service.operations);
    expect(ops.map((o) => o.name)).toEqual(OPERATIONS);
    for (const op of ops) {
      expect(op.action).toBe(
        `http://dss.cryptopro.ru/services/2014/06/IUserManagementService/${op.name}`,
      );
      expect(op.outputAction).toBe(`${op.action}Response`);
    }
  });

  for (const seed of [1, 7]) {
    it.each(OPERATIONS)(`round-trips %s (seed ${seed})`, async (name) => {
      const op = Object.values(service.operations).find((o) => o.name === name)!;
      const request = sampleFromSchema(schemas, op.input.schema!, seed);
      const answer = sampleFromSchema(schemas, op.output!.schema!, seed + 100);
      stub.answers.set(name, answer);
      stub.received.length = 0;
      const client = generatedClient.createDssUmsSoapClient({ url: endpoint });
      const call = (generatedClient as unknown as Record<string, Call>)[
        name[0]!.toLowerCase() + name.slice(1)
      ]!;
      expect(call, `the generated function of ${name}`).toBeTypeOf("function");
      const result = await call(client, request);
      expect(stub.received).toEqual([{ operation: name, message: request }]);
      expect(result).toEqual(answer);
    });
  }

  it("serves ?wsdl with its five schema documents (the shared UMS and DSS contracts)", async () => {
    const base = endpoint.replace(/\/cert$/, "");
    const wsdl = await (await fetch(`${base}?wsdl`)).text();
    expect(wsdl).toContain('name="IUserManagementService"');
    const locations = [...wsdl.matchAll(/schemaLocation="([^"]+)"/g)].map((m) => m[1]!);
    expect(locations.every((l) => /\?xsd=xsd\d$/.test(l))).toBe(true);
    for (const i of [0, 1, 2, 3, 4]) {
      const res = await fetch(`${base}?xsd=xsd${i}`);
      expect(res.status, `xsd${i}`).toBe(200);
      expect(await res.text()).toMatch(/<xs:schema\b/);
    }
    expect((await fetch(`${base}?xsd=xsd5`)).status).not.toBe(200);
  });

  it("is read by node-soap from the served ?wsdl alone: both ports, the 30 operations on each", async () => {
    const base = endpoint.replace(/\/cert$/, "");
    const client = await soap.createClientAsync(`${base}?wsdl`);
    const described = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    const ports = described.UserManagementService!;
    expect(Object.keys(ports)).toEqual([
      "WSHttpBinding_IUserManagementService",
      "WSHttpBinding_IUserManagementService1",
    ]);
    for (const port of Object.values(ports)) expect(Object.keys(port)).toEqual(OPERATIONS);
  });
});
