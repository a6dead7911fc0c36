/**
 * The backpost receiver for `node:http` (and frameworks built on it, such as Express): a request
 * listener around the handler of {@link createBackpostHandler}. The body is read within the limit
 * before a Fetch `Request` is made of it; an error in the application's callbacks answers 500
 * without details.
 * @module
 */

import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import {
  type BackpostHandlerOptions,
  createBackpostHandler,
  DEFAULT_MAX_BACKPOST_BYTES,
} from "./backpost.js";

export type { BackpostContext, BackpostHandlerOptions } from "./backpost.js";

/** Options of {@link createBackpostListener}. */
export interface BackpostListenerOptions extends BackpostHandlerOptions {
  /**
   * The origin the listener is reached at (`https://app.example`), used to rebuild the request
   * URL; default `http://` and the request's Host header.
   */
  origin?: string;
  /** Called with an error thrown by the application's callbacks (the answer is a bare 500). */
  onError?: (error: unknown) => void;
}

function tooLarge(res: ServerResponse): void {
  res.writeHead(413, { "content-type": "text/plain; charset=utf-8", connection: "close" });
  res.end("The post is too large\n");
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * A `node:http` request listener that receives DSS's posts to backpost: `http.createServer(
 * createBackpostListener({ secret, sessionId, onOutcome }))`, or mount it on the backpost route
 * of an Express application.
 */
export function createBackpostListener(options: BackpostListenerOptions): RequestListener {
  const handle = createBackpostHandler(options);
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BACKPOST_BYTES;
  return (req, res) => {
    void (async () => {
      try {
        if (Number(req.headers["content-length"] ?? 0) > limit) {
          req.resume();
          return tooLarge(res);
        }
        const method = (req.method ?? "GET").toUpperCase();
        const body = method === "GET" || method === "HEAD" ? undefined : await readBody(req, limit);
        if (body === undefined && method !== "GET" && method !== "HEAD") {
          req.resume();
          return tooLarge(res);
        }
        const requestHeaders = new Headers();
        for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
          requestHeaders.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
        }
        const origin = options.origin ?? `http://${req.headers.host ?? "localhost"}`;
        const request = new Request(new URL(req.url ?? "/", origin), {
          method,
          headers: requestHeaders,
          ...(body ? { body: new Uint8Array(body) } : {}),
        });
        const response = await handle(request);
        const headers: Record<string, string | string[]> = Object.fromEntries(response.headers);
        const cookies = response.headers.getSetCookie();
        if (cookies.length > 0) headers["set-cookie"] = cookies;
        res.writeHead(response.status, headers);
        res.end(Buffer.from(await response.arrayBuffer()));
      } catch (error) {
        options.onError?.(error);
        if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain; charset=utf-8" });
        res.end("Internal error\n");
      }
    })();
  };
}
