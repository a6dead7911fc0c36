import type { ValidationIssue, ValidationPolicy } from "@trustspec/runtime/core";
import { type ErrorInfo, listen, type Router } from "@trustspec/runtime/server";
import { createSuzRouter, type SuzHandlers } from "../generated/server.gen.js";
import { TRUE_API_TOKEN_LIFETIME_SECONDS } from "../token/provider.js";
import { type SuzHandlerContext, signatureVerifier } from "./context.js";
import { mdlpHandlers } from "./mdlp.js";
import { pingHandlers } from "./ping.js";
import { registrationHandlers } from "./registration.js";
import { SuzEmulatorState } from "./state.js";
import { trueApiHandlers } from "./true-api.js";

export {
  type ClientTokenRecord,
  type Installation,
  type MdlpCode,
  SuzEmulatorState,
  type TrueApiChallenge,
} from "./state.js";

import { SANDBOX_REGISTRATION_KEY } from "../constants.js";

export { SANDBOX_REGISTRATION_KEY };

/** The ИС МДЛП client of the document's examples (excerpt, lines 384-385). */
export const DEFAULT_MDLP_CLIENT = {
  clientId: "7df0d06f-6510-44fe-a378-76cb53e2605f",
  clientSecret: "49781b3a-19d5-4ad7-b1b6-abb57e598d41",
} as const;

/** The non-resident ИС МДЛП user of the document's examples (excerpt, lines 386, 502). */
export const DEFAULT_MDLP_USER = { userId: "user@example.org", password: "password123" } as const;

/** Options of a {@link SuzEmulator}. */
export interface SuzEmulatorOptions {
  /**
   * CA certificates (DER) that signatures must chain to: the registration's X-Signature, the
   * signed ИС МДЛП code, the signed ГИС МТ challenge. Default: any certificate is trusted.
   */
  trustedCertificates?: Uint8Array[];
  /** Registration keys accepted in X-RegistrationKey (default: the sandbox key). */
  registrationKeys?: readonly string[];
  /** Accept registrations without X-Signature, as for pharmaceutical participants (line 286). Default false. */
  allowUnsignedRegistration?: boolean;
  /** ИС МДЛП clients (default {@link DEFAULT_MDLP_CLIENT}). */
  mdlpClients?: readonly { clientId: string; clientSecret: string }[];
  /** ИС МДЛП users signing in with PASSWORD (default {@link DEFAULT_MDLP_USER}). */
  mdlpUsers?: readonly { userId: string; password: string }[];
  /** `life_time` of ИС МДЛП tokens, minutes (default 30). */
  mdlpTokenLifetimeMinutes?: number;
  /** Lifetime of ГИС МТ tokens, seconds (default 10 hours, line 62). */
  trueApiTokenLifetimeSeconds?: number;
  /** Lifetime of ИС МДЛП codes and ГИС МТ challenges, seconds (default 300). */
  codeLifetimeSeconds?: number;
  /** The clock (default the system clock). */
  now?: () => Date;
  /** Checks the emulator's own answers against the contract (default `off`). */
  responseValidation?: ValidationPolicy;
  /** Receives the contract problems found in the emulator's answers. */
  onValidationIssue?: (operationId: string, issues: readonly ValidationIssue[]) => void;
  /** Receives a line per registration and token; never a secret or a token. */
  log?: (line: string) => void;
}

/** The error bodies of the three hosts: СУЗ §6.2, ИС МДЛП, True API. */
export function formatSuzEmulatorError(info: ErrorInfo): unknown {
  switch (info.operationId) {
    case "mdlpAuth":
    case "mdlpToken":
      return { error_code: info.exception, error_description: info.message };
    case "trueApiAuthKey":
    case "trueApiSimpleSignIn":
      return { code: info.exception, error_message: info.message };
    default:
      return { success: false, globalErrors: [{ error: info.message, errorCode: info.status }] };
  }
}

/**
 * A stateful, in-memory СУЗ with the ИС МДЛП and ГИС МТ sign-in, on the generated server stub,
 * all three hosts on one HTTP server: registration of installations with the participant's
 * detached CMS signature of the exact body bytes in X-Signature, verified against the
 * certificate inside it (GOST R 34.10-2012, RSA or ECDSA; an attached signature is answered 413,
 * a name the participant already uses is REJECTED, an unknown registration key is REJECTED);
 * ИС МДЛП authentication codes and tokens (PASSWORD, or SIGNED_CODE with the code signed by the
 * certificate `user_id` names); ГИС МТ challenges and sign-in with the attached signature of the
 * challenge; tokens that expire, one per installation (a new one ends the previous); and ping,
 * which checks `clientToken`. Choices where the document is silent: see `state.ts`.
 */
export class SuzEmulator {
  readonly state: SuzEmulatorState;
  readonly router: Router;
  readonly #options: SuzEmulatorOptions;
  readonly #log: (line: string) => void;

  constructor(options: SuzEmulatorOptions = {}) {
    this.#options = options;
    this.#log = options.log ?? (() => {});
    this.state = new SuzEmulatorState({
      now: options.now ?? (() => new Date()),
      mdlpTokenLifetimeMinutes: options.mdlpTokenLifetimeMinutes ?? 30,
      trueApiTokenLifetimeSeconds:
        options.trueApiTokenLifetimeSeconds ?? TRUE_API_TOKEN_LIFETIME_SECONDS,
      codeLifetimeSeconds: options.codeLifetimeSeconds ?? 300,
    });
    this.router = createSuzRouter(this.#handlers(), {
      formatError: formatSuzEmulatorError,
      ...(options.responseValidation ? { responseValidation: options.responseValidation } : {}),
      ...(options.onValidationIssue ? { onValidationIssue: options.onValidationIssue } : {}),
    });
  }

  /** Serves the emulator on 127.0.0.1 (or `host`); `port` 0 picks a free one. */
  listen(options: { host?: string; port?: number } = {}) {
    return listen(this.router, options);
  }

  /** The handlers, one module per resource: registration, ИС МДЛП sign-in, ГИС МТ sign-in, ping. */
  #handlers(): SuzHandlers {
    const options = this.#options;
    const ctx: SuzHandlerContext = {
      state: this.state,
      registrationKeys: options.registrationKeys ?? [SANDBOX_REGISTRATION_KEY],
      mdlpClients: options.mdlpClients ?? [DEFAULT_MDLP_CLIENT],
      mdlpUsers: options.mdlpUsers ?? [DEFAULT_MDLP_USER],
      options,
      log: this.#log,
      verify: signatureVerifier(this.state, options),
    };
    return {
      ...registrationHandlers(ctx),
      ...mdlpHandlers(ctx),
      ...trueApiHandlers(ctx),
      ...pingHandlers(ctx),
    };
  }
}
