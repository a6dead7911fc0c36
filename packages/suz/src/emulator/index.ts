import { createHash } from "node:crypto";
import type { ValidationIssue, ValidationPolicy } from "@trustspec/runtime";
import { type ErrorInfo, HttpError, listen, type Router } from "@trustspec/runtime/server";
import * as asn1js from "asn1js";
import {
  createSuzRouter,
  type MdlpTokenReply,
  type PingReply,
  type RegisterConnectionReply,
  type SuzHandlers,
  type TrueApiSimpleSignInReply,
} from "../generated/server.gen.js";
import { certificateIds } from "../signing/certificates.js";
import { SigningError } from "../signing/errors.js";
import { parseCertificate } from "../signing/gost/cms.js";
import { fromBase64 } from "../signing/signer.js";
import { inspectCmsSignature, verifyCmsSignature } from "../signing/verify.js";
import { TRUE_API_TOKEN_LIFETIME_SECONDS } from "../token/provider.js";
import { SuzEmulatorState } from "./state.js";

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

const omsError = (message: string, errorCode: number) => ({
  success: false,
  globalErrors: [{ error: message, errorCode }],
});

/** The participant a certificate belongs to: its ИНН ЮЛ or ИНН, else its subject. */
function participantOf(certificate: Uint8Array): string {
  const parsed = parseCertificate(certificate);
  const attributes = parsed.subject.typesAndValues;
  for (const oid of ["1.2.643.100.4", "1.2.643.3.131.1.1"]) {
    const found = attributes.find((a) => a.type === oid);
    if (found) return `ИНН ${String(found.value.valueBlock.value)}`;
  }
  return attributes
    .map(
      (a) =>
        `${a.type}=${a.value instanceof asn1js.BaseStringBlock ? a.value.valueBlock.value : "?"}`,
    )
    .join(",");
}

