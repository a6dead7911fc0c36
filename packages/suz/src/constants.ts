/**
 * The registration key every participant may use on the vendor's sandbox stand
 * https://suz-integrator.sandbox.crptech.ru (excerpt, lines 246, 312); the trustspec emulator
 * accepts it by default.
 */
export const SANDBOX_REGISTRATION_KEY = "4344d884-7f21-456c-981e-cd68e92391e8";

/** The sandbox stand of the registration API (excerpt, line 246). */
export const SANDBOX_REGISTRATION_URL = "https://suz-integrator.sandbox.crptech.ru";
