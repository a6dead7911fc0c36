/**
 * The identity centre's WS-Trust endpoints. «КриптоПро DSS. Руководство разработчика»,
 * ЖТЯИ.00096-02 97 01, §6.3.1, Table 96 (lines 9914-9937): the STS at `STS/Active.svc` on the
 * DSS host (the Java sample's `http://dss.cryptopro.ru/STS/Active.svc`, §7.2.3, line 12326) has
 * one endpoint per kind of primary authentication, each with or without transport security.
 */

/** The endpoints of Table 96, by their relative address; what each authenticates with is `STS_ENDPOINTS`. */
export const STS_ENDPOINT_KINDS = [
  "/",
  "username/transport",
  "issuedtoken",
  "issuedtoken/transport",
  "cert",
] as const;

/** One of the identity centre's WS-Trust endpoints (Table 96's relative address; `/` is the service's own). */
export type StsEndpointKind = (typeof STS_ENDPOINT_KINDS)[number];

/** How each endpoint authenticates the caller (Table 96) and whether it needs HTTPS. */
export const STS_ENDPOINTS: Readonly<
  Record<
    StsEndpointKind,
    { credentials: "username" | "issuedToken" | "certificate"; transport: boolean }
  >
> = {
  "/": { credentials: "username", transport: false },
  "username/transport": { credentials: "username", transport: true },
  issuedtoken: { credentials: "issuedToken", transport: false },
  "issuedtoken/transport": { credentials: "issuedToken", transport: true },
  cert: { credentials: "certificate", transport: true },
};

/** The STS's path on the DSS host. */
export const STS_ACTIVE_PATH = "/STS/Active.svc";

/**
 * The address of a WS-Trust endpoint of the identity centre. `base` is the DSS host's URL
 * (`https://dss.example`, optionally with a path prefix), or the STS's own address (ending in
 * `/Active.svc`); a trailing slash is ignored.
 * @example stsEndpoint("https://dss.example", "username/transport")
 *   // "https://dss.example/STS/Active.svc/username/transport"
 */
export function stsEndpoint(base: string, kind: StsEndpointKind): string {
  if (!(STS_ENDPOINT_KINDS as readonly string[]).includes(kind)) {
    throw new RangeError(
      `${JSON.stringify(kind)} is not an endpoint of the identity centre (Table 96)`,
    );
  }
  const root = base.replace(/\/+$/, "");
  const service = /\/Active\.svc$/i.test(root) ? root : `${root}${STS_ACTIVE_PATH}`;
  return kind === "/" ? service : `${service}/${kind}`;
}
