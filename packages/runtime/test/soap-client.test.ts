import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type CompiledProblems,
  type CompiledSchema,
  compiled,
  problem,
  requiredProblem,
  typeProblem,
} from "../src/compiled.js";
import {
  AbortError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "../src/errors.js";
import {
  callSoapOperation,
  createSoapClient,
  DEFAULT_MAX_RESPONSE_BYTES,
  sendSoap,
} from "../src/soap/client.js";
import {
  buildEnvelope,
  faultXml,
  SOAP11_NS,
  SOAP12_NS,
  SoapFault,
  SoapFaultError,
  type SoapVersion,
} from "../src/soap/envelope.js";
import { createSoapServer } from "../src/soap/server.js";
import type { SoapServiceDescriptor } from "../src/soap/service.js";
import { XmlError } from "../src/xml/parse.js";

const NS = "urn:test:ping";
const WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

type Reply = (res: ServerResponse, seen: Seen) => void;

let server: Server;
let base: string;
let reply: Reply;
const seen: Seen[] = [];
/** Answers held open by a test, ended after it. */
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s: Seen = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      seen.push(s);
      reply(res, s);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(() => {
  seen.length = 0;
  for (const res of held.splice(0)) res.destroy();
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function send(res: ServerResponse, status: number, version: SoapVersion, text: string): void {
  const body = Buffer.from(text, "utf8");
  res.writeHead(status, {
    "content-type":
      version === "1.1" ? "text/xml; charset=utf-8" : "application/soap+xml; charset=utf-8",
    "content-length": String(body.length),
  });
  res.end(body);
}

function soap(version: SoapVersion, more: Partial<Parameters<typeof sendSoap>[0]> = {}) {
  return sendSoap({
    url: `${base}/svc`,
    version,
    action: `${NS}/Ping`,
    operationId: "Ping",
    body: `<Ping xmlns="${NS}"><text>hi</text></Ping>`,
    ...more,
  });
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected a rejection");
}

async function faultError(p: Promise<unknown>): Promise<SoapFaultError> {
  const e = await rejection(p);
  expect(e).toBeInstanceOf(SoapFaultError);
  return e as SoapFaultError;
}

/**
 * Streams `total` bytes of spaces in 64 KiB chunks, waiting for the client to take each, and
 * stops by itself when the connection closes. Resolves when the answer is over, either way.
 */
function stream(
  res: ServerResponse,
  total: number,
  headers: Record<string, string>,
): Promise<{ written: number; finished: boolean }> {
  const chunk = Buffer.alloc(64 * 1024, 0x20);
  let written = 0;
  let closed = false;
  return new Promise((resolve) => {
    res.on("close", () => {
      closed = true;
      resolve({ written, finished: res.writableFinished });
    });
    res.writeHead(200, { "content-type": "text/xml; charset=utf-8", ...headers });
    const pump = () => {
      while (!closed && written < total) {
        written += chunk.length;
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
      if (!closed) res.end();
    };
    pump();
  });
}

describe("sendSoap: answers", () => {
  it("SOAP 1.1: sends the envelope with SOAPAction and reads the answer", async () => {
    reply = (res) =>
      send(res, 200, "1.1", buildEnvelope("1.1", `<PingResponse xmlns="${NS}">ok</PingResponse>`));
    const out = await soap("1.1", {
      headers: [`<h:Token xmlns:h="urn:h">t</h:Token>`],
      httpHeaders: { "x-request-id": "r1" },
    });
    expect(out.status).toBe(200);
    expect(out.envelope.version).toBe("1.1");
    expect(out.envelope.body.localName).toBe("PingResponse");
    expect(out.envelope.body.textContent).toBe("ok");
    expect(out.headers.get("content-type")).toBe("text/xml; charset=utf-8");

    expect(seen).toHaveLength(1);
    const req = seen[0]!;
    expect(req.method).toBe("POST");
    expect(req.url).toBe("/svc");
    expect(req.headers["content-type"]).toBe("text/xml; charset=utf-8");
    expect(req.headers.soapaction).toBe(`"${NS}/Ping"`);
    expect(req.headers["x-request-id"]).toBe("r1");
    expect(req.body).toBe(
      buildEnvelope("1.1", `<Ping xmlns="${NS}"><text>hi</text></Ping>`, [
        `<h:Token xmlns:h="urn:h">t</h:Token>`,
      ]),
    );
  });

  it("SOAP 1.2: names the action in the media type and sends no SOAPAction", async () => {
    reply = (res) => send(res, 200, "1.2", buildEnvelope("1.2", `<PingResponse xmlns="${NS}"/>`));
    const out = await soap("1.2", { httpHeaders: { "content-type": "text/plain" } });
    expect(out.envelope.version).toBe("1.2");
    expect(out.envelope.envelope.namespaceURI).toBe(SOAP12_NS);
    expect(seen[0]!.headers["content-type"]).toBe(
      `application/soap+xml; charset=utf-8; action="${NS}/Ping"`,
    );
    expect(seen[0]!.headers.soapaction).toBeUndefined();
  });

  it("SOAP 1.1: a fault becomes a SoapFaultError with the fault's fields", async () => {
    reply = (res) =>
      send(
        res,
        500,
        "1.1",
        buildEnvelope(
          "1.1",
          faultXml(
            "1.1",
            new SoapFault("Client", "Bad credentials", {
              subcode: { ns: WST, local: "FailedAuthentication" },
            }),
          ),
        ),
      );
    const e = await faultError(soap("1.1"));
    expect(e.operationId).toBe("Ping");
    expect(e.status).toBe(500);
    expect(e.faultCode).toBe("FailedAuthentication");
    expect(e.faultCodeName).toEqual({ ns: WST, local: "FailedAuthentication" });
    expect(e.subcode).toEqual({ ns: WST, local: "FailedAuthentication" });
    expect(e.reason).toBe("Bad credentials");
    expect(e.message).toBe(
      "Ping: SOAP fault FailedAuthentication (FailedAuthentication): Bad credentials",
    );

    reply = (res) =>
      send(res, 500, "1.1", buildEnvelope("1.1", faultXml("1.1", new SoapFault("Server", "Down"))));
    const plain = await faultError(soap("1.1"));
    expect(plain.faultCode).toBe("Server");
    expect(plain.faultCodeName).toEqual({ ns: SOAP11_NS, local: "Server" });
    expect(plain.subcode).toBeUndefined();
  });

  it("SOAP 1.2: a fault becomes a SoapFaultError with its code, subcode and reason", async () => {
    reply = (res) =>
      send(
        res,
        400,
        "1.2",
        buildEnvelope(
          "1.2",
          faultXml(
            "1.2",
            new SoapFault("Client", "Wrong request", {
              subcode: { ns: WST, local: "InvalidRequest" },
            }),
          ),
        ),
      );
    const e = await faultError(soap("1.2"));
    expect(e.status).toBe(400);
    expect(e.faultCode).toBe("Sender");
    expect(e.faultCodeName).toEqual({ ns: SOAP12_NS, local: "Sender" });
    expect(e.subcode).toEqual({ ns: WST, local: "InvalidRequest" });
    expect(e.reason).toBe("Wrong request");
  });

  it("reads a fault even with a 200 status", async () => {
    reply = (res) =>
      send(res, 200, "1.2", buildEnvelope("1.2", faultXml("1.2", new SoapFault("Server", "x"))));
    const e = await faultError(soap("1.2"));
    expect(e.status).toBe(200);
    expect(e.faultCode).toBe("Receiver");
  });

  it("an error status without a fault is InvalidResponse", async () => {
    reply = (res) => send(res, 503, "1.1", buildEnvelope("1.1", `<Busy xmlns="${NS}"/>`));
    const e = await faultError(soap("1.1"));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.status).toBe(503);
    expect(e.reason).toBe("HTTP 503 without a fault");
  });

  it("an answer that is no envelope is InvalidResponse, with the XmlError as cause when XML was refused", async () => {
    reply = (res) => send(res, 502, "1.1", "<html><body>Bad gateway</body></html>");
    const html = await faultError(soap("1.1"));
    expect(html.faultCode).toBe("InvalidResponse");
    expect(html.status).toBe(502);
    expect(html.reason).toContain("is not a SOAP 1.1 envelope");
    expect(html.cause).toBeUndefined();

    reply = (res) => send(res, 502, "1.1", "Bad gateway");
    const text = await faultError(soap("1.1"));
    expect(text.faultCode).toBe("InvalidResponse");
    expect(text.cause).toBeInstanceOf(XmlError);
    expect((text.cause as XmlError).reason).toBe("malformed");

    reply = (res) => send(res, 200, "1.2", buildEnvelope("1.1", "<x/>"));
    const mismatch = await faultError(soap("1.2"));
    expect(mismatch.faultCode).toBe("InvalidResponse");
    expect(mismatch.reason).toContain("This service speaks SOAP 1.2");

    reply = (res) =>
      send(res, 200, "1.1", `<!DOCTYPE x [<!ENTITY a "b">]>${buildEnvelope("1.1", "<x>&a;</x>")}`);
    const dtd = await faultError(soap("1.1"));
    expect((dtd.cause as XmlError).reason).toBe("forbidden");
  });
});

describe("sendSoap: answer size", () => {
  it("reads an answer of exactly maxResponseBytes and refuses one byte more", async () => {
    const text = buildEnvelope(
      "1.1",
      `<PingResponse xmlns="${NS}">${"x".repeat(1000)}</PingResponse>`,
    );
    const size = Buffer.byteLength(text);
    reply = (res) => send(res, 200, "1.1", text);
    expect((await soap("1.1", { maxResponseBytes: size })).status).toBe(200);
    const e = await faultError(soap("1.1", { maxResponseBytes: size - 1 }));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.reason).toBe(
      `the answer (HTTP 200) is larger than ${size - 1} bytes (maxResponseBytes)`,
    );

    // The same without Content-Length.
    reply = (res) => {
      res.writeHead(200, { "content-type": "text/xml; charset=utf-8" });
      res.write(text.slice(0, 500));
      res.end(text.slice(500));
    };
    expect((await soap("1.1", { maxResponseBytes: size })).status).toBe(200);
    expect((await faultError(soap("1.1", { maxResponseBytes: size - 1 }))).faultCode).toBe(
      "InvalidResponse",
    );
  });

  it("counts bytes, not characters", async () => {
    const text = buildEnvelope(
      "1.1",
      `<PingResponse xmlns="${NS}">${"я".repeat(100)}</PingResponse>`,
    );
    reply = (res) => send(res, 200, "1.1", text);
    const bytes = Buffer.byteLength(text);
    expect(bytes).toBe(text.length + 100);
    expect((await faultError(soap("1.1", { maxResponseBytes: text.length }))).faultCode).toBe(
      "InvalidResponse",
    );
    const out = await soap("1.1", { maxResponseBytes: bytes });
    expect(out.envelope.body.textContent).toBe("я".repeat(100));
  });

  const total = 100 * 1024 * 1024;

  it("refuses an answer from its Content-Length and closes the connection without reading it", async () => {
    let done!: Promise<{ written: number; finished: boolean }>;
    reply = (res) => {
      done = stream(res, total, { "content-length": String(total) });
    };
    const e = await faultError(soap("1.1", { maxResponseBytes: 1024 * 1024 }));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.status).toBe(200);
    expect(e.reason).toContain("larger than 1048576 bytes");
    const server = await done;
    expect(server.finished).toBe(false);
    expect(server.written).toBeLessThan(total);
  });

  it("refuses from Content-Length alone, before any of the body arrives", async () => {
    let closed!: Promise<void>;
    reply = (res) => {
      held.push(res);
      closed = new Promise((resolve) => res.on("close", () => resolve()));
      res.writeHead(200, {
        "content-type": "text/xml; charset=utf-8",
        "content-length": String(total),
      });
      res.flushHeaders();
      // No body is sent: a client waiting for it would time out instead.
    };
    const e = await faultError(soap("1.1", { maxResponseBytes: 1024, timeoutMs: 20_000 }));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.reason).toContain("larger than 1024 bytes");
    await closed;
  });

  it("refuses a streamed answer without Content-Length once the limit is passed, and stops reading", async () => {
    let done!: Promise<{ written: number; finished: boolean }>;
    reply = (res) => {
      done = stream(res, total, {});
    };
    const e = await faultError(soap("1.1", { maxResponseBytes: 1024 * 1024 }));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.reason).toContain("(maxResponseBytes)");
    const server = await done;
    // The server saw the connection end before it could send everything: the client did not
    // read the answer to its end.
    expect(server.finished).toBe(false);
    expect(server.written).toBeGreaterThan(1024 * 1024);
    expect(server.written).toBeLessThan(total);
  });

  it("has a default limit of 16 MiB", () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(16 * 1024 * 1024);
  });
});

