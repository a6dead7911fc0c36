import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { RawRequest, RawResponse, Router } from "./router.js";

/*
 * The adapter from a request handler to a fetch-style handler and a `node:http` listener, in a
 * module of its own: the SOAP endpoint builds on it without the REST router, whose fallback for
 * descriptors without compiled validators loads a schema compiler.
 */

/**
 * A {@link Router} over any `handle` function: the same request as a fetch-style handler and as a
 * `node:http` listener. For servers that compose several generated routers (an emulator serving
 * two APIs under their own paths). The listener drops a body larger than `maxBody` bytes as it
 * streams in and hands `handle` one byte over the limit, which the generated routers answer 413.
 */
export function routerFrom(
  handle: (request: RawRequest) => Promise<RawResponse>,
  maxBody: number,
): Router {
  return {
    handle,
    async fetch(req: Request): Promise<Response> {
      const url = new URL(req.url);
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => {
        headers[k] = v;
      });
      // A fetch Request keeps its host in the URL; HTTP/1.1 would have sent it as Host.
      headers.host ??= url.host;
      const body = new Uint8Array(await req.arrayBuffer());
      const out = await handle({
        method: req.method,
        url: url.pathname + url.search,
        headers,
        body,
        scheme: url.protocol === "https:" ? "https" : "http",
      });
      return new Response(
        out.body.byteLength > 0 || !nullBodyStatus(out.status)
          ? (out.body as Uint8Array<ArrayBuffer>)
          : null,
        {
          status: out.status,
          headers: out.headers,
        },
      );
    },
    listener(req: IncomingMessage, res: ServerResponse) {
      const respond = (body: Uint8Array) => {
        const socket = req.socket as Partial<TLSSocket>;
        const request: RawRequest = {
          method: req.method ?? "GET",
          url: req.url ?? "/",
          headers: req.headers as Record<string, string>,
          body,
          scheme: socket.encrypted === true ? "https" : "http",
        };
        const remoteAddress = socket.remoteAddress;
        if (remoteAddress) request.remoteAddress = remoteAddress;
        if (request.scheme === "https") {
          const certificate = peerCertificate(socket);
          if (certificate) request.clientCertificate = certificate;
        }
        handle(request).then(
          (out) => {
            try {
              // Headers as one flat list, which node:http writes without copying it into an object.
              // A HEAD answer has no body; "0" would misstate the size of the GET one (RFC 9110 §8.6).
              const sized = req.method !== "HEAD";
              const headers: string[] = [];
              for (const name in out.headers) {
                if (sized && name.length === 14 && name.toLowerCase() === "content-length")
                  continue;
                headers.push(name, out.headers[name]!);
              }
              if (sized) headers.push("content-length", String(out.body.byteLength));
              res.writeHead(out.status, headers);
              res.end(out.body);
            } catch {
              // A header node:http refuses (e.g. a newline in a value set by a handler).
              if (res.headersSent) res.destroy();
              else res.writeHead(500, { "content-length": "0" }).end();
            }
          },
          () => res.destroy(),
        );
      };
      // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112 §6.3):
      // it is answered at once, without streaming an empty body in (node:http discards what is
      // left of a request once its answer is sent).
      const length = req.headers["content-length"];
      if (
        req.headers["transfer-encoding"] === undefined &&
        (length === undefined || length === "0")
      ) {
        respond(EMPTY);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let tooLarge = false;
      req.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBody) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on("error", () => res.destroy());
      req.on("end", () => {
        // An oversized body is dropped as it streams in; one byte over the limit tells `handle`
        // to answer 413 (allocating `size` bytes would let a huge upload exhaust memory).
        respond(
          tooLarge
            ? new Uint8Array(maxBody + 1)
            : chunks.length === 1
              ? chunks[0]!
              : Buffer.concat(chunks),
        );
      });
    },
  };
}

const EMPTY = new Uint8Array(0);

/** The client's TLS certificate (DER), when the connection is TLS and the client sent one. */
function peerCertificate(socket: Partial<TLSSocket>): Uint8Array | undefined {
  if (typeof socket.getPeerCertificate !== "function") return undefined;
  const raw = socket.getPeerCertificate().raw as Buffer | undefined;
  return raw && raw.byteLength > 0 ? new Uint8Array(raw) : undefined;
}

function nullBodyStatus(status: number): boolean {
  return status === 204 || status === 205 || status === 304;
}
