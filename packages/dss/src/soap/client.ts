import { ConfigurationError } from "@trustspec/runtime/core";
import type { SoapClientOptions, SoapClientSecurity } from "@trustspec/runtime/soap";
import {
  createDssSignServiceClient,
  type DssSignServiceClient,
} from "../generated/signservice/client.gen.js";
import {
  type IssuedTokenSource,
  symmetricBindingSecurity,
  transportBindingSecurity,
} from "./client-security.js";
import {
  DEFAULT_SIGN_SERVICE_ENDPOINT_KIND,
  type SignServiceEndpointKind,
  signServiceEndpoint,
  signServiceEndpointKind,
} from "./endpoints.js";
import { signServiceFaultError } from "./faults.js";
import { type FederationTokenOptions, federationTokenSource } from "./federation.js";
import { secureSessionSecurity } from "./session-security.js";

/**
 * A client of the Sign Service's SOAP interface: pass it to the operation functions
 * (`signDocument`, `getCertificates`, …). Made by {@link createSignServiceClient}.
 */
export type SignServiceClient = DssSignServiceClient & {
  /**
   * Ends the client's secure session, when its endpoint has one and it is open (WS-SecureConversation
   * `RST/SCT/Cancel`); a later call establishes a new one. Does nothing on the `…/nosc` endpoints.
   */
  close(): Promise<void>;
};

/**
 * For the `federation…` endpoints: where and how the client obtains its token from the identity
 * centre before calling (one call on the caller's side; the token is then kept and refreshed).
 * The WSDL's federation bindings name the issuer: the identity centre's
 * `/STS/Active.svc/username/transport` on the DSS host (`stsEndpoint(base, "username/transport")`).
 */
export type SignServiceFederationOptions = FederationTokenOptions;

/** Settings of a Sign Service client. */
export interface SignServiceClientOptions
  extends Omit<SoapClientOptions, "url" | "security" | "faultError"> {
  /** The endpoint's address. Without it, `baseUrl` and `endpoint` make it. */
  url?: string;
  /** The DSS host's URL (`https://dss.example`), from which the endpoint's address is made. */
  baseUrl?: string;
  /**
   * The endpoint kind (default: the one `url` ends in, else `token/transport/nosc`): it selects
   * the message security. All eight are implemented: `token/transport/nosc`, `token/nosc`,
   * `token/transport` and `token` (the last two with a secure session) and their
   * `federation/…` twins.
   */
  endpoint?: SignServiceEndpointKind;
  /** The issued token for the `token…` endpoints: a fixed one, or a provider asked before each call. */
  token?: IssuedTokenSource;
  /** For the `federation…` endpoints: the client obtains the token itself. */
  federation?: SignServiceFederationOptions;
  /**
   * Message security of your own in place of the endpoint's (e.g. for an endpoint kind this
   * package does not implement, or none for a test service). `token` and `federation` are then
   * not used.
   */
  security?: SoapClientSecurity | null;
  /** How long each message's timestamp is valid, in seconds (default 300). */
  timestampTtlSeconds?: number;
  /** The clock of the message security (default `() => new Date()`). */
  now?: () => Date;
  /**
   * On the endpoints with a secure session: how long before the session's `Lifetime/Expires` a
   * new one is established, in seconds (default 60).
   */
  sessionRefreshSkewSeconds?: number;
}

/**
 * A client of the CryptoPro DSS Sign Service (SOAP, `SignService.svc`) with the message security
 * of its endpoint: on `…/transport/nosc` (the default, HTTPS) every request carries the issued
 * SAML token endorsing a timestamp; on `…/nosc` every request and answer is signed and encrypted
 * with the token's proof key. On `…/transport` and on `token`/`federation` (a secure session,
 * WS-SecureConversation 1.3) the first call establishes the session with the issued token (a
 * Security Context Token, the key computed from both sides' entropy); later calls carry the
 * context token endorsing their timestamp (`…/transport`, HTTPS) or are signed and encrypted
 * both ways with keys derived from the session key (`token`, `federation`); a new session is
 * established shortly before it expires or when the service no longer knows it, and `close()`
 * cancels it. A fault with the `DSSFault` detail rejects as a
 * {@link DssSoapFaultError}; a message the client's security refuses as a `WsSecurityError`.
 * @throws ConfigurationError when no address can be made, or no token source is given.
 */
export function createSignServiceClient(options: SignServiceClientOptions): SignServiceClient {
  const {
    url: givenUrl,
    baseUrl,
    endpoint,
    token,
    federation,
    security: givenSecurity,
    timestampTtlSeconds,
    now,
    sessionRefreshSkewSeconds,
    ...rest
  } = options;
  let url = givenUrl;
  if (url === undefined) {
    if (baseUrl === undefined) {
      throw new ConfigurationError("url", "Give the endpoint's url, or the DSS host's baseUrl.");
    }
    url = signServiceEndpoint(baseUrl, endpoint ?? DEFAULT_SIGN_SERVICE_ENDPOINT_KIND);
  }
  const kind = endpoint ?? signServiceEndpointKind(url) ?? DEFAULT_SIGN_SERVICE_ENDPOINT_KIND;
  let security: SoapClientSecurity | undefined;
  let close = async () => {};
  if (givenSecurity !== undefined) {
    security = givenSecurity ?? undefined;
  } else {
    let source: IssuedTokenSource | undefined = token;
    if (federation) {
      if (token) {
        throw new ConfigurationError("federation", "Give either token or federation, not both.");
      }
      source = federationTokenSource(federation, {
        appliesTo: url,
        fetch: rest.fetch,
        timeoutMs: rest.timeoutMs,
      });
    }
    if (!source) {
      throw new ConfigurationError(
        kind.startsWith("federation") ? "federation" : "token",
        kind.startsWith("federation")
          ? "A federation endpoint needs the federation options (the STS and credentials), or a token."
          : "A token endpoint needs the issued token (token), or federation options to obtain it.",
      );
    }
    const settings = {
      token: source,
      ...(timestampTtlSeconds !== undefined ? { timestampTtlSeconds } : {}),
      ...(now ? { now } : {}),
    };
    if (kind.endsWith("transport/nosc")) security = transportBindingSecurity(settings);
    else if (kind.endsWith("nosc")) security = symmetricBindingSecurity(settings);
    else {
      const session = secureSessionSecurity({
        ...settings,
        url,
        binding: kind.endsWith("transport") ? "transport" : "symmetric",
        ...(rest.fetch ? { fetch: rest.fetch } : {}),
        ...(rest.timeoutMs !== undefined ? { timeoutMs: rest.timeoutMs } : {}),
        ...(sessionRefreshSkewSeconds !== undefined
          ? { refreshSkewSeconds: sessionRefreshSkewSeconds }
          : {}),
      });
      security = session;
      close = () => session.close();
    }
  }
  const client = createDssSignServiceClient({
    ...rest,
    url,
    ...(security ? { security } : {}),
    faultError: signServiceFaultError,
  });
  return Object.assign(client, { close });
}