describe("sendSoap: XML limits", () => {
  const deep = (n: number) =>
    buildEnvelope(
      "1.1",
      `<PingResponse xmlns="${NS}">${"<d>".repeat(n)}${"</d>".repeat(n)}</PingResponse>`,
    );

  it("refuses a deeply nested answer: InvalidResponse caused by an XmlError limit", async () => {
    reply = (res) => send(res, 200, "1.1", deep(100));
    const e = await faultError(soap("1.1"));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.cause).toBeInstanceOf(XmlError);
    expect((e.cause as XmlError).reason).toBe("limit");
    expect((e.cause as XmlError).limit).toBe("maxDepth");
    expect(e.reason).toContain("maxDepth");
  });

  it("reads within the xmlLimits given", async () => {
    reply = (res) => send(res, 200, "1.1", deep(100));
    expect((await soap("1.1", { xmlLimits: { maxDepth: 200 } })).status).toBe(200);

    reply = (res) => send(res, 200, "1.1", deep(3));
    expect((await soap("1.1")).status).toBe(200);
    const e = await faultError(soap("1.1", { xmlLimits: { maxElements: 5 } }));
    expect((e.cause as XmlError).limit).toBe("maxElements");
  });
});

describe("sendSoap: timeouts, aborts and transport errors", () => {
  it("gives up after timeoutMs with a TimeoutError", async () => {
    reply = (res) => {
      held.push(res);
    };
    const e = await rejection(soap("1.1", { timeoutMs: 50 }));
    expect(e).toBeInstanceOf(TimeoutError);
    expect((e as TimeoutError).code).toBe("timeout");
    expect((e as Error).message).toBe("Ping: no answer within 50 ms");
  });

  it("times out while the body is still arriving", async () => {
    reply = (res) => {
      held.push(res);
      res.writeHead(200, { "content-type": "text/xml; charset=utf-8" });
      res.write("<s:Envelope");
    };
    expect(await rejection(soap("1.1", { timeoutMs: 100 }))).toBeInstanceOf(TimeoutError);
  });

  it("stops when the caller aborts, with an AbortError carrying the reason", async () => {
    const controller = new AbortController();
    reply = (res) => {
      held.push(res);
      controller.abort("user went away");
    };
    const e = await rejection(soap("1.1", { signal: controller.signal, timeoutMs: 0 }));
    expect(e).toBeInstanceOf(AbortError);
    expect((e as AbortError).cause).toBe("user went away");
    expect(seen).toHaveLength(1);
  });

  it("does not send anything for a signal already aborted", async () => {
    reply = (res) => send(res, 200, "1.1", buildEnvelope("1.1", "<x/>"));
    const e = await rejection(soap("1.1", { signal: AbortSignal.abort("early") }));
    expect(e).toBeInstanceOf(AbortError);
    expect(seen).toHaveLength(0);
  });

  it("reports a refused connection as a TransportError", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const e = await rejection(soap("1.1", { url: `http://127.0.0.1:${port}/svc` }));
    expect(e).toBeInstanceOf(TransportError);
  });

  it("uses the fetch it is given", async () => {
    const urls: string[] = [];
    const out = await soap("1.2", {
      fetch: async (input) => {
        urls.push(String(input));
        return new Response(buildEnvelope("1.2", "<ok/>"), { status: 200 });
      },
    });
    expect(out.envelope.body.localName).toBe("ok");
    expect(urls).toEqual([`${base}/svc`]);
    expect(seen).toHaveLength(0);
  });
});

