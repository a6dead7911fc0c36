/**
 * Client tokens of СУЗ (excerpt, §9.1): the ИС МДЛП flow (§9.3.1: authentication code, then the
 * token for an omsConnection, with a password or a signed code) and the ГИС МТ / True API flow
 * (§9.3.2: data to sign, then the signed data for an omsConnection), each behind a
 * {@link TokenProvider} of @trustspec/runtime. The token is cached for its lifetime (ИС МДЛП:
 * `life_time` of the answer, in minutes; ГИС МТ: 10 hours), fetched anew shortly before it runs
 * out or when a call is answered 401 (through `headerAuth("clientToken", provider)`), and only one
 * flow runs at a time for one omsConnection, across all providers of the process: a second token
 * would end the first (excerpt, lines 59-60, 343), so concurrent callers share one flow.
 */

import {
  ApiError,
  type AuthHook,
  type CachedTokenOptions,
  cachedToken,
  headerAuth,
  type IssuedToken,
  type TokenProvider,
  TrustspecError,
} from "@trustspec/runtime/core";
import {
  mdlpAuth,
  mdlpToken,
  type SuzClient,
  trueApiAuthKey,
  trueApiSimpleSignIn,
} from "../generated/client.gen.js";
import type { Signer } from "../signing/signer.js";

/** The lifetime of a token obtained through ГИС МТ / True API: 10 hours (excerpt, line 62). */
export const TRUE_API_TOKEN_LIFETIME_SECONDS = 10 * 60 * 60;

/** The header every СУЗ API call carries the token in (excerpt, lines 170, 222). */
export const CLIENT_TOKEN_HEADER = "clientToken";

/** A secret given as itself or read when needed (from a vault, say). */
export type Secret = string | (() => string | Promise<string>);

const readSecret = async (s: Secret) => (typeof s === "string" ? s : await s());

/** The step of a flow that failed. */
export type ClientTokenStep =
  | "mdlpAuth"
  | "mdlpToken"
  | "trueApiAuthKey"
  | "trueApiSimpleSignIn"
  | "sign";

/**
 * A sign-in flow failed: `step` says where, `status` is the HTTP status when a server refused
 * (the server's error body is on `cause`, an ApiError). Never carries a password, secret or token.
 */
export class ClientTokenError extends TrustspecError {
  readonly flow: "mdlp" | "trueApi";
  readonly step: ClientTokenStep;
  readonly status: number | undefined;
  constructor(flow: "mdlp" | "trueApi", step: ClientTokenStep, cause: unknown) {
    const status = cause instanceof ApiError ? cause.status : undefined;
    const what = cause instanceof Error ? cause.message : String(cause);
    super(
      "client_token_failed",
      `Getting a СУЗ client token through ${flow === "mdlp" ? "ИС МДЛП" : "ГИС МТ"} failed at ${step}: ${what}`,
      { cause },
    );
    this.name = "ClientTokenError";
    this.flow = flow;
    this.step = step;
    this.status = status;
  }
}

/** Timing of a provider (see `cachedToken` of @trustspec/runtime). */
export interface ClientTokenTiming extends CachedTokenOptions {}

/** A token provider for one installation. */
export interface ClientTokenProvider extends TokenProvider {
  /** The installation the tokens are for. */
  readonly omsConnection: string;
}

const running = new Map<string, Promise<IssuedToken>>();

/**
 * Runs `flow` for `omsConnection` unless a flow for it is already running in this process, in
 * which case its result is shared.
 */
function exclusive(omsConnection: string, flow: () => Promise<IssuedToken>): Promise<IssuedToken> {
  const key = omsConnection.toLowerCase();
  const current = running.get(key);
  if (current) return current;
  const started = flow().finally(() => running.delete(key));
  running.set(key, started);
  return started;
}

function provider(
  omsConnection: string,
  flow: () => Promise<IssuedToken>,
  timing: ClientTokenTiming,
): ClientTokenProvider {
  const cached = cachedToken(() => exclusive(omsConnection, flow), timing);
  return {
    omsConnection,
    getToken: () => cached.getToken(),
    invalidate: (token) => cached.invalidate(token),
  };
}

async function step<T>(
  flow: "mdlp" | "trueApi",
  name: ClientTokenStep,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new ClientTokenError(flow, name, error);
  }
}

