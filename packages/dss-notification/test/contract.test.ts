/**
 * The generated client against the generated MSW handlers and against the server stub over real
 * HTTP on 127.0.0.1; the client's requests validate against the WSDL's XSD (libxml2).
 */
import { listen } from "@trustspec/runtime/server";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createDssNotificationClient,
  DssOperationCode,
  DssResultCode,
  type Notify,
  notify,
  SoapFaultError,
  ValidationError,
} from "../src/index.js";
import { createDssNotificationMockHandlers } from "../src/mocks.js";
import { createDssNotificationServer, SoapFault } from "../src/server.js";
import { bodyElement, validateAgainstXsd } from "./support.js";

const messages: Notify[] = [
  {
    opResult: {
      OperationCode: DssOperationCode.AppletActivation,
      ResultCode: DssResultCode.Success,
      UserIdentifier: "+79161234567",
      ServiceIdentifier: "sts-1",
      AdditionalData: { 1: "5904CE31-B789-45BA-89CB-750F194CFE54", 7: null },
    },
  },
  { opResult: { OperationCode: 101, ResultCode: 1023, UserIdentifier: null } },
  {
    opResult: { OperationCode: 102, ResultCode: 1020, UserIdentifier: "anna", AdditionalData: {} },
  },
  { opResult: null },
  {},
];

describe("client against the MSW handlers", () => {
  const received: Notify[] = [];
  const server = setupServer(
    ...createDssNotificationMockHandlers({
      url: "http://dss-receiver.test/notify",
      overrides: {
        Notify: ({ message }) => {
          received.push(message);
          return {};
        },
      },
    }),
  );
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterAll(() => server.close());

  it("sends each message and the handler gets exactly it", async () => {
    const client = createDssNotificationClient({ url: "http://dss-receiver.test/notify" });
    for (const m of messages) expect(await notify(client, m)).toEqual({});
    expect(received).toEqual(messages);
  });

  it("a fault from the handler reaches the client as SoapFaultError", async () => {
    server.use(
      ...createDssNotificationMockHandlers({
        url: "http://dss-receiver.test/notify",
        overrides: {
          Notify: () => {
            throw new SoapFault("Client", "unknown user");
          },
        },
      }),
    );
    const client = createDssNotificationClient({ url: "http://dss-receiver.test/notify" });
    const error = await notify(client, messages[0]!).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SoapFaultError);
    expect(error).toMatchObject({ status: 500, faultCode: "Client", reason: "unknown user" });
    server.resetHandlers();
  });
});

describe("client against the server stub over HTTP", () => {
  const received: Notify[] = [];
  const bodies: string[] = [];
  let running: Awaited<ReturnType<typeof listen>>;
  beforeAll(async () => {
    running = await listen(
      createDssNotificationServer({
        Notify: ({ message }) => {
          received.push(message);
        },
      }),
    );
  });
  afterAll(() => running.close());

  const capturing: typeof fetch = async (input, init) => {
    bodies.push(String(init?.body));
    return fetch(input, init);
  };

  it("round-trips every message; each request body validates against the XSD", {
    timeout: 30_000,
  }, async () => {
    const client = createDssNotificationClient({ url: `${running.url}/`, fetch: capturing });
    for (const m of messages) expect(await notify(client, m)).toEqual({});
    expect(received).toEqual(messages);
    expect(bodies).toHaveLength(messages.length);
    for (const body of bodies) {
      expect(body).toMatch(
        /^<s:Envelope xmlns:s="http:\/\/schemas\.xmlsoap\.org\/soap\/envelope\/">/,
      );
      expect(await validateAgainstXsd(bodyElement(body))).toEqual([]);
    }
  });

  it("the client refuses input that breaks the schema before sending anything", async () => {
    const client = createDssNotificationClient({ url: `${running.url}/`, fetch: capturing });
    const before = bodies.length;
    const bad = { opResult: { OperationCode: 2 ** 40, ResultCode: 0, UserIdentifier: "x" } };
    await expect(notify(client, bad)).rejects.toBeInstanceOf(ValidationError);
    const missing = { opResult: { OperationCode: 100, UserIdentifier: "x" } } as unknown as Notify;
    await expect(notify(client, missing)).rejects.toThrow(/ResultCode/);
    expect(bodies.length).toBe(before);
  });

  it("GET ?wsdl serves the WSDL", async () => {
    const res = await fetch(`${running.url}/?wsdl`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
    expect(await res.text()).toContain("<wsdl:definitions");
  });
});
