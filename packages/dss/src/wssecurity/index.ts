/**
 * WS-Security for the Sign Service's SOAP endpoints: the client's header for the
 * `token/transport/nosc` binding (an issued SAML 1.1 token endorsed by its proof key) and the
 * service's verification of it. Internal for now: the SOAP client and the emulator use it.
 */

export {
  DS_NS,
  SAML_ASSERTION_ID_VALUE_TYPE,
  SAML11_NS,
  SAML11_TOKEN_TYPE,
  WSSE_NS,
  WSU_NS,
} from "./constants.js";
export { WsSecurityError, type WsSecurityErrorCode } from "./errors.js";
export { ReplayCache } from "./replay.js";
export { type SamlAssertionInit, type SamlAttributeInit, signedSamlAssertion } from "./saml.js";
export {
  type OpenedSymmetricMessage,
  openSymmetric,
  protectSymmetric,
  pSha1,
  type SymmetricOpenPolicy,
  type SymmetricProtectOptions,
} from "./symmetric.js";
export {
  assertionReferenceXml,
  DEFAULT_TIMESTAMP_TTL_SECONDS,
  type SecurityTokenForHeader,
  type TransportSecurityHeaderOptions,
  transportSecurityHeader,
} from "./transport.js";
export {
  type SamlAttribute,
  type TransportSecurityPolicy,
  type VerifiedTransportSecurity,
  verifyTransportSecurity,
} from "./verify.js";
