/**
 * A `fetch` that presents a TLS client certificate, for the identity centre's `/cert` endpoint
 * (Table 96: primary authentication by certificate over TLS). Node's global `fetch` cannot be
 * given a client certificate without undici's `Agent`, which is not a dependency here; this one
 * sends over `node:https` (loaded when first used, so the module stays importable elsewhere). It
 * does what the WS-Trust exchange needs: one request with a body, the whole answer read.
 */

import type { Agent } from "node:https";

/** The client certificate and the trust of a TLS connection. */
export interface ClientCertificate {
  /** The client certificate (PEM; a chain may follow it). */
  cert: string | Buffer;
  /** Its private key (PEM). */
  key: string | Buffer;
  /** The private key's passphrase, when it is encrypted. */
  passphrase?: string;
  /** The CA certificates trusted for the server (PEM; default Node's trusted roots). */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /**
   * The `node:https` agent to send with, e.g. one made with `keepAlive: true` (and the same
   * certificate, key and CAs) so that calls share connections; default: a new connection per call.
   */
  agent?: Agent;
}

/** A `fetch` over `node:https` presenting `certificate` to the server. */
export function clientCertificateFetch(certificate: ClientCertificate): typeof globalThis.fetch {
  return httpsFetch({
    cert: certificate.cert,
    key: certificate.key,
    ...(certificate.passphrase !== undefined ? { passphrase: certificate.passphrase } : {}),
    ...(certificate.ca !== undefined
      ? { ca: certificate.ca as string | Buffer | (string | Buffer)[] }
      : {}),
    ...(certificate.agent ? { agent: certificate.agent } : {}),
  });
}

/**
 * @internal A `fetch` over `node:https` with these TLS settings (client certificate, trusted CAs,
 * an agent keeping connections open): one request with a body, the whole answer read.
 */
export function httpsFetch(tls: {
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  ca?: string | Buffer | (string | Buffer)[];
  agent?: import("node:https").Agent;
}): typeof globalThis.fetch {
  return async (input, init) => {
    const { request } = await import("node:https");
    const req = new Request(input, init);
    const body = new Uint8Array(await req.arrayBuffer());
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return new Promise<Response>((resolve, reject) => {
      const r = request(req.url, { method: req.method, headers, ...tls }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
          }
          const status = res.statusCode ?? 500;
          const nullBody = status === 204 || status === 304 || req.method === "HEAD";
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      });
      const abort = () =>
        r.destroy(req.signal.reason instanceof Error ? req.signal.reason : new Error("aborted"));
      if (req.signal.aborted) abort();
      else req.signal.addEventListener("abort", abort, { once: true });
      r.on("error", reject);
      r.end(body);
    });
  };
}
