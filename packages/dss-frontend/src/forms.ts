// The six forms of the DSS HTTP form API (guide «КриптоПро DSS. Руководство разработчика»,
// ЖТЯИ.00096-02 97 01, §1.1, §1.3, §1.5, §1.7, §1.8, §1.9): built from typed input, checked
// against the spec's schemas, measured as the browser will post them, and rendered as an
// auto-submitting HTML page or handed over as a field list.

import {
  type CompiledSchema,
  compiledIssues,
  type OperationDescriptor,
  fromBase64 as runtimeFromBase64,
} from "@trustspec/runtime/core";
import { textToBase64, toBase64 } from "./base64.js";
import { DssFormInputError, DssFormTooLargeError } from "./errors.js";
import * as operations from "./generated/operations.gen.js";
import type { SignatureTypeValue } from "./generated/types.gen.js";
import * as v from "./generated/validators.gen.js";
import { encodeSignatureType } from "./signature-type.js";
import { hasControlCharacters } from "./text.js";

/**
 * The forms, by what they do: `signFile` (§1.1), `signFiles` (a package, §1.3),
 * `certificateRequest` (§1.5), `installCertificate` (§1.7), `encryptFile` (§1.8), `decryptFile`
 * (§1.9). A backpost token names the kind of form it was made for.
 */
export type DssFormKind =
  | "signFile"
  | "signFiles"
  | "certificateRequest"
  | "installCertificate"
  | "encryptFile"
  | "decryptFile";

/** Every form kind, in the guide's order. */
export const DSS_FORM_KINDS: readonly DssFormKind[] = [
  "signFile",
  "signFiles",
  "certificateRequest",
  "installCertificate",
  "encryptFile",
  "decryptFile",
];

/** A form ready to post: where, how, and the fields in order (a field may repeat). */
export interface DssForm {
  /** What the form does. */
  kind: DssFormKind;
  /** The spec's operation the form posts to (`uploadFile`, `uploadFiles`, …). */
  operationId: string;
  /** The absolute URL of the front-end address the form posts to. */
  action: string;
  /** Always `post` (guide, lines 274, 351, 443, 522, 564, 616). */
  method: "post";
  /** Always `application/x-www-form-urlencoded`, an HTML form's default. */
  enctype: "application/x-www-form-urlencoded";
  /** The fields, name and value, in order; `documents` and `documentNames` repeat. */
  fields: readonly (readonly [name: string, value: string])[];
  /** The bytes of the form-urlencoded body the browser will post. */
  size: number;
}

/** A file to send: its name and its bytes. */
export interface DssFile {
  /** The file name DSS shows and returns (`filename`, `documentNames`). */
  name: string;
  /** The file's bytes; the builder encodes them in Base64. */
  content: Uint8Array;
}

/**
 * A front-end that keeps ASP.NET's default request limit (`maxRequestLength`, 4096 KB) refuses a
 * larger post; the guide states no limit. Pass the limit your DSS is configured with.
 */
export const DEFAULT_MAX_POST_BYTES = 4096 * 1024;

/** What every form needs. */
export interface DssFormOptions {
  /**
   * The front-end's address, `http://localhost/frontend` in the guide (lines 276-278); the form's
   * path is added to it.
   */
  frontendUrl: string | URL;
  /**
   * Where DSS posts the result: an absolute http(s) URL of the application, normally with a
   * session token in it (`backpostUrl`).
   */
  backpost: string | URL;
  /** The largest body the front-end accepts, in bytes; default {@link DEFAULT_MAX_POST_BYTES}. */
  maxPostBytes?: number;
}

/** Options of {@link signFileForm}. */
export interface SignFileFormOptions extends DssFormOptions {
  /** The document to sign. */
  file: DssFile;
  /** The signature type and its Table 1 parameters; DSS asks the user when it is absent. */
  signatureType?: SignatureTypeValue;
  /**
   * Text shown on DSS's confirmation page and added to the one-time-password message
   * (`documentInfo`, guide, lines 296-306); sent as Base64 of its UTF-8 bytes.
   */
  documentInfo?: string;
  /** Which of §1.1's two addresses to post to; default `uploadfile`. */
  address?: "uploadfile" | "SignatureWizard/uploadfile";
}

/** Options of {@link signFilesForm}. */
export interface SignFilesFormOptions extends DssFormOptions {
  /** The documents of the package, at least one; results come back in this order. */
  files: readonly DssFile[];
  /** The signature type for every document. */
  signatureType?: SignatureTypeValue;
  /** Text shown on the confirmation page and in the one-time-password message. */
  documentInfo?: string;
}

