/**
 * Interoperability with `soap` (node-soap) as the client of the emulator's `/cert` endpoint over
 * HTTPS on 127.0.0.1: it reads the served `?wsdl` (and the schemas it imports at `?xsd=`) with no
 * endpoint override, so it reaches `/cert` only because the WSDL names this host with each
 * port's path; it presents the operator's certificate with its `ClientSSLSecurity`, and sends
 * SOAP 1.2 with the WS-Addressing headers the binding asks for (a header function: node-soap
 * does not add them itself). It calls GetPolicy, RegisterUser and GetUsers and reads a fault.
 */
import { randomUUID } from "node:crypto";
import { Agent } from "node:https";
import soap from "soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATOR, type RunningSoap, startSoapUms, USER } from "./soap-emulator-support.js";

const WSA = "http://www.w3.org/2005/08/addressing";

let r: RunningSoap;
beforeAll(async () => {
  r = await startSoapUms();
});
afterAll(() => r?.close());

/** node-soap's client of the served WSDL, trusting the test CA, presenting `login`'s certificate. */
async function nodeSoapClient(login: string) {
  const client = await soap.createClientAsync(`${r.service}?wsdl`, {
    forceSoap12Headers: true,
    wsdl_options: { httpsAgent: new Agent({ ca: r.ca }) },
  });
  const { cert, key } = r.certOf(login);
  client.setSecurity(
    new soap.ClientSSLSecurity(Buffer.from(key), Buffer.from(cert), Buffer.from(r.ca)),
  );
  // WS-Addressing 1.0 (wsHttpBinding): the action, a message id, the anonymous reply address.
  client.addSoapHeader(
    (_method: unknown, location: string, action: string) =>
      `<wsa:Action xmlns:wsa="${WSA}">${action}</wsa:Action>` +
      `<wsa:MessageID xmlns:wsa="${WSA}">urn:uuid:${randomUUID()}</wsa:MessageID>` +
      `<wsa:ReplyTo xmlns:wsa="${WSA}"><wsa:Address>${WSA}/anonymous</wsa:Address></wsa:ReplyTo>` +
      `<wsa:To xmlns:wsa="${WSA}">${location}</wsa:To>`,
  );
  // The /cert port's operations (node-soap's top-level methods are the last port's, /token).
  const port = (client as unknown as Record<string, Record<string, Record<string, PortMethod>>>)
    .UserManagementService!.WSHttpBinding_IUserManagementService!;
  const call = (operation: string, args: object) =>
    new Promise<Answer>((resolve, reject) => {
      port[operation]!(args, (error, result) => (error ? reject(error) : resolve(result)));
    });
  return { client, call };
}

// biome-ignore lint/suspicious/noExplicitAny: node-soap's answers are untyped objects read from XML.
type Answer = Record<string, any>;
type PortMethod = (args: object, callback: (error: unknown, result: Answer) => void) => void;

describe("node-soap as the client of /cert", () => {
  it("the served WSDL names both ports at this host, each with its path", async () => {
    const { client } = await nodeSoapClient(OPERATOR);
    const described = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    const ports = described.UserManagementService!;
    expect(Object.keys(ports)).toEqual([
      "WSHttpBinding_IUserManagementService",
      "WSHttpBinding_IUserManagementService1",
    ]);
    const wsdl = client.wsdl.definitions.services.UserManagementService!.ports as Record<
      string,
      { location: string }
    >;
    expect(wsdl.WSHttpBinding_IUserManagementService?.location).toBe(`${r.service}/cert`);
    expect(wsdl.WSHttpBinding_IUserManagementService1?.location).toBe(`${r.service}/token`);
  });

  it("GetPolicy, RegisterUser and GetUsers", async () => {
    const { call } = await nodeSoapClient(OPERATOR);
    const policy = await call("GetPolicy", {});
    expect(policy.GetPolicyResult.Groups.IdentityGroupInfo[0].GroupList.string).toEqual([
      "Default",
      "NewGroup",
    ]);
    const made = await call("RegisterUser", {
      identifiers: {
        KeyValueOfIdentifierTypestring: [
          { Key: "Login", Value: "node-soap-user" },
          { Key: "Email", Value: "node-soap@example.ru" },
        ],
      },
      groupName: "NewGroup",
    });
    const userId = made.RegisterUserResult as string;
    expect(r.emulator.state.user(userId)).toMatchObject({
      login: "node-soap-user",
      email: "node-soap@example.ru",
      group: "NewGroup",
    });
    const found = await call("GetUsers", {
      request: {
        EndPosition: 10,
        Filters: {
          UserFilter: [
            {
              Column: "Login",
              Operation: "Equal",
              Value: {
                attributes: {
                  "xsi:type": "xsd:string",
                  "xmlns:xsd": "http://www.w3.org/2001/XMLSchema",
                },
                $value: "node-soap-user",
              },
            },
          ],
        },
        StartPosition: 0,
      },
    });
    const users = [found.GetUsersResult.UserInfos.DssUserInfo].flat();
    expect(users.map((u: { UserId: string }) => u.UserId)).toEqual([userId]);
    expect(found.GetUsersResult.AffectedCount).toBe(1);
  });

  it("reads a refusal as a fault over HTTP 500 (a user's certificate, not an operator's)", async () => {
    const { call } = await nodeSoapClient(USER);
    const before = r.emulator.state.users.size;
    const error = (await call("RegisterUser", {
      identifiers: { KeyValueOfIdentifierTypestring: [{ Key: "Login", Value: "intruder" }] },
    }).catch((e: unknown) => e)) as { message: string; response?: { status: number } };
    expect(error).toBeInstanceOf(Error);
    expect(error.response?.status).toBe(500);
    expect(error.message).toContain("The TLS client certificate is not authorised.");
    expect(r.emulator.state.users.size).toBe(before);
  });
});
