import type { DssClient } from "./state.js";

/** A user the emulator starts with. */
export interface DssUserInit {
  login: string;
  password: string;
  /** Default `user`. Operators approve requests and act for users (token exchange). */
  role?: "user" | "operator";
  /** How the user confirms operations (default `otp`). */
  confirmation?: "otp" | "mydss";
  /** The user's own one-time password (default: the emulator's `otp`). */
  otp?: string;
  /** Confirm WS-Trust sign-ins with the second factor (default false). */
  loginConfirmation?: boolean;
  /**
   * Give the user a certificate, its key held by the server, at start (default: true for users,
   * false for operators).
   */
  certificate?: boolean;
}

/** The one-time password users confirm operations with unless told otherwise. */
export const DEFAULT_OTP = "123456";

/**
 * The accounts the emulator starts with when none are given: the user `demo` (password `demo`)
 * with one certificate, and the operator `operator` (password `operator`).
 */
export const DEFAULT_USERS: readonly DssUserInit[] = [
  { login: "demo", password: "demo" },
  { login: "operator", password: "operator", role: "operator" },
];

/**
 * The OAuth client the emulator starts with when none are given: `dss.sample`, the id of the
 * guide's examples (lines 10525, 10576), public (no secret) and free to use any redirect_uri.
 */
export const DEFAULT_CLIENTS: readonly DssClient[] = [{ id: "dss.sample" }];
