import {
  type SignServiceTokenPolicy,
  signServiceTokenOf,
  symmetricBindingEndpointSecurity,
} from "@trustspec/dss/server";
import type { RawRequest, RawResponse, Router } from "@trustspec/runtime/server";
import {
  SoapFault,
  type SoapHandlerContext,
  type SoapServerOptions,
  soapFaultResponse,
} from "@trustspec/runtime/soap";
import type { DssUmsHandlers } from "../../generated/ums/server.gen.js";
import { createDssUmsSoapServer } from "../../generated/ums-soap/server.gen.js";
import {
  clientCertificateCallerOf,
  clientCertificateEndpointSecurity,
} from "../../soap/endpoint-security.js";
import type { Operator } from "../handlers.js";
import type { UmsState } from "../state.js";
import { createUmsSoapHandlers, umsSoapFault } from "./handlers.js";

export { umsSoapFault } from "./handlers.js";

/**
 * Where the SOAP user management service is served: `/<ApplicationName>/UserManagement.svc`,
 * the identity centre's application `STS` by default («КриптоПро DSS. Руководство разработчика»,
 * ЖТЯИ.00096-02 97 01, ch. 4, lines 4928-4936); its endpoints `/cert` and `/token` (lines
 * 5002-5022).
 */
export const DEFAULT_UMS_SOAP_PATH = "/STS/UserManagement.svc";

/** What the SOAP service of the UMS emulator is built from. */
export interface UmsSoapServiceOptions {
  /** Where the service is served, e.g. `/STS/UserManagement.svc`. */
  path: string;
  state: UmsState;
  /** The REST handlers over `state` (the REST router's own). */
  handlers: DssUmsHandlers;
  /** Registers the operator of a request for the REST handlers' `operatorOf`. */
  authorise(request: RawRequest, operator: Operator): void;
  /** The operator whose TLS client certificate (DER) this is, or undefined. */
  certificateOperator(der: Uint8Array): Operator | undefined;
  /**
   * The `/token` endpoint's trust, beside a DSS emulator: the policy of its symmetric binding
   * (asked for once, when the first request comes) and the operator a verified token's subject
   * is. Without it `/token` answers a fault saying so.
   */
  token?: {
    policy(): SignServiceTokenPolicy;
    operatorOf(subject: string): Operator | undefined;
  };
  maxBodyBytes: number;
  /** Checks the service's own answers against the schema (`strict`: a fault instead; default `off`). */
  responseValidation?: "strict" | "off";
}

/**
 * The SOAP user management service (`IUserManagementService`) of the emulator, answering every
 * path under `options.path`:
 * - `/cert`: HTTPS only; the caller is the operator whose certificate the TLS client certificate
 *   is (no message security, as the WSDL's transport binding says). The emulator asks every
 *   HTTPS client for a certificate but does not require one at the handshake, since the REST
 *   service and `?wsdl` share the server: a request without a certificate, with one it does not
 *   know, or with one of a user who is not an operator is refused here, with a SOAP fault
 *   (`Sender`, subcode `wsse:FailedAuthentication`) over HTTP 500, before any operation runs.
 * - `/token`: the issued SAML token's proof key protects each message (the Sign Service's
 *   symmetric binding, `token/nosc`): the token must be signed by the identity centre, name one
 *   of this endpoint's addresses as audience, be within its lifetime, and its subject must be an
 *   operator (else a `DSSFault` `Forbidden`). Without a DSS emulator there is no identity centre
 *   and every request is answered with a fault saying so.
 * - `?wsdl` and `?xsd=…` on the service and on each endpoint: the WSDL with both ports at this
 *   host (the runtime's served WSDL keeps each port's suffix).
 * Every fault travels with HTTP 500, as WCF sends them; a refused operation changes nothing.
 */
export function createUmsSoapService(
  options: UmsSoapServiceOptions,
): (request: RawRequest) => Promise<RawResponse> {
  const path = options.path;

  function caller(ctx: SoapHandlerContext<unknown>): RawRequest {
    const raw = ctx.soap.raw;
    let operator = clientCertificateCallerOf<Operator>(ctx);
    if (!operator && options.token) {
      const subject = signServiceTokenOf(ctx)?.subject;
      operator = subject === undefined ? undefined : options.token.operatorOf(subject);
      if (!operator) {
        throw umsSoapFault(
          "Forbidden",
          "Only a DSS Operator manages users (guide, lines 12418-12424).",
        );
      }
    }
    if (!operator) throw umsSoapFault("Unauthorized", "The caller is not authenticated.");
    options.authorise(raw, operator);
    return raw;
  }

  const handlers = createUmsSoapHandlers(options.state, options.handlers, { caller });
  const server = (endpoint: Pick<SoapServerOptions, "security" | "understoodHeaders">) =>
    createDssUmsSoapServer(handlers, {
      ...endpoint,
      clientFaultStatus: 500,
      maxBodyBytes: options.maxBodyBytes,
      responseValidation: options.responseValidation ?? "off",
    });
  // The certificate as the TLS connection presented it, compared byte for byte with those held.
  const cert = server(
    clientCertificateEndpointSecurity({
      authorize: (certificate) => options.certificateOperator(certificate.raw),
    }),
  );
  let token: Router | undefined;
  const tokenServer = () => {
    if (!options.token) return undefined;
    token ??= server(symmetricBindingEndpointSecurity(options.token.policy()));
    return token;
  };

  return async (request) => {
    const q = request.url.indexOf("?");
    const pathname = q < 0 ? request.url : request.url.slice(0, q);
    const query = q < 0 ? "" : request.url.slice(q + 1);
    const endpoint = pathname
      .slice(path.length)
      .replace(/^\/+|\/+$/g, "")
      .toLowerCase();
    // The WSDL and its schemas, on the service and on either endpoint.
    if (request.method === "GET" && /^(wsdl|xsd=[\w.-]+)$/i.test(query))
      return cert.handle(request);
    if (endpoint === "cert") {
      if (request.method === "POST" && request.scheme !== "https") {
        return fault("The endpoint cert is served over HTTPS only (transport security).", 500);
      }
      return cert.handle(request);
    }
    if (endpoint === "token") {
      const router = tokenServer();
      if (router) return router.handle(request);
      return fault(
        "The endpoint token needs the SAML token of an identity centre: run the emulator beside the DSS emulator (option dss), or call the endpoint cert.",
        500,
      );
    }
    return fault(
      `The user management service has no endpoint ${endpoint || "here"}: use ${path}/cert or ${path}/token, or GET ${path}?wsdl.`,
      404,
    );
  };
}

/** A `Sender` fault of SOAP 1.2 with `reason`, answered with `status`. */
function fault(reason: string, status: number): RawResponse {
  return soapFaultResponse("1.2", new SoapFault("Client", reason), { status });
}
