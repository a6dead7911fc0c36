import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { routerFrom } from "../src/server/router.js";
import { listen } from "../src/server.js";
import { readAddressingHeaders } from "../src/soap/addressing.js";
import {
  callSoapOperation,
  createSoapClient,
  type SoapClientSecurity,
  type SoapClientSecurityContext,
} from "../src/soap/client.js";
import type { SoapEndpointSecurity, SoapEndpointSecurityContext } from "../src/soap/endpoint.js";
import { parseEnvelope, SoapFault, SoapFaultError } from "../src/soap/envelope.js";
import { createSoapServer } from "../src/soap/server.js";
import { echoService } from "./soap-echo-service.js";

const NS = "urn:test:echo";
const SEC = "urn:test:sec";
const service = echoService("1.2", true);
const handlers = {
  Echo: ({ message }: { message: { text: string } }) => {
    if (message.text === "boom") throw new Error("secret=hunter2");
    return { text: message.text };
  },
};

/** A toy protection: a stamp header block naming a key, added before the body and removed again. */
const stamp = (key: string) => `<x:Stamp xmlns:x="${SEC}">${key}</x:Stamp>`;
const addStamp = (envelope: string, key: string) =>
  envelope
    .replace(/<s:Body>/, `${stamp(key)}<s:Body>`)
    .replace(/<s:Envelope([^>]*)>(?!<s:Header>)/, "<s:Envelope$1><s:Header>");
function stamped(envelope: string, key: string): string {
  const block = stamp(key);
  if (!envelope.includes(block)) throw new Error(`no stamp ${key}`);
  return envelope.replace(block, "");
}

/** An error of a security library: it knows its fault. */
class StampError extends Error {
  toSoapFault() {
    return new SoapFault("Client", "The stamp is wrong.", {
      subcode: { ns: SEC, local: "BadStamp" },
    });
  }
}

const serverSeen: { request: string; context: SoapEndpointSecurityContext }[] = [];
const serverProtected: { answer: string; operation: string | undefined; same: boolean }[] = [];
let mode: "ok" | "typed" | "plain" | "fault" | "protect-fails" = "ok";
const serverSecurity: SoapEndpointSecurity = {
  open(request, context) {
    serverSeen.push({ request, context });
    if (mode === "typed") throw new StampError("key=abc123 refused");
    if (mode === "plain") throw new Error("key=abc123 refused");
    if (mode === "fault") throw new SoapFault("Client", "Refused as it is.");
    // Stored and inserted as the hook wishes; a request without the stamp is a typed refusal.
    try {
      return stamped(request, "client-key");
    } catch {
      throw new StampError("missing");
    }
  },
  protect(answer, context) {
    serverProtected.push({
      answer,
      operation: context.operation,
      same: serverSeen.at(-1)?.context === context,
    });
    if (mode === "protect-fails") throw new Error("hsm pin=1234");
    return addStamp(answer, "server-key");
  },
};

let server: Awaited<ReturnType<typeof listen>>;
beforeAll(async () => {
  const router = createSoapServer(service, handlers, { security: serverSecurity });
  server = await listen(
    routerFrom((req) => router.handle(req), 1024 * 1024),
    { host: "127.0.0.1", port: 0 },
  );
});
afterAll(async () => {
  await server.close();
});

function client(key = "client-key") {
  const calls: {
    protect: { envelope: string; context: SoapClientSecurityContext }[];
    open: { answer: string; status: number; same: boolean }[];
  } = { protect: [], open: [] };
  const security: SoapClientSecurity = {
    protect(envelope, context) {
      calls.protect.push({ envelope, context });
      return addStamp(envelope, key);
    },
    async open(answer, context) {
      calls.open.push({
        answer,
        status: context.status ?? 0,
        same: calls.protect.at(-1)?.context === context,
      });
      return stamped(answer, "server-key");
    },
  };
  return {
    calls,
    client: createSoapClient(service, {
      url: `${server.url}/`,
      soapHeaders: () => [`<x:Extra xmlns:x="${SEC}">1</x:Extra>`],
      security,
    }),
  };
}

