import type { Middleware } from "@trustspec/runtime/core";
import {
  createQueryId,
  type LicencePublicKey,
  LicenceSignatureError,
  type LicenceSignaturePolicy,
  QUERY_ID_HEADER,
  verifyLicenceSignature,
} from "./signature.js";

/** How a client checks the signatures of the licensing server's answers. */
export interface LicenceSignatureOptions {
  /** `require` (default) rejects unsigned, badly signed and mismatched answers; `report` passes them to `onReport`; `off` checks nothing. */
  policy?: LicenceSignaturePolicy;
  /**
   * The key answers are checked with (default: the vendor key printed in the API document): a PEM
   * text, a Web Crypto `CryptoKey` or a Node `KeyObject`; imported into Web Crypto once.
   */
  publicKey?: LicencePublicKey;
  /** Receives each failed check under the `report` policy. */
  onReport?: (error: LicenceSignatureError) => void;
  /** Makes the `Licence-QueryID` of each request (default: time-based and random). */
  createQueryId?: () => string;
}

/**
 * Client middleware for the licensing server's response signature: sends a fresh
 * `Licence-QueryID` with every request and checks `Licence-Signature` (RSA/SHA-256 over the
 * QueryID followed by the body) of every answer, errors included, before anything parses it.
 */
export function licenceSignatureMiddleware(options: LicenceSignatureOptions = {}): Middleware {
  const policy = options.policy ?? "require";
  const makeId = options.createQueryId ?? createQueryId;
  return {
    onRequest(request) {
      if (policy === "off") return;
      if (!request.headers.has(QUERY_ID_HEADER)) request.headers.set(QUERY_ID_HEADER, makeId());
    },
    async onResponse(response, request) {
      if (policy === "off") return;
      try {
        await verifyLicenceSignature({
          sentQueryId: request.headers.get(QUERY_ID_HEADER) ?? "",
          headers: response.headers,
          body: response.body,
          ...(options.publicKey ? { publicKey: options.publicKey } : {}),
        });
      } catch (error) {
        if (policy === "report" && error instanceof LicenceSignatureError) {
          options.onReport?.(error);
          return;
        }
        throw error;
      }
    },
  };
}
