export { runLicenceMock } from "./emulator/cli.js";
export {
  EmulatorError,
  LicenceEmulator,
  type LicenceEmulatorOptions,
  LicenceServerState,
  type LicenceTemplate,
} from "./emulator/index.js";
export * from "./generated/server.gen.js";
export { signingHook } from "./sign-responses.js";
export { signLicenceResponse } from "./signing.js";
