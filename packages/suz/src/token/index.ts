export {
  CLIENT_TOKEN_HEADER,
  ClientTokenError,
  type ClientTokenProvider,
  type ClientTokenStep,
  type ClientTokenTiming,
  clientTokenAuth,
  type MdlpTokenOptions,
  mdlpTokenProvider,
  type Secret,
  TRUE_API_TOKEN_LIFETIME_SECONDS,
  type TrueApiTokenOptions,
  trueApiTokenProvider,
} from "./provider.js";
