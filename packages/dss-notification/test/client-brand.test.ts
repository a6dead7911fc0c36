/**
 * The notification client is made for its service: `notify` takes a `DssNotificationClient` and
 * refuses, at compile time, a SOAP client made for another service, a SOAP client of no service in
 * particular and a REST client. The `@ts-expect-error` lines are checked by `tsc --noEmit` (the
 * package's typecheck); the brand exists in the type only.
 */
import { createClient, type SchemaBundle } from "@trustspec/runtime";
import {
  createSoapClient,
  type SoapClient,
  type SoapServiceDescriptor,
} from "@trustspec/runtime/soap";
import { describe, expect, expectTypeOf, it } from "vitest";
import { service } from "../src/generated/soap.gen.js";
import {
  createDssNotificationClient,
  type DssNotificationClient,
  type NotifyResponse,
  notify,
} from "../src/index.js";

const otherService: SoapServiceDescriptor = { ...service, name: "OtherService" };
const bundle: SchemaBundle = { $id: "urn:test:other", $defs: {} };

/** Compiled, never run: what `notify` accepts. */
function calls(client: DssNotificationClient) {
  void notify(client, {});
  // @ts-expect-error a SOAP client made for another service
  void notify(createSoapClient<"OtherService">(otherService), {});
  // @ts-expect-error a SOAP client of no service in particular
  void notify(createSoapClient(service), {});
  // @ts-expect-error a REST client
  void notify(createClient<"DssNotification">(bundle), {});
}

describe("DssNotificationClient", () => {
  it("is what createDssNotificationClient returns, a SoapClient of this service only", () => {
    const client = createDssNotificationClient();
    expectTypeOf(client).toEqualTypeOf<DssNotificationClient>();
    expectTypeOf(client).toEqualTypeOf<SoapClient<"DssNotification">>();
    expectTypeOf(client).toExtend<SoapClient>();
    expectTypeOf(client).not.toExtend<SoapClient<"OtherService">>();
    expectTypeOf(notify).parameter(0).toEqualTypeOf<DssNotificationClient>();
    expectTypeOf(notify).returns.resolves.toEqualTypeOf<NotifyResponse>();
    expect(typeof calls).toBe("function");
  });

  it("carries no brand at run time", () => {
    const client = createDssNotificationClient({ url: "http://localhost:1/notify" });
    expect(Object.keys(client).sort()).toEqual(["options", "service"]);
    expect(Object.getOwnPropertySymbols(client)).toEqual([]);
  });
});
