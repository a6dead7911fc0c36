import { type HttpHandler, http } from "msw";
import type { OperationDescriptor } from "./operation.js";
import type { Router } from "./server.js";

/**
 * MSW 2 request handlers for a router: one per method and path of the API, each answering
 * through the router, so mocks check requests exactly as the server stub does.
 */
export function toMswHandlers(
  router: Router,
  ops: readonly OperationDescriptor[],
  baseUrl: string,
): HttpHandler[] {
  const seen = new Set<string>();
  const handlers: HttpHandler[] = [];
  const base = baseUrl.replace(/\/$/, "");
  for (const op of ops) {
    const key = `${op.method} ${op.path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const path = base + op.path.replace(/\{([^}]+)\}/g, ":$1");
    const method = op.method.toLowerCase() as
      | "get"
      | "post"
      | "put"
      | "patch"
      | "delete"
      | "head"
      | "options";
    handlers.push(http[method](path, ({ request }) => router.fetch(request)));
  }
  return handlers;
}
