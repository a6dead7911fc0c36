import type { KeyObject } from "node:crypto";
import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import { QUERY_ID_HEADER, SIGNATURE_HEADER } from "./signature.js";
import { signLicenceResponse } from "./signing.js";

/**
 * A router `onResponse` hook that signs every answer as the licensing server does: echoes the
 * request's `Licence-QueryID` and sets `Licence-Signature` over the QueryID followed by the body.
 * Throws at once when the key cannot sign.
 */
export function signingHook(privateKey: KeyObject | string) {
  // Sign once now, so a key that cannot sign (not RSA, a public key, unreadable PEM) fails here,
  // where it is configured, rather than on every answer (the router's onResponse must not throw).
  signLicenceResponse({ queryId: "", body: new Uint8Array(0), privateKey });
  return (response: RawResponse, request: RawRequest): void => {
    const queryId = request.headers[QUERY_ID_HEADER] ?? "";
    if (queryId) response.headers[QUERY_ID_HEADER] = queryId;
    response.headers[SIGNATURE_HEADER] = signLicenceResponse({
      queryId,
      body: response.body,
      privateKey,
    });
  };
}
