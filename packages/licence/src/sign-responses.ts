import type { KeyObject } from "node:crypto";
import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import { signLicenceResponse } from "./signature.js";

/**
 * A router `onResponse` hook that signs every answer as the licensing server does: echoes the
 * request's `Licence-QueryID` and sets `Licence-Signature` over the QueryID followed by the body.
 */
export function signingHook(privateKey: KeyObject | string) {
  return (response: RawResponse, request: RawRequest): void => {
    const queryId = request.headers["licence-queryid"] ?? "";
    if (queryId) response.headers["licence-queryid"] = queryId;
    response.headers["licence-signature"] = signLicenceResponse({
      queryId,
      body: response.body,
      privateKey,
    });
  };
}
