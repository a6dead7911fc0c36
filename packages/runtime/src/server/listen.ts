import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Router } from "./router.js";

/** Serves a router on node:http; resolves once it listens. `port` 0 picks a free port. */
export async function listen(
  router: Router,
  options: { host?: string; port?: number } = {},
): Promise<{
  url: string;
  server: Server;
  /** Closes open connections and stops listening. */
  close(): Promise<void>;
}> {
  const server = createServer(router.listener);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
