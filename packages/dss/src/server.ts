export { runDssMock } from "./emulator/cli.js";
export {
  type AccessTokenRecord,
  type CaHandler,
  type ConfirmationMode,
  DEFAULT_CA_HANDLERS,
  DEFAULT_CLIENTS,
  DEFAULT_OTP,
  DEFAULT_SIGN_SERVER_PATH,
  DEFAULT_SIGN_SERVICE_AUDIENCE,
  DEFAULT_STS_ISSUER,
  DEFAULT_STS_PATH,
  DEFAULT_USERS,
  DSS_CLAIM_NAMESPACE,
  type DssClient,
  DssEmulator,
  DssEmulatorError,
  type DssEmulatorListenOptions,
  type DssEmulatorOptions,
  DssEmulatorState,
  type DssUser,
  type DssUserInit,
  type EmulatorSamlToken,
  issueTlsServerKeys,
  SAML_TOKEN_LIFETIME_SECONDS,
  type SamlTokenRecord,
  type StoredCertificate,
  type StoredConfirmation,
  type StoredRequest,
  type StoredRevokeRequest,
  type StoredTransaction,
} from "./emulator/index.js";
export * from "./generated/signserver/server.gen.js";
export {
  createDssSignServiceServer,
  type DssSignServiceHandlers,
} from "./generated/signservice/server.gen.js";
export {
  type SignServiceEndpointSecurity,
  type SignServiceToken,
  type SignServiceTokenPolicy,
  signServiceEndpointSecurity,
  signServiceTokenOf,
  symmetricBindingEndpointSecurity,
  transportBindingEndpointSecurity,
} from "./soap/endpoint-security.js";
export { dssSoapFault } from "./soap/faults.js";
export { ReplayCache } from "./wssecurity/replay.js";
export type { SamlAttribute } from "./wssecurity/verify.js";
export { createMockSts, type MockStsOptions } from "./wstrust/mock-sts.js";
