import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  ConfigurationError,
  callOperation,
  createClient,
  TransportError,
  TrustspecError,
} from "../src/index.js";
import { createSoapClient, type SoapServiceDescriptor, sendSoap } from "../src/soap.js";
import { bundle, getThing, listThings } from "./fixtures.js";

/** A port on 127.0.0.1 that was bound and closed again: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const failing = (error: unknown): typeof globalThis.fetch => {
  return async () => {
    throw error;
  };
};

/** A `fetch failed` TypeError over a system error, as Node's fetch throws it. */
function fetchFailed(code: string, message: string, extra: Record<string, unknown> = {}) {
  return new TypeError("fetch failed", {
    cause: Object.assign(new Error(message), { code, ...extra }),
  });
}

describe("TransportError messages", () => {
  it("a refused connection names the operation, method, URL, code and address", async () => {
    const port = await closedPort();
    const c = createClient(bundle, {
      baseUrl: `http://127.0.0.1:${port}/v1`,
      retry: false,
      headers: { authorization: "Bearer header-token-0001" },
    });
    const error = await callOperation(c, listThings, {
      query: { limit: 5, q: "query-secret-0002" },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TransportError);
    const e = error as TransportError;
    expect(e.message).toBe(
      `listThings: GET http://127.0.0.1:${port}/v1/things?limit=[redacted]&q=[redacted] failed before an answer arrived: ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(e.systemCode).toBe("ECONNREFUSED");
    expect(e.method).toBe("GET");
    expect(e.url).toBe(`http://127.0.0.1:${port}/v1/things?limit=[redacted]&q=[redacted]`);
    expect(e.code).toBe("transport_error");
    expect(e.operationId).toBe("listThings");
    expect(e.message).not.toContain("header-token-0001");
    expect(e.message).not.toContain("query-secret-0002");
    expect(e.cause).toBeInstanceOf(Error);
  });

  it("never shows credentials of the base URL, nor query values, nor the fetch error's copy of them", async () => {
    const port = await closedPort();
    // Node's fetch refuses a URL with credentials, and its message repeats the whole URL.
    const c = createClient(bundle, {
      baseUrl: `http://anna:pa55word-0003@127.0.0.1:${port}/v1?api_key=key-0004`,
      retry: false,
    });
    const e = (await callOperation(c, getThing, { path: { id: 7 } }).catch(
      (x: unknown) => x,
    )) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toMatch(
      new RegExp(
        `^getThing: GET http://127\\.0\\.0\\.1:${port}/v1/things/7\\?api_key=\\[redacted\\] failed before an answer arrived: `,
      ),
    );
    expect(e.message).toContain(`http://127.0.0.1:${port}/v1/things/7?api_key=[redacted]`);
    for (const secret of ["anna", "pa55word-0003", "key-0004"]) {
      expect(e.message).not.toContain(secret);
      expect(e.url).not.toContain(secret);
    }
  });

  it("a fetch error that quotes secrets is shown with them redacted", async () => {
    const c = createClient(bundle, {
      baseUrl: "https://api.example/v1",
      retry: false,
      fetch: failing(
        new Error(
          "proxy refused https://u:pw-0005@api.example/v1/things/1?token=tok-0006 (Authorization: Bearer tok-0007)",
        ),
      ),
    });
    const e = (await callOperation(c, getThing, { path: { id: 1 } }).catch(
      (x: unknown) => x,
    )) as TransportError;
    expect(e.message).toBe(
      "getThing: GET https://api.example/v1/things/1 failed before an answer arrived: proxy refused https://api.example/v1/things/1?token=[redacted] (Authorization: Bearer [redacted])",
    );
    expect(e.systemCode).toBeUndefined();
  });

  it.each([
    [
      "a host name that does not resolve",
      fetchFailed("ENOTFOUND", "getaddrinfo ENOTFOUND api.example", {
        hostname: "api.example",
        syscall: "getaddrinfo",
      }),
      "ENOTFOUND",
      "ENOTFOUND api.example",
    ],
    [
      "both addresses of a name refused",
      new TypeError("fetch failed", {
        cause: Object.assign(
          new AggregateError([
            Object.assign(new Error("connect ECONNREFUSED ::1:9099"), {
              code: "ECONNREFUSED",
              address: "::1",
              port: 9099,
            }),
            Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9099"), {
              code: "ECONNREFUSED",
              address: "127.0.0.1",
              port: 9099,
            }),
          ]),
          { code: "ECONNREFUSED" },
        ),
      }),
      "ECONNREFUSED",
      "ECONNREFUSED [::1]:9099, 127.0.0.1:9099",
    ],
    [
      "a connection closed by the server",
      fetchFailed("UND_ERR_SOCKET", "other side closed"),
      "UND_ERR_SOCKET",
      "UND_ERR_SOCKET: other side closed",
    ],
    ["a reset", fetchFailed("ECONNRESET", "read ECONNRESET"), "ECONNRESET", "read ECONNRESET"],
    [
      "a certificate the client does not trust",
      fetchFailed("DEPTH_ZERO_SELF_SIGNED_CERT", "self-signed certificate"),
      "DEPTH_ZERO_SELF_SIGNED_CERT",
      "DEPTH_ZERO_SELF_SIGNED_CERT: self-signed certificate",
    ],
    ["a failure without a code", new Error("boom"), undefined, "boom"],
    ["a thrown string", "down", undefined, "down"],
  ])("%s", async (_name, thrown, systemCode, detail) => {
    const c = createClient(bundle, {
      baseUrl: "https://api.example/v1",
      retry: false,
      fetch: failing(thrown),
    });
    const e = (await callOperation(c, getThing, { path: { id: 1 } }).catch(
      (x: unknown) => x,
    )) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toBe(
      `getThing: GET https://api.example/v1/things/1 failed before an answer arrived: ${detail}`,
    );
    expect(e.systemCode).toBe(systemCode);
  });

  it("without the request it still names the failure", () => {
    const e = new TransportError("op", fetchFailed("ECONNRESET", "read ECONNRESET"));
    expect(e.message).toBe("op: the request failed before an answer arrived: read ECONNRESET");
    expect(e.method).toBeUndefined();
    expect(e.url).toBeUndefined();
    expect(e.systemCode).toBe("ECONNRESET");
  });

  it("SOAP: a refused connection names POST, the URL, code and address", async () => {
    const port = await closedPort();
    const e = (await sendSoap({
      url: `http://svc:pa55-0008@127.0.0.1:${port}/svc?wsdl-token=tok-0009`,
      version: "1.1",
      action: "urn:a",
      operationId: "Notify",
      body: "<x/>",
      // Node's fetch refuses credentials in a URL; this one connects without them.
      fetch: (url, init) => {
        const plain = new URL(String(url));
        plain.username = "";
        plain.password = "";
        return fetch(plain, init);
      },
    }).catch((x: unknown) => x)) as TransportError;
    expect(e).toBeInstanceOf(TransportError);
    expect(e.message).toBe(
      `Notify: POST http://127.0.0.1:${port}/svc?wsdl-token=[redacted] failed before an answer arrived: ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(e.systemCode).toBe("ECONNREFUSED");
    expect(e.message).not.toContain("pa55-0008");
    expect(e.message).not.toContain("tok-0009");
  });
});

describe("base URL checks at client creation", () => {
  it.each([
    ["localhost:9099", '"localhost:9099": it has no http:// or https:// in front'],
    ["127.0.0.1:9099", '"127.0.0.1:9099": it has no http:// or https:// in front'],
    ["/api", '"/api": it has no http:// or https:// in front'],
    ["", '"": it is empty'],
    ["ftp://files.example/", '"ftp://files.example/": its scheme is ftp:'],
    ["http://", '"http://": it is not a valid URL'],
    ["anna:pa55-0010@host:9099", '"host:9099": it has no http:// or https:// in front'],
    ["api.example/v1?key=key-0011", '"api.example/v1": it has no http:// or https:// in front'],
  ])("refuses %j with a ConfigurationError naming baseUrl", (baseUrl, got) => {
    let error: unknown;
    try {
      createClient(bundle, { baseUrl });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect(error).toBeInstanceOf(TrustspecError);
    const e = error as ConfigurationError;
    expect(e.code).toBe("configuration_error");
    expect(e.option).toBe("baseUrl");
    expect(e.message).toBe(
      `baseUrl must be an absolute http:// or https:// URL, such as "https://api.example.com/v1"; got ${got}`,
    );
    expect(e.message).not.toContain("pa55-0010");
    expect(e.message).not.toContain("key-0011");
  });

  it("accepts http and https URLs, with a path, query or credentials, and no baseUrl", () => {
    for (const baseUrl of [
      "http://127.0.0.1:9099",
      "https://api.example/v1/",
      "HTTPS://API.EXAMPLE",
      "https://u:p@api.example/v1?x=1",
    ]) {
      expect(() => createClient(bundle, { baseUrl })).not.toThrow();
    }
    expect(() => createClient(bundle)).not.toThrow();
  });

  it("a SOAP client's url is checked the same way", () => {
    const service = { operations: {} } as unknown as SoapServiceDescriptor;
    let error: unknown;
    try {
      createSoapClient(service, { url: "dss.example/notify" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).option).toBe("url");
    expect((error as ConfigurationError).message).toBe(
      'url must be an absolute http:// or https:// URL, such as "https://api.example.com/v1"; got "dss.example/notify": it has no http:// or https:// in front',
    );
    expect(() => createSoapClient(service, { url: "http://127.0.0.1:8733/" })).not.toThrow();
    expect(() => createSoapClient(service)).not.toThrow();
  });
});
