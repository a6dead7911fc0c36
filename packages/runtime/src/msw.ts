import { type HttpHandler, http } from "msw";
import type { OperationDescriptor } from "./operation.js";
import type { Router } from "./server/router.js";

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
  // The router knows the API's own paths; a base URL's path (`/v1`) is taken off first.
  const basePath = new URL(base, "http://localhost").pathname.replace(/\/$/, "");
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
    handlers.push(
      http[method](path, async ({ request }) =>
        router.fetch(basePath ? await withoutBasePath(request, basePath) : request),
      ),
    );
  }
  return handlers;
}

async function withoutBasePath(request: Request, basePath: string): Promise<Request> {
  const url = new URL(request.url);
  url.pathname = url.pathname.slice(basePath.length) || "/";
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return new Request(url, {
    method: request.method,
    headers: request.headers,
    body: hasBody ? await request.arrayBuffer() : undefined,
  });
}

/**
 * MSW 2 handlers for a SOAP endpoint at `url`: POST answers through the endpoint (envelopes,
 * faults, SOAPAction routing exactly as the server stub), and GET serves `?wsdl`.
 */
export function toSoapMswHandlers(endpoint: Router, url: string): HttpHandler[] {
  const target = new URL(url);
  const path = `${target.origin}${target.pathname}`;
  const answer = async ({ request }: { request: Request }) => {
    const incoming = new URL(request.url);
    const local = new Request(new URL(`/${incoming.search}`, "http://soap.local"), {
      method: request.method,
      headers: request.headers,
      body:
        request.method === "GET" || request.method === "HEAD"
          ? undefined
          : await request.arrayBuffer(),
    });
    return endpoint.fetch(local);
  };
  return [http.post(path, answer), http.get(path, answer)];
}
