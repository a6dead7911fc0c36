import { HttpError } from "@trustspec/runtime/server";
import { verifyCmsSignature } from "../signing/verify.js";
import type { Installation, SuzEmulatorState } from "./state.js";

/** What a CMS signature check of the emulator finds. */
export type SignatureCheck = Awaited<ReturnType<typeof verifyCmsSignature>>;

/** The emulator's options that its handlers read at each request. */
export interface SignatureOptions {
  /** CA certificates (DER) that signatures must chain to; absent: any certificate is trusted. */
  trustedCertificates?: Uint8Array[];
  /** Accept registrations without X-Signature. */
  allowUnsignedRegistration?: boolean;
}

/** What the handlers of every host share: the state and the emulator's resolved options. */
export interface SuzHandlerContext {
  state: SuzEmulatorState;
  /** Registration keys accepted in X-RegistrationKey. */
  registrationKeys: readonly string[];
  /** The options read at each request (as the emulator was given them). */
  options: SignatureOptions;
  /** ИС МДЛП clients. */
  mdlpClients: readonly { clientId: string; clientSecret: string }[];
  /** ИС МДЛП users signing in with PASSWORD. */
  mdlpUsers: readonly { userId: string; password: string }[];
  /** Receives a line per registration and token. */
  log: (line: string) => void;
  /**
   * Verifies a CMS signature (detached over `content`, or attached without it) against the
   * trusted certificates.
   * @throws HttpError 400 BAD_SIGNATURE when `signature` is not a CMS signature at all.
   */
  verify: (
    signature: string,
    content: Uint8Array | undefined,
    what: string,
  ) => Promise<SignatureCheck>;
}

/** The `verify` of a {@link SuzHandlerContext}: signatures checked at the state's clock. */
export function signatureVerifier(
  state: SuzEmulatorState,
  options: SignatureOptions,
): SuzHandlerContext["verify"] {
  return async (signature, content, what) => {
    let result: SignatureCheck;
    try {
      result = await verifyCmsSignature(signature, {
        ...(content ? { content } : {}),
        ...(options.trustedCertificates ? { trusted: options.trustedCertificates } : {}),
        now: state.now(),
      });
    } catch (error) {
      throw new HttpError(
        400,
        `${what} is not a CMS signature: ${(error as Error).message}`,
        "BAD_SIGNATURE",
      );
    }
    return result;
  };
}

/** A СУЗ error body (§6.2). */
export const omsError = (message: string, errorCode: number) => ({
  success: false,
  globalErrors: [{ error: message, errorCode }],
});

/** The installation a sign-in is for. @throws HttpError 400 NOT_REGISTERED when СУЗ does not know it. */
export function registeredInstallation(
  state: SuzEmulatorState,
  omsConnection: string,
): Installation {
  const installation = state.installation(omsConnection);
  if (!installation) {
    throw new HttpError(
      400,
      "СУЗ does not know this installation (omsConnection)",
      "NOT_REGISTERED",
    );
  }
  return installation;
}
