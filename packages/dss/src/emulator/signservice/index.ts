import type { RawRequest, RawResponse, Router } from "@trustspec/runtime/server";
import {
  addressingReplyHeaders,
  buildEnvelope,
  childElements,
  parseXml,
  readAddressingHeaders,
  requestBaseUrl,
  SOAP12_NS,
  SoapFault,
  soapContentType,
  soapFaultResponse,
} from "@trustspec/runtime/soap";
import { createDssSignServiceServer } from "../../generated/signservice/server.gen.js";
import { schemaDocuments, wsdl } from "../../generated/signservice/soap.gen.js";
import {
  type SignServiceEndpointSecurity,
  type SignServiceTokenPolicy,
  symmetricBindingEndpointSecurity,
  transportBindingEndpointSecurity,
} from "../../soap/endpoint-security.js";
import { SIGN_SERVICE_ENDPOINT_KINDS, SIGN_SERVICE_PATH } from "../../soap/endpoints.js";
import { type SecureSessionEndpoint, secureSessionEndpoint } from "../../soap/session-endpoint.js";
import { ReplayCache } from "../../wssecurity/replay.js";
import { createSignServerHandlers, type SignServerConfig } from "../signserver/index.js";
import type { DssEmulatorState } from "../state.js";
import { createSignServiceHandlers, type SoapPrincipals } from "./handlers.js";

/**
 * Where the SOAP Sign Service is served: `SignServer/SignService.svc` on the DSS host
 * («КриптоПро DSS. Руководство разработчика», ЖТЯИ.00096-02 97 01, ch. 2, lines 921-973).
 */
export const SIGN_SERVICE_SVC_PATH = SIGN_SERVICE_PATH;

/**
 * The endpoints served: no secure session. A `federation…` endpoint differs from its `token…`
 * twin only in where the client got its token (the issuer its binding names, the identity
 * centre's `/STS/Active.svc/username/transport`, which the emulator serves): the message security
 * and the checks are the same.
 */
const OFFERED = new Set([
  "token/transport/nosc",
  "token/nosc",
  "federation/transport/nosc",
  "federation/nosc",
  "token/transport",
  "federation/transport",
  "token",
  "federation",
]);
/** Kinds the emulator would not offer (none now; kept for endpoints the guide may add). */
const UNOFFERED = new Set(SIGN_SERVICE_ENDPOINT_KINDS.filter((k) => !OFFERED.has(k)));

const MEX_NS = "http://schemas.xmlsoap.org/ws/2004/09/mex";
const TRANSFER_GET = "http://schemas.xmlsoap.org/ws/2004/09/transfer/Get";
const TRANSFER_GET_RESPONSE = "http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse";
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What the Sign Service of the emulator is built from. */
export interface SignServiceOptions {
  state: DssEmulatorState;
  /** The Signature Service's configuration (the same object the REST handlers use). */
  config: SignServerConfig;
  /** The identity centre's token-signing certificate (PEM); asked for once the emulator is ready. */
  issuerKey: () => string;
  /** The `Issuer` the assertions must name. */
  issuer: string;
  /**
   * The audiences accepted (the endpoints' addresses, the default AppliesTo); a live list, to
   * which the emulator adds its addresses as it starts listening.
   */
  audiences: readonly string[];
  /** Largest accepted request body in bytes. */
  maxBodyBytes: number;
}