describe("message security hooks over whole envelopes", () => {
  it("protect sees the complete envelope, open the raw answer; both sides round-trip", async () => {
    mode = "ok";
    const { client: c, calls } = client();
    const out = await callSoapOperation<{ text: string }>(c, "Echo", { text: "hi" });
    expect(out).toEqual({ text: "hi" });
    expect(calls.protect).toHaveLength(1);
    const sent = parseEnvelope(calls.protect[0]!.envelope, "1.2");
    const wsa = readAddressingHeaders(sent.headers);
    expect(wsa.action).toBe(`${NS}/IEcho/Echo`);
    expect(wsa.messageId).toBeDefined();
    expect(wsa.to).toBe(`${server.url}/`);
    expect(sent.headers.map((h) => h.localName)).toContain("Extra");
    expect(sent.body.localName).toBe("Echo");
    expect(calls.protect[0]!.context).toEqual({
      operation: "Echo",
      action: `${NS}/IEcho/Echo`,
      url: `${server.url}/`,
      status: 200,
    });
    // The server's hook saw the protected request as sent, and protected the complete answer.
    expect(serverSeen.at(-1)!.request).toContain(stamp("client-key"));
    expect(serverProtected.at(-1)!.operation).toBe("Echo");
    expect(serverProtected.at(-1)!.same).toBe(true);
    const answered = parseEnvelope(serverProtected.at(-1)!.answer, "1.2");
    expect(readAddressingHeaders(answered.headers).relatesTo).toBe(wsa.messageId);
    // The client's open saw the answer as it travelled, before it was parsed.
    expect(calls.open).toHaveLength(1);
    expect(calls.open[0]!.answer).toContain(stamp("server-key"));
    expect(calls.open[0]!.status).toBe(200);
    expect(calls.open[0]!.same).toBe(true);
  });

  it("answers an error with toSoapFault() as that fault, without quoting the error", async () => {
    mode = "ok";
    const { client: c } = client("wrong-key");
    const e = (await callSoapOperation(c, "Echo", { text: "hi" }).catch(
      (x) => x,
    )) as SoapFaultError;
    expect(e).toBeInstanceOf(SoapFaultError);
    expect(e.subcode).toEqual({ ns: SEC, local: "BadStamp" });
    expect(e.status).toBe(400);
    expect(e.reason).toBe("The stamp is wrong.");
    mode = "typed";
    const e2 = (await callSoapOperation(client().client, "Echo", { text: "hi" }).catch(
      (x) => x,
    )) as SoapFaultError;
    expect(e2.subcode).toEqual({ ns: SEC, local: "BadStamp" });
    expect(e2.message).not.toContain("abc123");
  });

  it("answers a SoapFault as it is, and any other error as a generic fault quoting nothing", async () => {
    mode = "fault";
    const e = (await callSoapOperation(client().client, "Echo", { text: "hi" }).catch(
      (x) => x,
    )) as SoapFaultError;
    expect(e).toBeInstanceOf(SoapFaultError);
    expect(e.reason).toBe("Refused as it is.");
    mode = "plain";
    const e2 = (await callSoapOperation(client().client, "Echo", { text: "hi" }).catch(
      (x) => x,
    )) as SoapFaultError;
    expect(e2).toBeInstanceOf(SoapFaultError);
    expect(e2.faultCode).toBe("Sender");
    expect(e2.reason).not.toContain("abc123");
    mode = "protect-fails";
    const e3 = (await callSoapOperation(client().client, "Echo", { text: "hi" }).catch(
      (x) => x,
    )) as SoapFaultError;
    expect(e3).toBeInstanceOf(SoapFaultError);
    expect(e3.faultCode).toBe("Receiver");
    expect(e3.reason).not.toContain("1234");
  });

  it("reports an unprotected fault as received when open refuses it; a handler fault is not protected", async () => {
    mode = "ok";
    const { client: c, calls } = client();
    const e = (await callSoapOperation(c, "Echo", { text: "boom" }).catch(
      (x) => x,
    )) as SoapFaultError;
    expect(e).toBeInstanceOf(SoapFaultError);
    expect(e.faultCode).toBe("Receiver");
    expect(e.reason).not.toContain("hunter2");
    expect(calls.open.at(-1)!.status).toBe(500);
  });

  it("passes what open throws on a successful answer to the caller unchanged", async () => {
    mode = "ok";
    const refused = new Error("answer not protected");
    const c = createSoapClient(service, {
      url: `${server.url}/`,
      security: {
        protect: (env) => addStamp(env, "client-key"),
        open: () => {
          throw refused;
        },
      },
    });
    await expect(callSoapOperation(c, "Echo", { text: "hi" })).rejects.toBe(refused);
  });

  it("a protect that fails sends nothing and leaves no timer behind", async () => {
    const failed = new Error("no token could be obtained");
    let sent = 0;
    const c = createSoapClient(service, {
      url: `${server.url}/`,
      fetch: (input, init) => {
        sent++;
        return fetch(input, init);
      },
      security: {
        protect: () => {
          throw failed;
        },
      },
    });
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
    try {
      await expect(callSoapOperation(c, "Echo", { text: "hi" })).rejects.toBe(failed);
      // The call's timeout would otherwise keep the process alive for its 30 seconds.
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    expect(sent).toBe(0);
  });
});
