/**
 * @trustspec/dss-ums/soap: the CryptoPro DSS user management service over SOAP
 * (`UserManagement.svc`, developer guide ch. 4): the typed client of its 30 operations, with the
 * security of its two endpoints, and the operator scenarios of the guide's C# samples (§4.4).
 *
 * - {@link createUmsSoapClient} and the operation functions (`registerUser`, `getUsers`,
 *   `setUserProperty`, …), with the data types of §4.2-4.3;
 * - the endpoint addresses ({@link umsSoapEndpoint}): `/cert` (the operator's TLS client
 *   certificate) and `/token` (the issued SAML token and its proof key, the Sign Service's
 *   symmetric binding from `@trustspec/dss/soap`);
 * - the operator scenarios ({@link registerUserWithScheme}, {@link enrolOtpToken},
 *   {@link enrolSimCard}, {@link enrolMyDss}, {@link findUser}, {@link iterateUsers},
 *   {@link setAccountLocked}, {@link removeUser}, …), also bound to a client as one object by
 *   {@link createUmsSoapOperator} with the REST `DssOperator`'s method names;
 * - the typed errors: `DssSoapFaultError` (the `DSSFault` detail every operation declares),
 *   `WsSecurityError`, {@link OperatorScenarioError} and the runtime's.
 *
 * The server stub and its endpoint hooks are in `@trustspec/dss-ums/server`, the MSW handlers in
 * `@trustspec/dss-ums/mocks`; the REST interface of the same service is the package's root.
 */

export { type ClientCertificate, clientCertificateFetch } from "@trustspec/dss/node";
export {
  DssSoapFaultError,
  type FederationTokenOptions,
  type InteractiveChallengeMessage,
  type IssuedSecurityToken,
  type IssuedTokenProvider,
  type IssuedTokenRequest,
  type IssuedTokenSource,
  isDssSoapFaultError,
  readDssFault,
  STS_ENDPOINT_KINDS,
  type StsEndpointKind,
  stsEndpoint,
  WsSecurityError,
  type WsSecurityErrorCode,
  type WsTrustAnswerer,
  type WsTrustChallengeContext,
  type WsTrustCredentials,
} from "@trustspec/dss/soap";
export {
  AbortError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  ValidationError,
} from "@trustspec/runtime/core";
export { type SoapCallOptions, SoapFaultError, XmlError } from "@trustspec/runtime/soap";
export {
  addExternalLogin,
  assignAuthenticationMethod,
  type DssUmsSoapClient,
  deleteUser,
  deleteUserMobileAuthToken,
  getAuthnTokens,
  getPolicy,
  getUser,
  getUserAuthenticationScheme,
  getUserById,
  getUserEmailInfo,
  getUserMobileAuthInfo,
  getUserOperationPolicy,
  getUserOtpTokenInfo,
  getUserPhoneInfo,
  getUserSimAuthInfo,
  getUsers,
  registerUser,
  removeAuthenticationMethod,
  removeUserAuthenticationData,
  resetPassword,
  setMobileAuthDeviceThumbprint,
  setUserDistinguishName,
  setUserGroup,
  setUserMobileAuthToken,
  setUserOperationPolicy,
  setUserOtpToken,
  setUserPhoneNumber,
  setUserProperty,
  setUserSimAuthToken,
  updateUserMobileAuthToken,
} from "./generated/ums-soap/client.gen.js";
export * from "./generated/ums-soap/types.gen.js";
export {
  type MethodName,
  OperatorScenarioError,
  type SchemeStep,
} from "./operator.js";
export { type TokenQuery, tokenQuery, type UserQuery, userQuery } from "./search.js";
export {
  createUmsSoapClient,
  type UmsSoapClient,
  type UmsSoapClientOptions,
  type UmsSoapFederationOptions,
} from "./soap/client.js";
export {
  DEFAULT_UMS_APPLICATION_NAME,
  DEFAULT_UMS_SOAP_ENDPOINT_KIND,
  UMS_SOAP_ENDPOINT_KINDS,
  UMS_SOAP_SERVICE,
  type UmsSoapEndpointKind,
  umsSoapEndpoint,
  umsSoapEndpointKind,
} from "./soap/endpoints.js";
export {
  AUTHENTICATION_METHOD_URIS,
  assignMethod,
  assignPhoneNumber,
  createUmsSoapOperator,
  type EnrolMyDssOptions,
  type EnrolOtpTokenOptions,
  type EnrolSimCardOptions,
  enrolMyDss,
  enrolOtpToken,
  enrolSimCard,
  findUser,
  isUserNotFound,
  iterateAuthnTokens,
  iterateUsers,
  methodUri,
  type RegisteredUser,
  type RegisterUserOptions,
  type RemovedUser,
  type RemoveUserOptions,
  registerUserWithScheme,
  removeMethod,
  removeUser,
  type SoapPagingOptions,
  setAccountLocked,
  type UmsSoapOperator,
} from "./soap/operator.js";
