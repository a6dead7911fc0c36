import { base64url, UnsecuredJWT } from "jose";
import type { SubjectJwtClaims, SubjectJwtHeader } from "../generated/sts/types.gen.js";

/** The header every subject JWT has (guide, lines 12793-12799). */
export const SUBJECT_JWT_HEADER: Readonly<SubjectJwtHeader> = Object.freeze({
  alg: "none",
  typ: "JWT",
});

/** Options of {@link createSubjectToken}. */
export interface SubjectTokenOptions {
  /** The clock, in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
  /** Seconds from `iat` to `exp` (default 3600, as in the guide's example). */
  lifetimeSeconds?: number;
}

/**
 * Builds the unsigned JWT that names the user in a token exchange (guide, §8.1.2.2.2, lines
 * 12789-12823): header `{"alg":"none","typ":"JWT"}`, claims `unique_name` (the user's login),
 * `nbf` = `iat` = now and `exp` = now + lifetime, in seconds; serialized as
 * `base64url(header).base64url(payload).` with the mandatory trailing dot and no signature.
 *
 * The claims are encoded by jose's `UnsecuredJWT`; its header (`{"alg":"none"}`) is replaced by
 * the guide's, which also has `typ` and so always encodes to `eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0`.
 */
export function createSubjectToken(login: string, options: SubjectTokenOptions = {}): string {
  if (login === "") throw new TypeError("createSubjectToken: the login is empty");
  const lifetime = options.lifetimeSeconds ?? 3600;
  if (!Number.isFinite(lifetime) || lifetime <= 0) {
    throw new RangeError("createSubjectToken: lifetimeSeconds must be a positive number");
  }
  const iat = Math.floor((options.now ?? Date.now)() / 1000);
  const claims: SubjectJwtClaims = {
    unique_name: login,
    nbf: iat,
    exp: iat + Math.floor(lifetime),
    iat,
  };
  const encoded = new UnsecuredJWT({ unique_name: claims.unique_name })
    .setNotBefore(claims.nbf)
    .setExpirationTime(claims.exp)
    .setIssuedAt(claims.iat)
    .encode();
  const payload = encoded.split(".")[1]!;
  return `${base64url.encode(JSON.stringify(SUBJECT_JWT_HEADER))}.${payload}.`;
}
