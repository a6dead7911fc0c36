import { TrustspecError, type ValidationIssue } from "@trustspec/runtime/core";

/**
 * A form cannot be built from what was given: a `backpost` that is not an absolute http(s) URL, an
 * empty file name, a signature-type value with a `;`, an OID that is not one, and so on. `field`
 * names the form field concerned. Thrown before anything is posted.
 */
export class DssFormInputError extends TrustspecError {
  /** The form field the problem is in (`backpost`, `signaturetype`, `documents[1]`, …). */
  readonly field: string;
  /** The problems found against the spec's schema, when that is how it was found. */
  readonly issues: readonly ValidationIssue[];
  constructor(field: string, message: string, issues: readonly ValidationIssue[] = []) {
    super("dss_form_input", `${field}: ${message}`);
    this.name = "DssFormInputError";
    this.field = field;
    this.issues = issues;
  }
}

/**
 * The form is larger than the front-end accepts: `size` is the number of bytes the browser will
 * post (the form-urlencoded body), `limit` the limit it was checked against.
 */
export class DssFormTooLargeError extends TrustspecError {
  /** Bytes of the form-urlencoded body the browser would post. */
  readonly size: number;
  /** The limit, in bytes. */
  readonly limit: number;
  constructor(size: number, limit: number) {
    super(
      "dss_form_too_large",
      `The form would post ${size} bytes, more than the front-end's limit of ${limit} bytes`,
    );
    this.name = "DssFormTooLargeError";
    this.size = size;
    this.limit = limit;
  }
}

/**
 * Why a post to `backpost` was refused:
 * - `method`: not a POST (nor, for a certificate installation, the GET of the redirect);
 * - `media-type`: the body is not `application/x-www-form-urlencoded`;
 * - `too-large`: the body is larger than the receiver's limit;
 * - `token-missing`, `token-malformed`, `token-expired`, `token-invalid`: the session token in the
 *   URL is absent, not one this package makes, past its expiry, or not made for this session (or
 *   with another key, or for another kind of form);
 * - `session-missing`: the application found no session for the request;
 * - `malformed`: the fields do not form the result the token's form expects (missing or unknown
 *   fields, broken Base64, a package result with a gap);
 * - `signature-invalid`: the returned CMS did not verify and the receiver was told to refuse it.
 */
export type BackpostRefusal =
  | "method"
  | "media-type"
  | "too-large"
  | "token-missing"
  | "token-malformed"
  | "token-expired"
  | "token-invalid"
  | "session-missing"
  | "malformed"
  | "signature-invalid";

/** The HTTP status a receiver answers each refusal with. */
const STATUS: Record<BackpostRefusal, number> = {
  method: 405,
  "media-type": 415,
  "too-large": 413,
  "token-missing": 403,
  "token-malformed": 403,
  "token-expired": 403,
  "token-invalid": 403,
  "session-missing": 403,
  malformed: 400,
  "signature-invalid": 422,
};

/**
 * A post to `backpost` that the receiver refuses. `reason` says why, `status` is the HTTP status
 * the receiver answers with. The message names fields, never their values.
 */
export class BackpostRefusedError extends TrustspecError {
  /** Why the post was refused. */
  readonly reason: BackpostRefusal;
  /** The HTTP status of the refusal. */
  readonly status: number;
  constructor(reason: BackpostRefusal, message: string, options?: { cause?: unknown }) {
    super("dss_backpost_refused", message, options);
    this.name = "BackpostRefusedError";
    this.reason = reason;
    this.status = STATUS[reason];
  }
}
