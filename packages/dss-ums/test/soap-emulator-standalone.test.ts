import { clientCertificateFetch } from "@trustspec/dss/node";
import { bearerAuth } from "@trustspec/runtime";
import { SoapFaultError } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, expect, it } from "vitest";
import * as rest from "../src/generated/ums/client.gen.js";
import { createDssUmsClient } from "../src/generated/ums/client.gen.js";
import * as soap from "../src/generated/ums-soap/client.gen.js";
import { DssUmsEmulator } from "../src/server.js";
import { type ClientCert, strangerCert } from "./soap-emulator-support.js";

/**
 * The SOAP service of a standalone emulator (no DSS emulator): over HTTPS with its own test CA,
 * `/cert` takes the operator whose `StaticOperator.certificate` the client presents, and the
 * REST service with that operator's fixed token sees what SOAP wrote.
 */
let emulator: DssUmsEmulator;
let server: Awaited<ReturnType<DssUmsEmulator["listen"]>>;
let mine: ClientCert;

beforeAll(async () => {
  mine = await strangerCert("CN=standalone operator");
  emulator = await DssUmsEmulator.create({
    responseValidation: "strict",
    operators: [
      {
        token: "soap-operator",
        login: "soap-operator",
        certificate: mine.cert,
        groups: ["NewGroup"],
      },
    ],
  });
  server = await emulator.listen({ https: true });
});
afterAll(() => server?.close());

const client = (cert: ClientCert) =>
  soap.createDssUmsSoapClient({
    url: `${server.url}/STS/UserManagement.svc/cert`,
    fetch: clientCertificateFetch({ ...cert, ca: emulator.caCertificatePem }),
  });

it("the operator's certificate (PEM in StaticOperator) registers users in its first group; REST sees them", async () => {
  const made = await soap.registerUser(client(mine), { identifiers: { Login: "alone-1" } });
  const userId = made.RegisterUserResult!;
  const overRest = await rest.getUserById(
    createDssUmsClient({
      baseUrl: `${server.url}/STS/ums`,
      auth: bearerAuth("soap-operator"),
      fetch: clientCertificateFetch({ ...mine, ca: emulator.caCertificatePem }),
      retry: false,
    }),
    { path: { id: userId } },
  );
  expect(overRest.data).toMatchObject({ Login: "alone-1", Group: "NewGroup" });
});

it("any other certificate is refused with a fault over HTTP 500, nothing registered", async () => {
  const before = emulator.state.users.size;
  const e = await soap
    .registerUser(client(await strangerCert("CN=soap-operator")), {
      identifiers: { Login: "alone-2" },
    })
    .catch((error: unknown) => error);
  expect(e).toBeInstanceOf(SoapFaultError);
  expect(e).toMatchObject({ status: 500, reason: "The TLS client certificate is not authorised." });
  expect(emulator.state.users.size).toBe(before);
});