/** Options of {@link certificateRequestForm}. */
export interface CertificateRequestFormOptions extends DssFormOptions {
  /**
   * The subject's distinguished name, comma-separated components
   * (`CN=Иванов Иван Иванович, O=КРИПТО-ПРО Банк, OU=Финансовый отдел`, guide, line 459).
   */
  subject: string;
  /** The extended key usage OIDs (`1.3.6.1.5.5.7.3.2`, …), at least one. */
  extendedKeyUsage: readonly string[];
}

/** Options of {@link installCertificateForm}. */
export interface InstallCertificateFormOptions extends DssFormOptions {
  /** The certificate issued for the request: DER bytes, or PEM text. */
  certificate: Uint8Array | string;
}

/** Options of {@link encryptFileForm}. */
export interface EncryptFileFormOptions extends DssFormOptions {
  /** The document to encrypt. */
  file: DssFile;
  /** The Table 3 encryption type; `CMS`, the only one, when given. */
  encryptionType?: "CMS";
}

/** Options of {@link decryptFileForm}. */
export interface DecryptFileFormOptions extends DssFormOptions {
  /** The encrypted document (a CMS EnvelopedData for the CMS type). */
  file: DssFile;
  /** The Table 3 encryption type of the document; `CMS` when given. */
  decryptionType?: "CMS";
}

function text(field: string, value: string): string {
  if (typeof value !== "string" || value.trim() === "" || hasControlCharacters(value)) {
    throw new DssFormInputError(field, "must be non-empty text without control characters");
  }
  return value;
}

function bytes(field: string, value: Uint8Array): string {
  if (!(value instanceof Uint8Array)) throw new DssFormInputError(field, "must be a Uint8Array");
  return toBase64(value);
}

/** The backpost URL as a string, refused unless it is an absolute http(s) URL (guide, line 286). */
function backpostField(value: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new DssFormInputError("backpost", "must be an absolute http(s) URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new DssFormInputError("backpost", "must be an absolute http(s) URL");
  }
  if (url.username || url.password) {
    throw new DssFormInputError("backpost", "must not carry credentials");
  }
  return url.href;
}

function actionUrl(frontendUrl: string | URL, operation: OperationDescriptor): string {
  let base: URL;
  try {
    base = new URL(String(frontendUrl));
  } catch {
    throw new DssFormInputError("frontendUrl", "must be an absolute http(s) URL");
  }
  if (base.protocol !== "http:" && base.protocol !== "https:") {
    throw new DssFormInputError("frontendUrl", "must be an absolute http(s) URL");
  }
  const path = base.pathname.endsWith("/") ? base.pathname : `${base.pathname}/`;
  return new URL(`${path}${operation.path.slice(1)}`, base.origin).href;
}

/** The form-urlencoded body of the fields, as a browser serialises the form. */
export function formBody(fields: DssForm["fields"]): string {
  return new URLSearchParams(fields.map(([n, v]) => [n, v])).toString();
}

function finish(
  kind: DssFormKind,
  validate: CompiledSchema,
  operation: OperationDescriptor,
  options: DssFormOptions,
  fields: [string, string][],
): DssForm {
  const action = actionUrl(options.frontendUrl, operation);
  // The body the spec describes: repeated fields as arrays.
  const body: Record<string, string | string[]> = {};
  for (const [name, value] of fields) {
    if (name === "documents" || name === "documentNames") {
      const list = (body[name] as string[] | undefined) ?? [];
      list.push(value);
      body[name] = list;
    } else body[name] = value;
  }
  // The operation's own validator, compiled from the spec when the code was generated: a page
  // that builds one form carries that form's check only, and nothing compiles in the browser.
  const issues = compiledIssues(validate, body);
  if (issues.length > 0) {
    const field = issues[0]!.path.split("/")[1] ?? "form";
    throw new DssFormInputError(field, "does not match the spec's form", issues);
  }
  const size = new TextEncoder().encode(formBody(fields)).length;
  const limit = options.maxPostBytes ?? DEFAULT_MAX_POST_BYTES;
  if (size > limit) throw new DssFormTooLargeError(size, limit);
  return {
    kind,
    operationId: operation.operationId,
    action,
    method: "post",
    enctype: "application/x-www-form-urlencoded",
    fields,
    size,
  };
}

/**
 * `filecontent`, `filename` and `backpost`, the fields of §1.1, §1.8 and §1.9, and an optional
 * field after them when its value is given.
 */