/**
 * The SOAP Sign Service of the emulator, answering every path under
 * {@link SIGN_SERVICE_SVC_PATH}:
 * - `token/transport/nosc`: HTTPS only (over plain HTTP a fault, as a real service has no such
 *   endpoint without TLS); the issued SAML token endorsing the timestamp with its proof key.
 * - `token/nosc`: the proof key as the symmetric protection token, requests and answers signed
 *   and encrypted.
 * - `federation/transport/nosc` and `federation/nosc`: the same as their `token…` twins; the
 *   token comes from the issuer the WSDL's federation bindings name, the emulator's own identity
 *   centre (`/STS/Active.svc/username/transport`, the served WSDL giving this host).
 * - `token/transport` and `federation/transport`: a secure session over HTTPS
 *   (WS-SecureConversation 1.3): an RST/SCT protected like `…/transport/nosc` (the issued token
 *   endorsing the timestamp) gets a Security Context Token and a key computed from both sides'
 *   entropy; later requests carry the context token endorsing their timestamp; RST/SCT/Cancel
 *   ends the session. The sessions (identifier → key, the token's subject and claims, expiry:
 *   10 minutes or the token's end) are kept per endpoint; an unknown, expired or cancelled one
 *   is refused with `wsc:BadContextToken`.
 * - `token` and `federation`: a secure session without transport security: the RST/SCT and its
 *   answer signed and encrypted with the issued token's proof key (as on `…/nosc`), later
 *   requests and answers with keys derived from the session key (`DerivedKeyToken`s naming the
 *   context token); sessions kept and refused as on `…/transport`.
 * - `?wsdl` and `?xsd=…` on the service and on each endpoint: the WSDL with every port at this
 *   host; `/mex`: WS-MetadataExchange GetMetadata (WS-Transfer Get) answering the WSDL and its
 *   schemas as metadata sections.
 * Tokens are checked as the Sign Service does: the assertion's signature by the identity centre's
 * key, its issuer, audience and lifetime, a proof key the identity centre issued and that has not
 * expired, the timestamp's freshness and signature, replay (one cache for both endpoints). Every
 * fault travels with HTTP 500, as WCF sends them.
 */
export function createSignService(
  options: SignServiceOptions,
): (r: RawRequest) => Promise<RawResponse> {
  const { state } = options;
  let endpoints: Map<string, Router> | undefined;
  const sessions = new Map<string, SecureSessionEndpoint>();

  function build(): Map<string, Router> {
    const principals: SoapPrincipals = new WeakMap();
    const handlers = createSignServiceHandlers(
      state,
      createSignServerHandlers(state, options.config, principals),
      principals,
    );
    const policy: SignServiceTokenPolicy = {
      issuerKey: options.issuerKey(),
      issuer: options.issuer,
      audiences: options.audiences,
      proofKey: (id) => {
        const record = state.samlTokens.get(id);
        return record && record.expiresAt > state.nowMs() ? record.proofKey : undefined;
      },
      replayCache: new ReplayCache(),
      verifiedAssertions: new ReplayCache(),
      now: () => new Date(state.nowMs()),
    };
    const server = ({ security, understoodHeaders }: SignServiceEndpointSecurity) =>
      createDssSignServiceServer(handlers, {
        security,
        understoodHeaders,
        clientFaultStatus: 500,
        maxBodyBytes: options.maxBodyBytes,
      });
    const transport = server(transportBindingEndpointSecurity(policy));
    const symmetric = server(symmetricBindingEndpointSecurity(policy));
    for (const kind of ["token/transport", "federation/transport", "token", "federation"]) {
      const binding = kind.endsWith("transport") ? "transport" : "symmetric";
      sessions.set(kind, secureSessionEndpoint({ policy, binding }));
    }
    return new Map([
      ["token/transport/nosc", transport],
      ["token/nosc", symmetric],
      ["federation/transport/nosc", transport],
      ["federation/nosc", symmetric],
      ...[...sessions].map(([kind, session]) => [kind, server(session)] as const),
    ]);
  }

  return async (request) => {
    const q = request.url.indexOf("?");
    const path = q < 0 ? request.url : request.url.slice(0, q);
    const query = q < 0 ? "" : request.url.slice(q + 1);
    const endpoint = path.slice(SIGN_SERVICE_SVC_PATH.length).replace(/^\/+|\/+$/g, "");
    if (request.method === "GET" && /^wsdl$/i.test(query)) {
      return xmlAnswer(servedDocument(wsdl, request));
    }
    const xsd = request.method === "GET" ? /^xsd=([\w.-]+)$/i.exec(query) : null;
    if (xsd && Object.hasOwn(schemaDocuments, xsd[1]!)) {
      return xmlAnswer(servedDocument(schemaDocuments[xsd[1]!]!, request));
    }
    if (endpoint === "mex") return metadata(request);
    if ((UNOFFERED as Set<string>).has(endpoint)) {
      return fault(
        `The endpoint ${endpoint} needs a secure session (WS-SecureConversation), which the emulator does not offer; use ${endpoint}/nosc.`,
        500,
      );
    }
    endpoints ??= build();
    const router = endpoints.get(endpoint);
    if (!router) return fault(`The Sign Service has no endpoint ${endpoint || "here"}.`, 404);
    if (endpoint.includes("transport") && request.scheme !== "https") {
      return fault(`The endpoint ${endpoint} is served over HTTPS only.`, 500);
    }
    const session = await sessions.get(endpoint)?.handleSessionMessage(request);
    if (session) return session;
    // A DSSFault answer carries its operation's fault action (…/ISignService/<op>DSSFaultFault):
    // the generated server stub takes it from the WSDL's wsdl:fault.
    return router.handle(request);
  };
}

