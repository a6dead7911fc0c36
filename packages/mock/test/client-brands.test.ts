/**
 * Across the packages: every generated client is made for one API, and the operations of every
 * other API refuse it at compile time (licence, DSS Signature Service, DSS identity centre, DSS
 * UMS, СУЗ, and the DSS notification SOAP service). The `@ts-expect-error` lines are checked by
 * `tsc --noEmit` (the package's typecheck); each line beside them shows the call that compiles.
 */
import {
  createDssSignClient,
  createDssStsClient,
  type DssSignClient,
  type DssStsClient,
  listCertificates,
  token,
} from "@trustspec/dss";
import {
  createDssNotificationClient,
  type DssNotificationClient,
  notify,
} from "@trustspec/dss-notification";
import { createDssUmsClient, type DssUmsClient, getUserById } from "@trustspec/dss-ums";
import { createLicenceClient, type LicenceClient, listLicences } from "@trustspec/licence";
import type { Client } from "@trustspec/runtime";
import type { SoapClient } from "@trustspec/runtime/soap";
import { createSuzClient, ping, type SuzClient } from "@trustspec/suz";
import { describe, expect, expectTypeOf, it } from "vitest";

interface Clients {
  licence: LicenceClient;
  sign: DssSignClient;
  sts: DssStsClient;
  ums: DssUmsClient;
  suz: SuzClient;
  notification: DssNotificationClient;
}

const tokenInput: Parameters<typeof token>[1] = {
  body: { grant_type: "password", username: "u", password: "p" },
};
const userInput = { path: { id: "u" } } as Parameters<typeof getUserById>[1];
const pingInput = { path: { extension: "milk" }, query: { omsId: "o" } } as Parameters<
  typeof ping
>[1];

/** Compiled, never run. */
function calls(c: Clients) {
  void listLicences(c.licence);
  // @ts-expect-error a licence client for a Signature Service operation
  void listCertificates(c.licence);
  // @ts-expect-error a Signature Service client for a licence operation
  void listLicences(c.sign);

  void listCertificates(c.sign);
  // @ts-expect-error an STS client for a Signature Service operation
  void listCertificates(c.sts);
  void token(c.sts, tokenInput);
  // @ts-expect-error a Signature Service client for an STS operation
  void token(c.sign, tokenInput);

  void getUserById(c.ums, userInput);
  // @ts-expect-error an STS client for a UMS operation (both live under /STS)
  void getUserById(c.sts, userInput);
  // @ts-expect-error a UMS client for an STS operation
  void token(c.ums, tokenInput);

  void ping(c.suz, pingInput);
  // @ts-expect-error a licence client for a СУЗ operation
  void ping(c.licence, pingInput);

  void notify(c.notification, {});
  // @ts-expect-error a REST client for the SOAP notification service
  void notify(c.licence, {});
  // @ts-expect-error the SOAP notification client for a REST operation
  void listLicences(c.notification);
}

describe("generated clients", () => {
  it("each is a client of its own API and of no other", () => {
    const clients: Clients = {
      licence: createLicenceClient(),
      sign: createDssSignClient(),
      sts: createDssStsClient(),
      ums: createDssUmsClient(),
      suz: createSuzClient(),
      notification: createDssNotificationClient(),
    };
    expectTypeOf(clients.licence).toEqualTypeOf<Client<"Licence">>();
    expectTypeOf(clients.sign).toEqualTypeOf<Client<"DssSign">>();
    expectTypeOf(clients.sts).toEqualTypeOf<Client<"DssSts">>();
    expectTypeOf(clients.ums).toEqualTypeOf<Client<"DssUms">>();
    expectTypeOf(clients.suz).toEqualTypeOf<Client<"Suz">>();
    expectTypeOf(clients.notification).toEqualTypeOf<SoapClient<"DssNotification">>();
    expectTypeOf(clients.licence).not.toExtend<DssSignClient>();
    expectTypeOf(clients.sign).not.toExtend<DssStsClient>();
    expectTypeOf(clients.sts).not.toExtend<DssSignClient>();
    expectTypeOf(clients.ums).not.toExtend<DssStsClient>();
    // Code that serves clients of any API takes them all.
    expectTypeOf(clients.licence).toExtend<Client>();
    expectTypeOf(clients.suz).toExtend<Client>();
    expectTypeOf(clients.notification).toExtend<SoapClient>();
    expect(typeof calls).toBe("function");
    for (const client of Object.values(clients))
      expect(Object.getOwnPropertySymbols(client)).toEqual([]);
  });
});