function fileFields(
  options: DssFormOptions & { file: DssFile },
  optional?: [name: string, value: string | undefined],
): [string, string][] {
  const fields: [string, string][] = [
    ["filecontent", bytes("filecontent", options.file?.content)],
    ["filename", text("filename", options.file?.name)],
    ["backpost", backpostField(options.backpost)],
  ];
  if (optional?.[1] !== undefined) fields.push([optional[0], optional[1]]);
  return fields;
}

function signingFields(options: {
  signatureType?: SignatureTypeValue;
  documentInfo?: string;
}): [string, string][] {
  const out: [string, string][] = [];
  if (options.signatureType !== undefined) {
    out.push(["signaturetype", encodeSignatureType(options.signatureType)]);
  }
  if (options.documentInfo !== undefined) {
    if (typeof options.documentInfo !== "string" || options.documentInfo === "") {
      throw new DssFormInputError("documentInfo", "must be non-empty text");
    }
    out.push(["documentInfo", textToBase64(options.documentInfo)]);
  }
  return out;
}

/**
 * The form of §1.1 (guide, lines 270-333): one document to sign. DSS posts the signed document
 * (`filename`, `filecontent`) or an `error` to `backpost`.
 * @throws {DssFormInputError} for a bad URL, name, signature type or documentInfo.
 * @throws {DssFormTooLargeError} when the post would exceed `maxPostBytes`.
 */
export function signFileForm(options: SignFileFormOptions): DssForm {
  const operation =
    options.address === "SignatureWizard/uploadfile"
      ? operations.uploadFileSignatureWizard
      : operations.uploadFile;
  return finish("signFile", v.validateSignFileForm, operation, options, [
    ...fileFields(options),
    ...signingFields(options),
  ]);
}

/**
 * The form of §1.3 (guide, lines 347-399): a package of documents, one `documents` and one
 * `documentNames` field each, in order. DSS posts `result<n>`/`error<n>` per document or an `error`.
 * @throws {DssFormInputError} for no documents, or a bad URL, name, signature type or documentInfo.
 * @throws {DssFormTooLargeError} when the post would exceed `maxPostBytes`.
 */
export function signFilesForm(options: SignFilesFormOptions): DssForm {
  if (!Array.isArray(options.files) || options.files.length === 0) {
    throw new DssFormInputError("documents", "a package needs at least one document");
  }
  const fields: [string, string][] = [];
  options.files.forEach((file, i) => {
    fields.push(["documents", bytes(`documents[${i}]`, file?.content)]);
    fields.push(["documentNames", text(`documentNames[${i}]`, file?.name)]);
  });
  fields.push(["backpost", backpostField(options.backpost)], ...signingFields(options));
  return finish("signFiles", v.validateSignFilesForm, operations.uploadFiles, options, fields);
}

const OID = /^[0-2](\.(0|[1-9][0-9]*))+$/;

/**
 * The form of §1.5 (guide, lines 438-506): DSS makes a key pair and a certificate request for the
 * subject and the extended key usages, and posts the PKCS#10 request (`reqcontent`) or an `error`.
 * The subject and the OID list are sent as Base64 of their UTF-8 text.
 * @throws {DssFormInputError} for an empty subject, no OID, or a string that is not an OID.
 * @throws {DssFormTooLargeError} when the post would exceed `maxPostBytes`.
 */
export function certificateRequestForm(options: CertificateRequestFormOptions): DssForm {
  const subject = text("reqcontent", options.subject);
  const oids = options.extendedKeyUsage;
  if (!Array.isArray(oids) || oids.length === 0) {
    throw new DssFormInputError("reqeku", "at least one extended key usage OID is needed");
  }
  for (const oid of oids) {
    if (typeof oid !== "string" || !OID.test(oid)) {
      throw new DssFormInputError("reqeku", "an extended key usage is not an OID (1.3.6.1.…)");
    }
  }
  return finish(
    "certificateRequest",
    v.validateCertRequestForm,
    operations.uploadCertRequest,
    options,
    [
      ["reqcontent", textToBase64(subject)],
      ["reqeku", textToBase64(oids.join(","))],
      ["backpost", backpostField(options.backpost)],
    ],
  );
}