function secretEquals(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return x.equals(y);
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

  async #verify(signature: string, content: Uint8Array | undefined, what: string) {
    let result: Awaited<ReturnType<typeof verifyCmsSignature>>;
    try {
      result = await verifyCmsSignature(signature, {
        ...(content ? { content } : {}),
        ...(this.#options.trustedCertificates
          ? { trusted: this.#options.trustedCertificates }
          : {}),
        now: this.state.now(),
      });
    } catch (error) {
      throw new HttpError(
        400,
        `${what} is not a CMS signature: ${(error as Error).message}`,
        "BAD_SIGNATURE",
      );
    }
    return result;
  }

  #handlers(): SuzHandlers {
    const state = this.state;
    const options = this.#options;
    const keys = options.registrationKeys ?? [SANDBOX_REGISTRATION_KEY];
    const clients = options.mdlpClients ?? [DEFAULT_MDLP_CLIENT];
    const users = options.mdlpUsers ?? [DEFAULT_MDLP_USER];
    return {
      registerConnection: async (ctx): Promise<RegisterConnectionReply> => {
        const raw = ctx.headers["X-Signature"];
        let participant = `registration key ${ctx.headers["X-RegistrationKey"]}`;
        if (raw === undefined) {
          if (!options.allowUnsignedRegistration) {
            return {
              status: 400,
              body: omsError("X-Signature is required: the detached signature of the body", 400),
            };
          }
        } else {
          let attached: boolean;
          try {
            attached = inspectCmsSignature(raw).attached;
          } catch (error) {
            const message = error instanceof SigningError ? error.message : "unreadable";
            return {
              status: 400,
              body: omsError(`X-Signature is not a base64 CMS signature: ${message}`, 400),
            };
          }
          if (attached) {
            return {
              status: 413,
              body: omsError(
                "X-Signature holds an attached signature; only a detached one is supported",
                413,
              ),
            };
          }
          const result = await this.#verify(raw, ctx.request.body, "X-Signature");
          if (!result.valid) {
            if (result.code === "untrusted" || result.code === "certificate-expired") {
              return {
                status: 200,
                body: {
                  status: "REJECTED",
                  rejectionReason: `The signer's certificate is not accepted: ${result.reason}`,
                },
              };
            }
            return {
              status: 400,
              body: omsError(
                `X-Signature does not verify over the request body: ${result.reason}`,
                400,
              ),
            };
          }
          participant = participantOf(result.signerCertificate!);
        }
        if (!keys.includes(ctx.headers["X-RegistrationKey"])) {
          return {
            status: 200,
            body: {
              status: "REJECTED",
              rejectionReason: "Unknown registration key (X-RegistrationKey)",
            },
          };
        }
        const name = ctx.body.name;
        if (name !== undefined && state.findByName(participant, name)) {
          return {
            status: 200,
            body: {
              status: "REJECTED",
              rejectionReason: `The participant already has an installation named "${name}"`,
            },
          };
        }
        const installation = state.register({
          omsId: ctx.query.omsId.toLowerCase(),
          address: ctx.body.address,
          participant,
          ...(name !== undefined ? { name } : {}),
        });
        this.#log(`registered installation ${installation.omsConnection} "${installation.name}"`);
        return {
          status: 200,
          body: {
            status: "SUCCESS",
            omsConnection: installation.omsConnection,
            name: installation.name,
          },
        };
      },

      mdlpAuth: (ctx) => {
        const { client_id, client_secret, user_id, auth_type } = ctx.body;
        const client = clients.find((c) => c.clientId.toLowerCase() === client_id.toLowerCase());
        if (!client || !secretEquals(client.clientSecret, client_secret)) {
          throw new HttpError(400, "Unknown client_id or wrong client_secret", "INVALID_CLIENT");
        }
        if (auth_type === "PASSWORD" && !users.some((u) => u.userId === user_id.trim())) {
          throw new HttpError(400, "Unknown user_id", "INVALID_USER");
        }
        const code = state.newCode({
          clientId: client.clientId,
          userId: user_id.trim(),
          authType: auth_type,
        });
        return { status: 200, body: { code: code.code } };
      },

      mdlpToken: async (ctx): Promise<MdlpTokenReply> => {
        const code = state.takeCode(ctx.body.code);
        if (!code)
          throw new HttpError(400, "Unknown, used or expired authentication code", "INVALID_CODE");
        if (code.authType === "PASSWORD") {
          if (!("password" in ctx.body)) {
            throw new HttpError(
              400,
              "The code was issued for PASSWORD: send password",
              "INVALID_REQUEST",
            );
          }
          const user = users.find((u) => u.userId === code.userId);
          if (!user || !secretEquals(user.password, ctx.body.password)) {
            throw new HttpError(400, "Wrong password", "INVALID_PASSWORD");
          }
        } else {
          if (!("signature" in ctx.body)) {
            throw new HttpError(
              400,
              "The code was issued for SIGNED_CODE: send signature",
              "INVALID_REQUEST",
            );
          }
          const signature = ctx.body.signature;
          const bytes = new TextEncoder().encode(code.code);
          let attached = false;
          try {
            attached = inspectCmsSignature(signature).attached;
          } catch (error) {
            throw new HttpError(
              400,
              `signature is not a base64 CMS signature: ${(error as Error).message}`,
              "BAD_SIGNATURE",
            );
          }
          const result = await this.#verify(signature, attached ? undefined : bytes, "signature");
          if (
            result.valid &&
            attached &&
            !Buffer.from(result.content!).equals(Buffer.from(bytes))
          ) {
            throw new HttpError(
              400,
              "The signature is of other data than the code",
              "BAD_SIGNATURE",
            );
          }
          if (!result.valid)
            throw new HttpError(
              400,
              `The signature of the code does not verify: ${result.reason}`,
              "BAD_SIGNATURE",
            );
          const ids = certificateIds(result.signerCertificate!);
          const userId = code.userId.toUpperCase();
          if (userId !== ids.thumbprint && code.userId !== ids.serialNumber) {
            throw new HttpError(
              400,
              "The signer's certificate is not the one user_id names",
              "INVALID_USER",
            );
          }
        }
        const installation = state.installation(ctx.path.omsConnection);
        if (!installation) {
          throw new HttpError(
            400,
            "СУЗ does not know this installation (omsConnection)",
            "NOT_REGISTERED",
          );
        }
        const record = state.issueToken(installation.omsConnection, "mdlp");
        this.#log(`issued an ИС МДЛП token for ${installation.omsConnection}`);
        return {
          status: 200,
          body: { token: record.token, life_time: state.timing.mdlpTokenLifetimeMinutes },
        };
      },

      trueApiAuthKey: () => {
        const challenge = state.newChallenge();
        return { status: 200, body: { uuid: challenge.uuid, data: challenge.data } };
      },

      trueApiSimpleSignIn: async (ctx): Promise<TrueApiSimpleSignInReply> => {
        const challenge = state.takeChallenge(ctx.body.uuid);
        if (!challenge) throw new HttpError(400, "Unknown, used or expired uuid", "INVALID_UUID");
        const bytes = fromBase64(ctx.body.data);
        let attached = false;
        try {
          attached = bytes !== undefined && inspectCmsSignature(bytes).attached;
        } catch {
          attached = false;
        }
        if (!attached) {
          throw new HttpError(
            400,
            "data must be the challenge signed as an attached CMS, base64",
            "BAD_SIGNATURE",
          );
        }
        const result = await this.#verify(
          ctx.body.data,
          new TextEncoder().encode(challenge.data),
          "data",
        );
        if (!result.valid)
          throw new HttpError(
            400,
            `The signed data does not verify: ${result.reason}`,
            "BAD_SIGNATURE",
          );
        const installation = state.installation(ctx.path.omsConnection);
        if (!installation) {
          throw new HttpError(
            400,
            "СУЗ does not know this installation (omsConnection)",
            "NOT_REGISTERED",
          );
        }
        const record = state.issueToken(installation.omsConnection, "trueApi");
        this.#log(`issued a ГИС МТ token for ${installation.omsConnection}`);
        return { status: 200, body: { token: record.token } };
      },

      ping: (ctx): PingReply => {
        const token = ctx.request.headers.clienttoken;
        if (!token)
          return { status: 401, body: omsError("The clientToken header is missing", 401) };
        const checked = state.checkToken(token);
        if (checked.state === "expired")
          return { status: 401, body: omsError("The client token has expired", 401) };
        if (checked.state !== "valid") {
          return {
            status: 401,
            body: omsError(
              "The client token is not valid (unknown or replaced by a newer one)",
              401,
            ),
          };
        }
        const installation = state.installation(checked.record.omsConnection)!;
        if (installation.omsId !== ctx.query.omsId.toLowerCase()) {
          return {
            status: 403,
            body: omsError("The client token is for an installation of another СУЗ (omsId)", 403),
          };
        }
        return {
          status: 200,
          body: {
            omsId: ctx.query.omsId,
            apiVersion: "2.0.0",
            omsVersion: "trustspec-suz-emulator",
          },
        };
      },
    };
  }
}
