/**
 * @trustspec/dss/soap: the CryptoPro DSS Sign Service's SOAP interface (`SignService.svc`,
 * developer guide ch. 2): the typed client of its 23 operations with the WS-Security its
 * endpoints require, bound to the token the identity centre issues by WS-Trust (§6.3.1).
 *
 * - {@link createSignServiceClient} and the operation functions (`signDocument`,
 *   `getCertificates`, …), with the data types of §2.6-2.8;
 * - the endpoint addresses ({@link signServiceEndpoint}, {@link stsEndpoint});
 * - the message-security hooks of the client per binding ({@link transportBindingSecurity},
 *   {@link symmetricBindingSecurity}) and the token source ({@link wsTrustIssuedTokenProvider});
 * - the typed errors: {@link DssSoapFaultError} (the `DSSFault` detail), `WsSecurityError`.
 *
 * The server stub and its endpoint hooks are in `@trustspec/dss/server`, the MSW handlers in
 * `@trustspec/dss/mocks`.
 */

export {
  AbortError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "@trustspec/runtime/core";
export { SoapFaultError, XmlError } from "@trustspec/runtime/soap";
export {
  createRequest,
  createRequestEx,
  createTransactionToken,
  decryptDocument,
  deleteCertificate,
  deleteRequest,
  encryptDocument,
  enhanceSignature,
  getCertificate,
  getCertificateContent,
  getCertificates,
  getDSSPolicy,
  getRequest,
  getRequestContent,
  getRequests,
  getRevokeRequests,
  getTransactionID,
  installCertificateBase64,
  installCertificateDer,
  setCertificateProperty,
  setRequestStatus,
  signDocument,
  signDocuments,
} from "./generated/signservice/client.gen.js";
export * from "./generated/signservice/types.gen.js";
export {
  createSignServiceClient,
  type SignServiceClient,
  type SignServiceClientOptions,
  type SignServiceFederationOptions,
} from "./soap/client.js";
export {
  type IssuedTokenSource,
  resolveIssuedToken,
  type SignServiceClientSecurityOptions,
  symmetricBindingSecurity,
  transportBindingSecurity,
} from "./soap/client-security.js";
export {
  DEFAULT_SIGN_SERVICE_ENDPOINT_KIND,
  SIGN_SERVICE_ENDPOINT_KINDS,
  SIGN_SERVICE_PATH,
  type SignServiceEndpointKind,
  type SupportedSignServiceEndpointKind,
  signServiceEndpoint,
  signServiceEndpointKind,
} from "./soap/endpoints.js";
export { DssSoapFaultError, isDssSoapFaultError, readDssFault } from "./soap/faults.js";
export {
  type FederationTokenDefaults,
  type FederationTokenOptions,
  federationTokenSource,
} from "./soap/federation.js";
export { WsSecurityError, type WsSecurityErrorCode } from "./wssecurity/errors.js";
export {
  issueSecurityToken,
  type WsTrustAnswerer,
  type WsTrustChallengeContext,
  type WsTrustCredentials,
  WsTrustFailedError,
  type WsTrustFault,
  type WsTrustIssueOptions,
  type WsTrustOutcome,
} from "./wstrust/client.js";
export {
  STS_ACTIVE_PATH,
  STS_ENDPOINT_KINDS,
  STS_ENDPOINTS,
  type StsEndpointKind,
  stsEndpoint,
} from "./wstrust/endpoints.js";
export {
  CLAIMS as DSS_CLAIMS,
  type InteractiveChallengeMessage,
  type IssuedSecurityToken,
} from "./wstrust/messages.js";
export {
  type IssuedTokenProvider,
  type IssuedTokenRequest,
  type WsTrustIssuedTokenProvider,
  type WsTrustIssuedTokenProviderOptions,
  wsTrustIssuedTokenProvider,
} from "./wstrust/provider.js";
