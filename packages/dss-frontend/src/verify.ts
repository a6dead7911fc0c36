/**
 * Verification of the CMS signatures DSS returns, for the backpost receiver's `verify` option:
 * {@link cmsVerifier} checks each returned CMS SignedData (CMS and CAdES signature types) with
 * `verifyCms` of `@trustspec/cms`. Kept out of the root entry because `@trustspec/cms` needs
 * Node's crypto.
 * @module
 */

import { type CmsEngine, CmsFormatError, verifyCms } from "@trustspec/cms";
import type { BackpostContext, BackpostVerification, BackpostVerifier } from "./backpost.js";
import type { DssFormKind } from "./forms.js";

export type { BackpostContext, BackpostVerification, BackpostVerifier } from "./backpost.js";

/** Options of {@link cmsVerifier}. */
export interface CmsVerifierOptions {
  /**
   * Trusted CA certificates (DER): the signer must chain to one of them. Without them, only the
   * signature itself is checked, not who made it.
   */
  trusted?: Uint8Array[];
  /** The crypto engine; `gostEngine()` of `@trustspec/cms/gost` for GOST R 34.10-2012 signatures. */
  engine?: CmsEngine;
  /**
   * The signed content of a detached signature (the document the application sent), by the form,
   * the document's index and, from the handler, the post's token claims and session (its
   * `claims.nonce` names the form the application sent); an attached signature needs none.
   */
  content?: (
    context: {
      kind: DssFormKind;
      index?: number;
      fileName?: string;
    } & Partial<BackpostContext>,
  ) => Uint8Array | undefined | Promise<Uint8Array | undefined>;
  /** The moment certificate validity is checked at; default now. */
  now?: Date;
}

/**
 * A verifier for `createBackpostHandler({ verify })`: each returned signature must be a CMS
 * SignedData whose signature verifies (and, with `trusted`, chains to a trusted CA). Bytes that are
 * not CMS are reported as not valid, not thrown.
 */
export function cmsVerifier(options: CmsVerifierOptions = {}): BackpostVerifier {
  return async (signature, context) => {
    const content = await options.content?.(context);
    try {
      const result = await verifyCms(signature, {
        ...(content ? { content } : {}),
        ...(options.trusted ? { trusted: options.trusted } : {}),
        ...(options.engine ? { engine: options.engine } : {}),
        ...(options.now ? { now: options.now } : {}),
      });
      const out: BackpostVerification = { valid: result.valid };
      if (result.reason) out.reason = result.reason;
      if (result.signerCertificate) out.signerCertificate = result.signerCertificate;
      return out;
    } catch (error) {
      if (error instanceof CmsFormatError) {
        return { valid: false, reason: "The returned document is not a CMS SignedData" };
      }
      throw error;
    }
  };
}
