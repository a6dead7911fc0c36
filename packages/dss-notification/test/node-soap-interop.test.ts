/**
 * Interoperability with `soap` (node-soap), the most used SOAP client on npm, as a client of the
 * server stub over HTTP on a random port: it loads the served `?wsdl` with no endpoint override,
 * so it only reaches the stub if the WSDL names the address it was fetched from; it sends
 * `Notify` with the WCF dictionary, reads the answer, and reads a fault as a fault.
 */
import { listen } from "@trustspec/runtime/server";
import soap from "soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Notify } from "../src/index.js";
import { createDssNotificationServer, SoapFault } from "../src/server.js";

describe("node-soap as a client of the notification server stub", () => {
  const received: Notify[] = [];
  let running: Awaited<ReturnType<typeof listen>>;
  let wsdlUrl: string;
  beforeAll(async () => {
    running = await listen(
      createDssNotificationServer({
        Notify: ({ message }) => {
          if (message.opResult?.UserIdentifier === "nobody") {
            throw new SoapFault("Client", "The user is not known.");
          }
          received.push(message);
        },
      }),
    );
    wsdlUrl = `${running.url}/NotificationService.svc?wsdl`;
  });
  afterAll(() => running.close());

  it("the served WSDL names the address it was fetched from, not the design-time host", async () => {
    const wsdl = await (await fetch(wsdlUrl)).text();
    expect(wsdl).toContain(`location="${running.url}/NotificationService.svc"`);
    expect(wsdl).not.toContain("localhost:8733");
  });

  it("calls Notify through the WSDL with the dictionary and reads the answer", async () => {
    const client = await soap.createClientAsync(wsdlUrl);
    const [result, rawResponse] = await client.NotifyAsync({
      opResult: {
        OperationCode: 102,
        ResultCode: 1021,
        UserIdentifier: "+79161234567",
        AdditionalData: {
          KeyValueOfintstring: [
            { Key: 1, Value: "5904ce31-b789-45ba-89cb-750f194cfe54" },
            { Key: 7, Value: "second" },
          ],
        },
      },
    });
    // NotifyResponse is empty: node-soap reads it as no result.
    expect(result).toBeNull();
    expect(rawResponse).toContain("NotifyResponse");
    expect(received.at(-1)).toEqual({
      opResult: {
        OperationCode: 102,
        ResultCode: 1021,
        UserIdentifier: "+79161234567",
        AdditionalData: { "1": "5904ce31-b789-45ba-89cb-750f194cfe54", "7": "second" },
      },
    });
  });

  it("reads a Client fault as a fault (HTTP 500, faultcode and faultstring)", async () => {
    const client = await soap.createClientAsync(wsdlUrl);
    const before = received.length;
    const error = (await client
      .NotifyAsync({ opResult: { OperationCode: 100, ResultCode: 0, UserIdentifier: "nobody" } })
      .catch((e: unknown) => e)) as {
      message: string;
      response?: { status: number };
      root?: { Envelope: { Body: { Fault: { faultcode: string; faultstring: unknown } } } };
    };
    expect(error).toBeInstanceOf(Error);
    expect(error.response?.status).toBe(500);
    expect(error.root?.Envelope.Body.Fault.faultcode).toBe("s:Client");
    expect(error.message).toContain("The user is not known.");
    expect(received.length).toBe(before);
  });

  it("reads the stub's schema refusal as a fault too", async () => {
    const client = await soap.createClientAsync(wsdlUrl);
    const error = (await client
      .NotifyAsync({ opResult: { OperationCode: 99999999999, ResultCode: 0, UserIdentifier: "x" } })
      .catch((e: unknown) => e)) as { message: string; response?: { status: number } };
    expect(error.response?.status).toBe(500);
    expect(error.message).toMatch(/s:Client: .*must be an xs:int/);
  });
});
