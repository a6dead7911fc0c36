/**
 * WS-Trust 1.3 with the DSS identity centre (guide 6.3.1, 6.7.1, 7): the message builders and
 * parsers, and the client that runs the User Interactive Challenge exchange to a token.
 */

export {
  issueSecurityToken,
  WSTRUST_MAX_RESPONSE_BYTES,
  type WsTrustAnswerer,
  type WsTrustChallengeContext,
  type WsTrustCredentials,
  WsTrustFailedError,
  type WsTrustFault,
  type WsTrustIssueOptions,
  type WsTrustOutcome,
  wsTrustTokenProvider,
} from "./client.js";
export {
  STS_ACTIVE_PATH,
  STS_ENDPOINT_KINDS,
  STS_ENDPOINTS,
  type StsEndpointKind,
  stsEndpoint,
} from "./endpoints.js";
export {
  ACTIONS as WSTRUST_ACTIONS,
  CLAIMS as DSS_CLAIMS,
  challengeResponseXml,
  type InteractiveChallengeMessage,
  type IssuedSecurityToken,
  KEY_TYPE_BEARER,
  KEY_TYPE_SYMMETRIC,
  NS as WSTRUST_NS,
  type ParsedRequestSecurityToken,
  type ParsedTrustResponse,
  parseRequestSecurityToken,
  parseTrustResponse,
  REQUEST_TYPE_ISSUE,
  type RequestSecurityToken,
  requestSecurityTokenXml,
  trustEnvelope,
  usernameTokenHeader,
} from "./messages.js";
export {
  type IssuedTokenProvider,
  type IssuedTokenRequest,
  type WsTrustIssuedTokenProvider,
  type WsTrustIssuedTokenProviderOptions,
  wsTrustIssuedTokenProvider,
} from "./provider.js";