describe("callSoapOperation", () => {
  /** What the generator compiles from `Ping`: an object whose `text` has at most 10 characters. */
  const validatePing: CompiledSchema = compiled((d: unknown, p: string, e: CompiledProblems) => {
    if (!d || typeof d !== "object") return typeProblem(e, p, "object");
    const text = (d as { text?: unknown }).text;
    if (text === undefined) requiredProblem(e, p, "text");
    else if (typeof text !== "string") typeProblem(e, `${p}/text`, "string");
    else if (text.length > 10)
      problem(e, `${p}/text`, "maxLength", { limit: 10 }, "must NOT have more than 10 characters");
  });
  const service: SoapServiceDescriptor = {
    name: "PingService",
    version: "1.1",
    address: "http://unused.invalid/svc",
    targetNamespace: NS,
    types: {
      Ping: {
        kind: "complex",
        attributes: [],
        particles: [
          {
            kind: "element",
            property: "text",
            name: { ns: NS, local: "text" },
            type: { scalar: "string", xsd: "string" },
            minOccurs: 1,
            maxOccurs: 1,
            nillable: false,
          },
        ],
      },
      PingResponse: {
        kind: "complex",
        attributes: [],
        particles: [
          {
            kind: "element",
            property: "count",
            name: { ns: NS, local: "count" },
            type: { scalar: "integer", xsd: "int" },
            minOccurs: 1,
            maxOccurs: 1,
            nillable: false,
          },
        ],
      },
    },
    operations: {
      Ping: {
        name: "Ping",
        action: `${NS}/IPing/Ping`,
        input: {
          name: { ns: NS, local: "Ping" },
          type: { ref: "Ping" },
          nillable: false,
          schema: "Ping",
          validate: validatePing,
        },
        output: {
          name: { ns: NS, local: "PingResponse" },
          type: { ref: "PingResponse" },
          nillable: false,
        },
      },
    },
  };
  const answer = (count: string) =>
    buildEnvelope("1.1", `<PingResponse xmlns="${NS}"><count>${count}</count></PingResponse>`);

  it("encodes the input, sends it with the operation's action and decodes the output", async () => {
    reply = (res) => send(res, 200, "1.1", answer("3"));
    const client = createSoapClient(service, {
      url: `${base}/ping`,
      headers: { "x-client": "t" },
      soapHeaders: () => [`<h:Auth xmlns:h="urn:h">k</h:Auth>`],
    });
    const out = await callSoapOperation<{ count: number }>(client, "Ping", { text: "a<b" });
    expect(out).toEqual({ count: 3 });
    const req = seen[0]!;
    expect(req.url).toBe("/ping");
    expect(req.headers.soapaction).toBe(`"${NS}/IPing/Ping"`);
    expect(req.headers["x-client"]).toBe("t");
    expect(req.body).toBe(
      buildEnvelope("1.1", `<Ping xmlns="${NS}"><text>a&lt;b</text></Ping>`, [
        `<h:Auth xmlns:h="urn:h">k</h:Auth>`,
      ]),
    );
  });

  it("checks the input before sending and the answer's shape after", async () => {
    reply = (res) => send(res, 200, "1.1", answer("many"));
    const client = createSoapClient(service, { url: `${base}/ping` });
    const bad = await rejection(callSoapOperation(client, "Ping", { text: "far too long" }));
    expect(bad).toBeInstanceOf(ValidationError);
    expect(seen).toHaveLength(0);
    expect((bad as ValidationError).issues).toEqual([
      { path: "/text", message: "must NOT have more than 10 characters" },
    ]);
    const wrong = await rejection(callSoapOperation(client, "Ping", { text: "ok" }));
    expect(wrong).toBeInstanceOf(ValidationError);
    expect((wrong as ValidationError).direction).toBe("response");
  });

  it("sends what the compiled validator refuses when validation is off", async () => {
    reply = (res) => send(res, 200, "1.1", answer("2"));
    const client = createSoapClient(service, { url: `${base}/ping`, validation: "off" });
    expect(await callSoapOperation(client, "Ping", { text: "far too long" })).toEqual({
      count: 2,
    });
    expect(seen).toHaveLength(1);
  });

  it("refuses, when made, a service whose element names a schema without its compiled validator", () => {
    const { validate: _, ...input } = service.operations.Ping!.input;
    const handWritten: SoapServiceDescriptor = {
      ...service,
      operations: { Ping: { ...service.operations.Ping!, input } },
    };
    for (const make of [
      () => createSoapClient(handWritten, { url: `${base}/ping` }),
      () => createSoapServer(handWritten, {}),
    ]) {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigurationError);
      expect((error as ConfigurationError).message).toBe(
        "PingService.Ping: the input element Ping names the schema Ping but carries no compiled validator (validate)",
      );
    }
    // Without a schema nothing is to be checked: such a service is accepted.
    const { schema: __, ...plain } = input;
    const unchecked: SoapServiceDescriptor = {
      ...service,
      operations: { Ping: { ...service.operations.Ping!, input: plain } },
    };
    expect(() => createSoapClient(unchecked, { url: `${base}/ping` })).not.toThrow();
    expect(() => createSoapServer(unchecked, {})).not.toThrow();
  });

  it("rejects with what faultError makes of a received fault, and leaves other errors alone", async () => {
    class TypedFault extends Error {
      constructor(readonly fault: SoapFaultError) {
        super(fault.reason);
      }
    }
    const detail = `<p:Problem xmlns:p="urn:p"><p:Code>busy</p:Code></p:Problem>`;
    reply = (res) =>
      send(
        res,
        500,
        "1.1",
        buildEnvelope("1.1", faultXml("1.1", new SoapFault("Server", "no", { detail }))),
      );
    const client = createSoapClient(service, {
      url: `${base}/ping`,
      faultError: (f) => new TypedFault(f),
    });
    const e = await rejection(callSoapOperation(client, "Ping", { text: "x" }));
    expect(e).toBeInstanceOf(TypedFault);
    expect((e as TypedFault).fault.detail).toBe(detail);
    expect((e as TypedFault).fault.operationId).toBe("Ping");
    // Not a fault: the error as it is.
    const bad = await rejection(callSoapOperation(client, "Ping", { text: "far too long" }));
    expect(bad).toBeInstanceOf(ValidationError);
  });

  it("passes the client's maxResponseBytes", async () => {
    reply = (res) => send(res, 200, "1.1", answer("1"));
    const small = createSoapClient(service, { url: `${base}/ping`, maxResponseBytes: 64 });
    const e = await faultError(callSoapOperation(small, "Ping", { text: "x" }));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.operationId).toBe("Ping");
    expect(e.reason).toContain("larger than 64 bytes");
    const enough = createSoapClient(service, {
      url: `${base}/ping`,
      maxResponseBytes: 4096,
    });
    expect(await callSoapOperation(enough, "Ping", { text: "x" })).toEqual({ count: 1 });
  });

  it("passes the client's xmlLimits", async () => {
    reply = (res) => send(res, 200, "1.1", answer("1"));
    const strict = createSoapClient(service, {
      url: `${base}/ping`,
      xmlLimits: { maxDepth: 3 },
    });
    const e = await faultError(callSoapOperation(strict, "Ping", { text: "x" }));
    expect(e.faultCode).toBe("InvalidResponse");
    expect(e.cause).toBeInstanceOf(XmlError);
    expect((e.cause as XmlError).limit).toBe("maxDepth");
    const loose = createSoapClient(service, {
      url: `${base}/ping`,
      xmlLimits: { maxDepth: 4 },
    });
    expect(await callSoapOperation(loose, "Ping", { text: "x" })).toEqual({ count: 1 });
  });

  it("passes the call's timeout over the client's", async () => {
    reply = (res) => {
      held.push(res);
    };
    const client = createSoapClient(service, { url: `${base}/ping`, timeoutMs: 60_000 });
    const e = await rejection(callSoapOperation(client, "Ping", { text: "x" }, { timeoutMs: 50 }));
    expect(e).toBeInstanceOf(TimeoutError);
  });

  it("refuses an unknown operation", async () => {
    const client = createSoapClient(service, { url: `${base}/ping` });
    await expect(callSoapOperation(client, "Nope", {})).rejects.toThrow("unknown operation Nope");
  });
});
