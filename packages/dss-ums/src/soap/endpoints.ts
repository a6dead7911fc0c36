/**
 * The user management service's SOAP addresses. «КриптоПро DSS. Руководство разработчика»,
 * ЖТЯИ.00096-02 97 01, ch. 4: the service is `UserManagement.svc` under the identity centre's
 * application (`/<ApplicationName>/UserManagement.svc`, `STS` by default), its WSDL at `?wsdl`,
 * and the operations are called at two endpoints: `/cert`, where the operator authenticates with
 * a TLS client certificate, and `/token`, where every message carries a SAML token the identity
 * centre issued, protected with its proof key.
 */

/** The two endpoint kinds of the service: the address's path after `UserManagement.svc/`. */
export const UMS_SOAP_ENDPOINT_KINDS = ["cert", "token"] as const;

/** One of the service's endpoint kinds. */
export type UmsSoapEndpointKind = (typeof UMS_SOAP_ENDPOINT_KINDS)[number];

/** The endpoint kind a client uses by default: HTTPS with the operator's client certificate. */
export const DEFAULT_UMS_SOAP_ENDPOINT_KIND = "cert" satisfies UmsSoapEndpointKind;

/** The identity centre's application name the service lives under by default. */
export const DEFAULT_UMS_APPLICATION_NAME = "STS";

/** The service's file name on the DSS host, after the application name. */
export const UMS_SOAP_SERVICE = "UserManagement.svc";

/**
 * The address of an endpoint of the service. `base` is the DSS host's URL (`https://dss.example`,
 * optionally with a path prefix) or the service's own address (ending in `/UserManagement.svc`);
 * a trailing slash is ignored. `applicationName` is the identity centre's application (default
 * `STS`).
 * @example umsSoapEndpoint("https://dss.example", "token")
 *   // "https://dss.example/STS/UserManagement.svc/token"
 * @throws RangeError for a kind that is not `cert` or `token`, or an application name with a `/`.
 */
export function umsSoapEndpoint(
  base: string,
  kind: UmsSoapEndpointKind = DEFAULT_UMS_SOAP_ENDPOINT_KIND,
  applicationName: string = DEFAULT_UMS_APPLICATION_NAME,
): string {
  if (!(UMS_SOAP_ENDPOINT_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(`${JSON.stringify(kind)} is not an endpoint kind of UserManagement.svc`);
  }
  if (!/^[^/?#\s]+$/.test(applicationName)) {
    throw new RangeError(`${JSON.stringify(applicationName)} is not an application name`);
  }
  const root = base.replace(/\/+$/, "");
  const service = /\/UserManagement\.svc$/i.test(root)
    ? root
    : `${root}/${applicationName}/${UMS_SOAP_SERVICE}`;
  return `${service}/${kind}`;
}

/** The endpoint kind of a `UserManagement.svc` address, when it ends in one. */
export function umsSoapEndpointKind(url: string): UmsSoapEndpointKind | undefined {
  const path = url.replace(/[?#].*$/, "").replace(/\/+$/, "");
  const kind = /\/UserManagement\.svc\/([^/]+)$/i.exec(path)?.[1];
  return (UMS_SOAP_ENDPOINT_KINDS as readonly string[]).includes(kind ?? "")
    ? (kind as UmsSoapEndpointKind)
    : undefined;
}
