export { runDssMock } from "./emulator/cli.js";
export {
  type AccessTokenRecord,
  type CaHandler,
  type ConfirmationMode,
  DEFAULT_CA_HANDLERS,
  DEFAULT_CLIENTS,
  DEFAULT_OTP,
  DEFAULT_SIGN_SERVER_PATH,
  DEFAULT_STS_PATH,
  DEFAULT_USERS,
  type DssClient,
  DssEmulator,
  DssEmulatorError,
  type DssEmulatorOptions,
  DssEmulatorState,
  type DssUser,
  type DssUserInit,
  type StoredCertificate,
  type StoredConfirmation,
  type StoredRequest,
  type StoredRevokeRequest,
  type StoredTransaction,
} from "./emulator/index.js";
export * from "./generated/signserver/server.gen.js";
export { createMockSts, type MockStsOptions } from "./wstrust/mock-sts.js";
