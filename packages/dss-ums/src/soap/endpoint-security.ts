import { X509Certificate } from "node:crypto";
import type { RawRequest } from "@trustspec/runtime/server";
import {
  type SoapEndpointSecurity,
  SoapFault,
  type SoapHandlerContext,
} from "@trustspec/runtime/soap";

/**
 * The service side of the `/cert` endpoint: a hook that maps the operator's TLS client
 * certificate to a caller before a request is read, and hands that caller to the handlers.
 */

const WSSE_NS = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd";

/** Each accepted request's caller, for the handlers. */
const callers = new WeakMap<RawRequest, unknown>();

/** How the `/cert` endpoint decides who calls. */
export interface ClientCertificateCallerOptions<TCaller> {
  /**
   * The caller the client certificate stands for (an operator of yours), or `undefined` to refuse
   * the request. It sees the certificate as the TLS connection presented it (serve with
   * `listen(router, { tls: { requestCert: true, ca } })`; with `rejectUnauthorized: false`, the
   * default, check the chain here, e.g. `certificate.verify(caKey)` or `checkIssued`).
   */
  authorize(
    certificate: X509Certificate,
    request: RawRequest,
  ): TCaller | undefined | Promise<TCaller | undefined>;
}

/** The endpoint options {@link clientCertificateEndpointSecurity} gives: spread them into the server's. */
export interface ClientCertificateEndpointSecurity {
  /** The hook that checks each request's client certificate. */
  security: SoapEndpointSecurity;
}

/**
 * The `/cert` endpoint's hook for a server of the service (`createDssUmsSoapServer(handlers,
 * { ...clientCertificateEndpointSecurity({ authorize }) })`): a request without a client
 * certificate, or with one `authorize` refuses, gets a `Sender` fault with the WS-Security subcode
 * `wsse:FailedAuthentication` before it is read, and no handler runs; an accepted request's caller
 * is {@link clientCertificateCallerOf} in the handlers. Messages are not changed.
 */
export function clientCertificateEndpointSecurity<TCaller>(
  options: ClientCertificateCallerOptions<TCaller>,
): ClientCertificateEndpointSecurity {
  const refuse = (reason: string) =>
    new SoapFault("Client", reason, { subcode: { ns: WSSE_NS, local: "FailedAuthentication" } });
  return {
    security: {
      async open(request, context) {
        const der = context.raw.clientCertificate;
        if (!der) throw refuse("The endpoint needs a TLS client certificate.");
        let certificate: X509Certificate;
        try {
          certificate = new X509Certificate(der);
        } catch {
          throw refuse("The TLS client certificate cannot be read.");
        }
        const caller = await options.authorize(certificate, context.raw);
        if (caller === undefined) throw refuse("The TLS client certificate is not authorised.");
        callers.set(context.raw, caller);
        return request;
      },
    },
  };
}

/**
 * The caller {@link clientCertificateEndpointSecurity}'s `authorize` gave for the request a
 * handler serves; `undefined` on a server without that hook.
 */
export function clientCertificateCallerOf<TCaller = unknown>(
  ctx: SoapHandlerContext<unknown>,
): TCaller | undefined {
  return callers.get(ctx.soap.raw) as TCaller | undefined;
}