/** DER bytes of a certificate given as DER or PEM. */
function certificateDer(certificate: Uint8Array | string): Uint8Array {
  if (certificate instanceof Uint8Array) return certificate;
  const match =
    typeof certificate === "string"
      ? /-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\s]+)-----END CERTIFICATE-----/.exec(certificate)
      : null;
  // A PEM body may be wrapped in lines of any whitespace: the runtime's fromBase64 skips it all.
  const der = match ? runtimeFromBase64(match[1]!) : undefined;
  if (!der) throw new DssFormInputError("certcontent", "must be DER bytes or a PEM certificate");
  return der;
}

/**
 * The form of §1.7 (guide, lines 518-552): installs the certificate issued for a request; the
 * browser then returns to `backpost` with `result=ok` in the query on success.
 * @throws {DssFormInputError} for a certificate that is not DER (an ASN.1 SEQUENCE) or PEM.
 * @throws {DssFormTooLargeError} when the post would exceed `maxPostBytes`.
 */
export function installCertificateForm(options: InstallCertificateFormOptions): DssForm {
  const der = certificateDer(options.certificate);
  if (der.length < 2 || der[0] !== 0x30) {
    throw new DssFormInputError("certcontent", "is not a DER certificate");
  }
  return finish(
    "installCertificate",
    v.validateCertificateForm,
    operations.uploadCertificate,
    options,
    [
      ["certcontent", toBase64(der)],
      ["backpost", backpostField(options.backpost)],
    ],
  );
}

/**
 * The form of §1.8 (guide, lines 560-600): one document to encrypt. DSS posts the encrypted
 * document (`filename`, `filecontent`) or an `error`.
 * @throws {DssFormInputError} for a bad URL or name.
 * @throws {DssFormTooLargeError} when the post would exceed `maxPostBytes`.
 */
export function encryptFileForm(options: EncryptFileFormOptions): DssForm {
  return finish(
    "encryptFile",
    v.validateEncryptFileForm,
    operations.uploadEncryptFile,
    options,
    fileFields(options, ["encryptionType", options.encryptionType]),
  );
}

/**
 * The form of §1.9 (guide, lines 612-648): one encrypted document to decrypt with the user's key.
 * DSS posts the decrypted document (`filename`, `filecontent`) or an `error`. The field is
 * `decryptionType`, without the leading space of the guide's example form (line 644).
 * @throws {DssFormInputError} for a bad URL or name.
 * @throws {DssFormTooLargeError} when the post would exceed `maxPostBytes`.
 */
export function decryptFileForm(options: DecryptFileFormOptions): DssForm {
  return finish(
    "decryptFile",
    v.validateDecryptFileForm,
    operations.uploadDecryptFile,
    options,
    fileFields(options, ["decryptionType", options.decryptionType]),
  );
}

/** Text for an HTML attribute value or element content: `& < > " '` escaped. */
export function escapeHtml(value: string): string {
  return value.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );
}

/** Options of {@link renderAutoSubmitForm}. */
export interface RenderFormOptions {
  /** The CSP nonce of the page, put on the submitting script (`script-src 'nonce-…'`). */
  nonce?: string;
  /** The label of the button shown when scripts are off; default «Продолжить». */
  submitLabel?: string;
  /** The page title; default «Переход в КриптоПро DSS». */
  title?: string;
  /** The page language; default `ru`. */
  lang?: string;
  /** Only the `<form>` and its script, to put into a page of your own; default a whole page. */
  fragment?: boolean;
}

/**
 * The form as HTML that posts itself to DSS when the page loads (a button does it when scripts
 * are off), every attribute value escaped. By default a whole UTF-8 page, to send as `text/html`.
 */
export function renderAutoSubmitForm(form: DssForm, options: RenderFormOptions = {}): string {
  const inputs = form.fields
    .map(([n, v]) => `<input type="hidden" name="${escapeHtml(n)}" value="${escapeHtml(v)}">`)
    .join("\n");
  const nonce = options.nonce === undefined ? "" : ` nonce="${escapeHtml(options.nonce)}"`;
  const label = escapeHtml(options.submitLabel ?? "Продолжить");
  const body = `<form id="dss-form" method="post" action="${escapeHtml(form.action)}" enctype="${form.enctype}" accept-charset="utf-8">
${inputs}
<noscript><button type="submit">${label}</button></noscript>
</form>
<script${nonce}>document.getElementById("dss-form").submit();</script>`;
  if (options.fragment) return body;
  return `<!doctype html>
<html lang="${escapeHtml(options.lang ?? "ru")}">
<head><meta charset="utf-8"><title>${escapeHtml(options.title ?? "Переход в КриптоПро DSS")}</title></head>
<body>
${body}
</body>
</html>
`;
}