/** The service's base address for this request, e.g. `https://127.0.0.1:8443/SignServer/SignService.svc`. */
function serviceBase(request: RawRequest): string | undefined {
  const base = requestBaseUrl(request);
  if (base === undefined) return undefined;
  const at = base.indexOf(SIGN_SERVICE_SVC_PATH);
  return at < 0 ? undefined : base.slice(0, at + SIGN_SERVICE_SVC_PATH.length);
}

/**
 * The WSDL or a schema document with the DSS host of its addresses (the Sign Service's ports and
 * the identity centre's) set to the host the request came to, each port keeping its endpoint
 * path, and the served schemas' `?xsd=` locations made absolute.
 */
function servedDocument(text: string, request: RawRequest): string {
  const base = serviceBase(request);
  if (base === undefined) return text;
  const origin = base.slice(0, base.length - SIGN_SERVICE_SVC_PATH.length);
  return text
    .replace(/https?:\/\/dss\.cryptopro\.ru\/(?=SignServer\/|STS\/)/g, `${origin}/`)
    .replace(/schemaLocation="\?xsd=/g, `schemaLocation="${base}?xsd=`);
}

function xmlAnswer(text: string): RawResponse {
  return {
    status: 200,
    headers: { "content-type": "text/xml; charset=utf-8" },
    body: encoder.encode(text),
  };
}

/** A `Sender` fault of SOAP 1.2 with `reason`, answered with `status`. */
function fault(reason: string, status: number): RawResponse {
  return soapFaultResponse("1.2", new SoapFault("Client", reason), { status });
}

/**
 * WS-MetadataExchange over SOAP 1.2 (WCF's `/mex`): a WS-Transfer `Get` is answered with a
 * `GetResponse` whose `Metadata` holds the WSDL and each schema document as a `MetadataSection`.
 */
function metadata(request: RawRequest): RawResponse {
  if (request.method !== "POST") {
    return fault("Send a WS-Transfer Get (SOAP 1.2) to the metadata endpoint.", 405);
  }
  let messageId: string | undefined;
  try {
    // A Get has an empty body, which a SOAP envelope of an operation may not have.
    const root = parseXml(decoder.decode(request.body));
    if (root.namespaceURI !== SOAP12_NS || root.localName !== "Envelope") throw new Error();
    const header = childElements(root).find((e) => e.localName === "Header");
    const addressing = readAddressingHeaders(header ? childElements(header) : []);
    if (addressing.action !== TRANSFER_GET) {
      return fault(`The metadata endpoint answers ${TRANSFER_GET} only.`, 500);
    }
    messageId = addressing.messageId;
  } catch {
    return fault("The request is not a SOAP 1.2 envelope.", 500);
  }
  const strip = (xml: string) => xml.replace(/^\s*<\?xml[^>]*\?>\s*/, "");
  const sections = [
    `<wsx:MetadataSection Dialect="http://schemas.xmlsoap.org/wsdl/" Identifier="http://dss.cryptopro.ru/services/2014/06/">${strip(servedDocument(wsdl, request))}</wsx:MetadataSection>`,
    ...Object.values(schemaDocuments).map((xsd) => {
      const target = /targetNamespace="([^"]*)"/.exec(xsd)?.[1] ?? "";
      return `<wsx:MetadataSection Dialect="http://www.w3.org/2001/XMLSchema" Identifier="${target}">${strip(servedDocument(xsd, request))}</wsx:MetadataSection>`;
    }),
  ];
  return {
    status: 200,
    headers: { "content-type": soapContentType("1.2", TRANSFER_GET_RESPONSE) },
    body: encoder.encode(
      buildEnvelope(
        "1.2",
        `<wsx:Metadata xmlns:wsx="${MEX_NS}">${sections.join("")}</wsx:Metadata>`,
        addressingReplyHeaders(TRANSFER_GET_RESPONSE, messageId),
      ),
    ),
  };
}
