import { listen } from "@trustspec/runtime/server";
import { afterEach } from "vitest";
import { createDssSignClient, type DssSignClient } from "../src/generated/signserver/client.gen.js";
import {
  createDssSignRouter,
  type DssSignHandlers,
  formatDssSignError,
} from "../src/generated/signserver/server.gen.js";
import { createDssStsClient, type DssStsClient } from "../src/generated/sts/client.gen.js";
import {
  createDssStsRouter,
  type DssStsHandlers,
  formatDssStsError,
} from "../src/generated/sts/server.gen.js";

/**
 * Shared by the OAuth, confirmation and policy tests: the generated STS and Signature Service
 * routers served over HTTP on 127.0.0.1 with the test's own handlers, closed after each test.
 */

const servers: { close(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** Serves the STS router with `handlers`; returns a generated STS client pointed at it. */
export async function startSts(handlers: Partial<DssStsHandlers>): Promise<DssStsClient> {
  const server = await listen(createDssStsRouter(handlers, { formatError: formatDssStsError }));
  servers.push(server);
  return createDssStsClient({ baseUrl: server.url, retry: false });
}

/** Serves the Signature Service router with `handlers`; returns a generated client pointed at it. */
export async function startSign(
  handlers: Partial<DssSignHandlers>,
  options: { auth?: DssSignClient["options"]["auth"] } = {},
): Promise<DssSignClient> {
  const server = await listen(createDssSignRouter(handlers, { formatError: formatDssSignError }));
  servers.push(server);
  return createDssSignClient({
    baseUrl: server.url,
    retry: false,
    ...(options.auth ? { auth: options.auth } : {}),
  });
}

/** A clock the test moves by hand, in milliseconds. */
export function manualClock(start = Date.UTC(2017, 1, 28, 20, 14, 48)) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** Decodes one base64url JWT part as JSON. */
export function decodePart(part: string): unknown {
  return JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
}

/** Resolves after the event loop has had a turn (lets pending requests start). */
export function tick(ms = 0): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
