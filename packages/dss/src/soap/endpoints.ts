/**
 * The Sign Service's endpoint addresses. «КриптоПро DSS. Руководство разработчика»,
 * ЖТЯИ.00096-02 97 01, ch. 2 (lines 921-973): the service is `SignServer/SignService.svc` on the
 * DSS host, its WSDL at `?wsdl` and `/mex`, and the operations are called at eight endpoints. The
 * first four take a token the caller already holds; with the other four the token is obtained
 * from the identity centre on the caller's behalf (WS-Federation). `nosc`: no secure session,
 * every call authenticates; `transport`: HTTPS protects the message.
 */

/** The eight endpoint kinds of the Sign Service, as the guide lists them. */
export const SIGN_SERVICE_ENDPOINT_KINDS = [
  "token",
  "token/nosc",
  "token/transport",
  "token/transport/nosc",
  "federation",
  "federation/nosc",
  "federation/transport",
  "federation/transport/nosc",
] as const;

/** One of the Sign Service's endpoint kinds (the address's path after `SignService.svc/`). */
export type SignServiceEndpointKind = (typeof SIGN_SERVICE_ENDPOINT_KINDS)[number];

/**
 * The endpoint kinds without a secure session, whose message security the endpoint hooks of
 * `@trustspec/dss/server` implement. The client implements all eight kinds, the four with a
 * secure session (WS-SecureConversation 1.3) included; the emulator serves all eight.
 */
export type SupportedSignServiceEndpointKind = Extract<SignServiceEndpointKind, `${string}nosc`>;

/** The endpoint kind the public client uses by default: HTTPS, a held token endorsing each call. */
export const DEFAULT_SIGN_SERVICE_ENDPOINT_KIND =
  "token/transport/nosc" satisfies SignServiceEndpointKind;

/** The service's path on the DSS host. */
export const SIGN_SERVICE_PATH = "/SignServer/SignService.svc";

/**
 * The address of an endpoint of the Sign Service. `base` is the DSS host's URL
 * (`https://dss.example`, optionally with a path prefix), or the service's own address (ending in
 * `/SignService.svc`); a trailing slash is ignored.
 * @example signServiceEndpoint("https://dss.example", "token/nosc")
 *   // "https://dss.example/SignServer/SignService.svc/token/nosc"
 */
export function signServiceEndpoint(
  base: string,
  kind: SignServiceEndpointKind = DEFAULT_SIGN_SERVICE_ENDPOINT_KIND,
): string {
  if (!(SIGN_SERVICE_ENDPOINT_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`${JSON.stringify(kind)} is not an endpoint kind of the Sign Service`);
  }
  const root = base.replace(/\/+$/, "");
  const service = /\/SignService\.svc$/i.test(root) ? root : `${root}${SIGN_SERVICE_PATH}`;
  return `${service}/${kind}`;
}

/** The endpoint kind of a Sign Service address, when it ends in one. */
export function signServiceEndpointKind(url: string): SignServiceEndpointKind | undefined {
  const path = url.replace(/[?#].*$/, "").replace(/\/+$/, "");
  const m = /\/SignService\.svc\/(.+)$/i.exec(path);
  const kind = m?.[1];
  return (SIGN_SERVICE_ENDPOINT_KINDS as readonly string[]).includes(kind ?? "")
    ? (kind as SignServiceEndpointKind)
    : undefined;
}
