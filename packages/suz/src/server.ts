/** The server stub of the СУЗ registration and client-token API: typed handlers and a router that checks requests. */

/** The stateful СУЗ / ИС МДЛП / ГИС МТ emulator and its command line, `trustspec-mock suz`. */
export { runSuzMock } from "./emulator/cli.js";
export {
  type ClientTokenRecord,
  DEFAULT_MDLP_CLIENT,
  DEFAULT_MDLP_USER,
  formatSuzEmulatorError,
  type Installation,
  type MdlpCode,
  SANDBOX_REGISTRATION_KEY,
  SuzEmulator,
  type SuzEmulatorOptions,
  SuzEmulatorState,
  type TrueApiChallenge,
} from "./emulator/index.js";
export * from "./generated/server.gen.js";
