import { type ClientCertificate, clientCertificateFetch } from "@trustspec/dss/node";
import {
  DssSoapFaultError,
  type FederationTokenOptions,
  federationTokenSource,
  type IssuedTokenSource,
  readDssFault,
  symmetricBindingSecurity,
} from "@trustspec/dss/soap";
import { ConfigurationError } from "@trustspec/runtime/core";
import type {
  SoapClientOptions,
  SoapClientSecurity,
  SoapFaultError,
} from "@trustspec/runtime/soap";
import { createDssUmsSoapClient, type DssUmsSoapClient } from "../generated/ums-soap/client.gen.js";
import {
  DEFAULT_UMS_APPLICATION_NAME,
  DEFAULT_UMS_SOAP_ENDPOINT_KIND,
  type UmsSoapEndpointKind,
  umsSoapEndpoint,
  umsSoapEndpointKind,
} from "./endpoints.js";

/**
 * A client of the user management service's SOAP interface: pass it to the operation functions
 * (`registerUser`, `getUsers`, …) and the operator scenarios. Made by {@link createUmsSoapClient}.
 */
export type UmsSoapClient = DssUmsSoapClient;

/**
 * For the `/token` endpoint: where and how the client obtains its token from the identity centre
 * (one WS-Trust exchange; the token is then kept and refreshed shortly before it expires), as the
 * Sign Service client's `federation` option does.
 */
export type UmsSoapFederationOptions = Omit<FederationTokenOptions, "transactionId">;

/** Settings of a user management SOAP client. */
export interface UmsSoapClientOptions
  extends Omit<SoapClientOptions, "url" | "security" | "faultError"> {
  /** The endpoint's address. Without it, `baseUrl`, `applicationName` and `endpoint` make it. */
  url?: string;
  /** The DSS host's URL (`https://dss.example`), from which the endpoint's address is made. */
  baseUrl?: string;
  /** The identity centre's application the service lives under (default `STS`). */
  applicationName?: string;
  /**
   * The endpoint kind (default: the one `url` ends in, else `cert`): `cert` authenticates the
   * operator by the TLS client certificate, `token` by the issued token in every message.
   */
  endpoint?: UmsSoapEndpointKind;
  /**
   * The operator's TLS client certificate and key (PEM), and the CAs trusted for the server
   * (default Node's roots): the client then sends over `node:https` presenting them. Needed on
   * `/cert`, unless `fetch` presents a certificate itself (e.g. undici's with a dispatcher).
   */
  certificate?: ClientCertificate;
  /** For `/token`: the issued token, a fixed one or a provider asked before each call. */
  token?: IssuedTokenSource;
  /** For `/token`: the client obtains the token from the identity centre itself. */
  federation?: UmsSoapFederationOptions;
  /**
   * Message security of your own in place of the endpoint's (none for a test service with
   * `null`); `token` and `federation` are then not used.
   */
  security?: SoapClientSecurity | null;
  /** On `/token`: how long each message's timestamp is valid, in seconds (default 300). */
  timestampTtlSeconds?: number;
  /** On `/token`: the allowed clock difference when checking an answer's timestamp, in seconds (default 300). */
  maxClockSkewSeconds?: number;
  /** The clock of the message security (default `() => new Date()`). */
  now?: () => Date;
}

/**
 * What the client makes of a received fault: a `DssSoapFaultError` when its detail is the
 * `DSSFault` every operation declares, else the fault as it is (e.g. a WS-Security fault).
 */
function umsSoapFaultError(fault: SoapFaultError): SoapFaultError {
  const detail = readDssFault(fault.detail);
  return detail ? new DssSoapFaultError(fault, detail) : fault;
}

/** The issued token of a `/token` client: the fixed one or provider, or one from the identity centre. */
function tokenSource(
  options: UmsSoapClientOptions,
  url: string,
  fetch: typeof globalThis.fetch | undefined,
): IssuedTokenSource {
  const { token, federation } = options;
  if (federation) {
    if (token)
      throw new ConfigurationError("federation", "Give either token or federation, not both.");
    return federationTokenSource(federation, {
      appliesTo: url,
      fetch,
      timeoutMs: options.timeoutMs,
    });
  }
  if (!token) {
    throw new ConfigurationError(
      "token",
      "The token endpoint needs the issued token (token), or federation options to obtain it.",
    );
  }
  return token;
}

/**
 * A client of the CryptoPro DSS user management service over SOAP (`UserManagement.svc`,
 * developer guide ch. 4) with the security of its endpoint. On `/cert` (the default) the operator
 * authenticates with the TLS client certificate given in `certificate`; on `/token` every request
 * carries the issued SAML token and is signed and encrypted with its proof key, and every answer
 * must come back signed and encrypted with it (the Sign Service's symmetric binding, reused from
 * `@trustspec/dss/soap`); the token is given (`token`) or obtained from the identity centre
 * (`federation`). A fault with the `DSSFault` detail rejects as a `DssSoapFaultError` (its
 * `dssCode` and `dssMessage`); an answer the message security refuses as a `WsSecurityError`.
 * @throws ConfigurationError when no address can be made, `/token` has no token source, `cert`
 *   comes with a token, or `certificate` comes with `fetch`.
 */
export function createUmsSoapClient(options: UmsSoapClientOptions): UmsSoapClient {
  const {
    url: givenUrl,
    baseUrl,
    applicationName,
    endpoint,
    certificate,
    token,
    federation,
    security: givenSecurity,
    timestampTtlSeconds,
    maxClockSkewSeconds,
    now,
    ...rest
  } = options;
  let url = givenUrl;
  if (url === undefined) {
    if (baseUrl === undefined) {
      throw new ConfigurationError("url", "Give the endpoint's url, or the DSS host's baseUrl.");
    }
    url = umsSoapEndpoint(
      baseUrl,
      endpoint ?? DEFAULT_UMS_SOAP_ENDPOINT_KIND,
      applicationName ?? DEFAULT_UMS_APPLICATION_NAME,
    );
  }
  const kind = endpoint ?? umsSoapEndpointKind(url) ?? DEFAULT_UMS_SOAP_ENDPOINT_KIND;
  if (certificate && rest.fetch) {
    throw new ConfigurationError(
      "certificate",
      "Give either the client certificate or a fetch that presents one, not both.",
    );
  }
  let security: SoapClientSecurity | undefined;
  if (givenSecurity !== undefined) {
    security = givenSecurity ?? undefined;
  } else if (kind === "token") {
    security = symmetricBindingSecurity({
      token: tokenSource(options, url, rest.fetch),
      ...(timestampTtlSeconds !== undefined ? { timestampTtlSeconds } : {}),
      ...(maxClockSkewSeconds !== undefined ? { maxClockSkewSeconds } : {}),
      ...(now ? { now } : {}),
    });
  } else if (token || federation) {
    throw new ConfigurationError(
      token ? "token" : "federation",
      "The cert endpoint authenticates by the TLS client certificate; a token is for the token endpoint.",
    );
  }
  return createDssUmsSoapClient({
    ...rest,
    url,
    ...(certificate ? { fetch: clientCertificateFetch(certificate) } : {}),
    ...(security ? { security } : {}),
    faultError: umsSoapFaultError,
  });
}
