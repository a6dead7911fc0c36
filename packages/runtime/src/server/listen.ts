import { createServer, type Server } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Router } from "./router.js";

/**
 * TLS settings of {@link listen}: the server's certificate chain and key (PEM) and, to ask for
 * client certificates, `requestCert` with the CAs (PEM) a client certificate is checked against.
 */
export interface ListenTlsOptions {
  /** The server certificate, then any intermediates (PEM). */
  cert: string;
  /** The server certificate's private key (PEM). */
  key: string;
  /** Asks clients for a certificate (then handlers see it as `RawRequest.clientCertificate`). */
  requestCert?: boolean;
  /**
   * Refuses connections whose client certificate is missing or does not chain to `ca` (default
   * `false`: the handler decides what a missing or unknown certificate means).
   */
  rejectUnauthorized?: boolean;
  /** The CAs client certificates are checked against (PEM). */
  ca?: string | readonly string[];
}

/**
 * Serves a router on node:http, or node:https with `tls`; resolves once it listens. `port` 0
 * picks a free port.
 */
export async function listen(
  router: Router,
  options: { host?: string; port?: number; tls?: ListenTlsOptions } = {},
): Promise<{
  url: string;
  server: Server;
  /** Closes open connections and stops listening. */
  close(): Promise<void>;
}> {
  const tls = options.tls;
  const server: Server = tls
    ? createTlsServer(
        {
          cert: tls.cert,
          key: tls.key,
          requestCert: tls.requestCert ?? false,
          rejectUnauthorized: tls.rejectUnauthorized ?? false,
          ...(tls.ca ? { ca: typeof tls.ca === "string" ? tls.ca : [...tls.ca] } : {}),
        },
        router.listener,
      )
    : createServer(router.listener);
  // An idle keep-alive connection is kept 30 s (announced as `Keep-Alive: timeout=30`; clients
  // such as undici drop theirs a second earlier). With Node's 5 s, a client whose event loop
  // stalled past its own 4 s deadline on a busy machine could send a POST on a connection the
  // server was closing, and fail with "other side closed" before any answer.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `${tls ? "https" : "http"}://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