/** The ИС МДЛП sign-in of one installation (excerpt, §9.3.1). */
export interface MdlpTokenOptions extends ClientTokenTiming {
  /** An ИС МДЛП client: `createSuzClient({ baseUrl: <ИС МДЛП stand> })`. */
  client: SuzClient;
  /** The installation, as registerConnection returned it. */
  omsConnection: string;
  /** `client_id` of the accounting system registered in ИС МДЛП (a GUID). */
  clientId: string;
  /** `client_secret` issued with it. */
  clientSecret: Secret;
  /**
   * `user_id`: for a resident the certificate's serial number (decimal) or SHA-1 thumbprint (see
   * `certificateIds`), or the ИС МДЛП user id; for a non-resident the e-mail.
   */
  userId: string;
  /** PASSWORD (non-residents): the user's password. */
  password?: Secret;
  /** SIGNED_CODE (residents): signs the authentication code. */
  signer?: Signer;
  /**
   * How the code is signed for SIGNED_CODE: `detached` (default) or `attached`. The excerpt
   * does not say (line 517 shows only "<Подпись в base64>").
   */
  codeSignature?: "detached" | "attached";
}

/**
 * A client-token provider over the ИС МДЛП flow: mdlpAuth (auth_type PASSWORD with `password`,
 * SIGNED_CODE with `signer`), then mdlpToken for `omsConnection`; the token lives `life_time`
 * minutes (kept until a 401 when the answer has none).
 */
export function mdlpTokenProvider(options: MdlpTokenOptions): ClientTokenProvider {
  if ((options.password === undefined) === (options.signer === undefined)) {
    throw new TypeError(
      "mdlpTokenProvider needs exactly one of `password` (PASSWORD) and `signer` (SIGNED_CODE)",
    );
  }
  const { client, omsConnection } = options;
  return provider(
    omsConnection,
    async () => {
      const clientSecret = await readSecret(options.clientSecret);
      const { data: auth } = await step("mdlp", "mdlpAuth", () =>
        mdlpAuth(client, {
          body: {
            client_id: options.clientId,
            client_secret: clientSecret,
            user_id: options.userId,
            auth_type: options.signer ? "SIGNED_CODE" : "PASSWORD",
          },
        }),
      );
      let body: { code: string; password: string } | { code: string; signature: string };
      if (options.signer) {
        const signer = options.signer;
        const code = new TextEncoder().encode(auth.code);
        const signature = await step("mdlp", "sign", () =>
          options.codeSignature === "attached"
            ? signer.signAttached(code)
            : signer.signDetached(code),
        );
        body = { code: auth.code, signature };
      } else {
        body = { code: auth.code, password: await readSecret(options.password!) };
      }
      const { data } = await step("mdlp", "mdlpToken", () =>
        mdlpToken(client, { path: { omsConnection }, body }),
      );
      return data.life_time === undefined
        ? { token: data.token }
        : { token: data.token, expiresIn: data.life_time * 60 };
    },
    options,
  );
}

/** The ГИС МТ / True API sign-in of one installation (excerpt, §9.1.2; methods outside it). */
export interface TrueApiTokenOptions extends ClientTokenTiming {
  /** A True API client: `createSuzClient({ baseUrl: <True API stand> })`. */
  client: SuzClient;
  /** The installation, as registerConnection returned it. */
  omsConnection: string;
  /** Signs the challenge, attached (the participant's qualified certificate). */
  signer: Signer;
  /** The participant's ИНН, for a certificate that serves several participants. */
  inn?: string;
}

/**
 * A client-token provider over the ГИС МТ flow: trueApiAuthKey, the data signed attached, then
 * trueApiSimpleSignIn for `omsConnection`; the token lives 10 hours.
 */
export function trueApiTokenProvider(options: TrueApiTokenOptions): ClientTokenProvider {
  const { client, omsConnection } = options;
  return provider(
    omsConnection,
    async () => {
      const { data: challenge } = await step("trueApi", "trueApiAuthKey", () =>
        trueApiAuthKey(client),
      );
      const signed = await step("trueApi", "sign", () =>
        options.signer.signAttached(new TextEncoder().encode(challenge.data)),
      );
      const { data } = await step("trueApi", "trueApiSimpleSignIn", () =>
        trueApiSimpleSignIn(client, {
          path: { omsConnection },
          body: {
            uuid: challenge.uuid,
            data: signed,
            ...(options.inn ? { inn: options.inn } : {}),
          },
        }),
      );
      return { token: data.token, expiresIn: TRUE_API_TOKEN_LIFETIME_SECONDS };
    },
    options,
  );
}

/** The auth hook that sends the provider's token as `clientToken` and refreshes it once on 401. */
export function clientTokenAuth(tokens: TokenProvider): AuthHook {
  return headerAuth(CLIENT_TOKEN_HEADER, tokens);
}
