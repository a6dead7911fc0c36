import type {
  DSSCertificateEx,
  DSSCertRequest,
  DSSRevRequest,
  DssDateTime,
  RevocationInfo,
} from "../generated/signserver/types.gen.js";
import {
  CertRevokeReasonEnum,
  CertRevokeReasonEnumName,
} from "../generated/signserver/types.gen.js";
import type { StoredCertificate, StoredRequest, StoredRevokeRequest } from "./state.js";

/** "No date" as DSS writes it (v1 doc, lines 730, 735). */
export const NO_DATE: DssDateTime = "0001-01-01T00:00:00";

/** A date as DSS writes it: UTC, without a zone suffix (v1 doc, line 732). */
export function dssDate(date: Date): DssDateTime {
  return date.toISOString().slice(0, 19);
}

/** Reads a DSS date ("yyyy-MM-dd hh:mm[:ss]" or with T; UTC when no zone is given). */
export function parseDssDate(text: string): Date | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?$/.exec(
    text,
  );
  if (!m) return undefined;
  const date = new Date(`${m[1]}T${m[2]}${m[3] ?? ":00"}${m[5] ?? "Z"}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const REASON_NAMES = new Map<number, CertRevokeReasonEnumName>(
  Object.entries(CertRevokeReasonEnum).map(([name, code]) => [
    code,
    name as CertRevokeReasonEnumName,
  ]),
);

/** A revocation reason as a code, whether it came as a code or as a name. */
export function reasonCode(reason: RevocationInfo["RevocationReason"]): number | undefined {
  if (typeof reason === "number") return REASON_NAMES.has(reason) ? reason : undefined;
  return (CertRevokeReasonEnum as Record<string, number>)[reason];
}

/** A revocation reason as responses send it: the member name (v1 doc, line 729). */
export function reasonName(code: number): CertRevokeReasonEnumName {
  return REASON_NAMES.get(code) ?? CertRevokeReasonEnumName.CRL_REASON_UNSPECIFIED;
}

/** Base64 of bytes. */
export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64");
}

/**
 * A certificate as the Signature Service shows it: DSSCertificateEx with the fields of the
 * guide's chapter 3 example (Status.Value as a code, CertificateType "ServerSide" as in the v1
 * examples, lines 4712-4750).
 */
export function certificateView(c: StoredCertificate): DSSCertificateEx {
  return {
    CertificateType: "ServerSide",
    ID: c.id,
    DName: c.subject,
    CertificateBase64: toBase64(c.der),
    Status: { Value: c.status, RevocationInfo: c.revocation, PinCode: null, ActiveCertId: 0 },
    IsDefault: c.isDefault,
    CertificateAuthorityID: c.caId,
    CspID: null,
    HashAlgorithms: ["SHA-256"],
    ProviderName: null,
    ProviderType: 0,
    PrivateKeyNotBefore: dssDate(c.notBefore),
    PrivateKeyNotAfter: dssDate(c.notAfter),
    HasPin: c.pin !== "",
    FriendlyName: c.friendlyName,
  };
}

/** A certificate request as the chapter 8 example shows it (guide, lines 12924-12942). */
export function requestView(r: StoredRequest, caName: string | null): DSSCertRequest {
  return {
    Subject: r.commonName,
    CertificateType: "ServerSide",
    Base64Request: toBase64(r.der),
    CertificateAuthorityID: r.caId,
    CADisplayName: caName,
    DistName: r.distName,
    Status: r.status,
    ID: r.id,
    CARequestID: r.caRequestId,
    CertificateID: r.certificateId,
    RequestType: "Certificate",
    CspID: null,
  };
}

/** A revocation request as the v1 example shows it (v1 doc, lines 723-740). */
export function revokeRequestView(r: StoredRevokeRequest): DSSRevRequest {
  return {
    Base64Request: r.base64,
    ID: r.id,
    CertificateAuthorityID: r.caId,
    Status: r.status,
    RevInfo: r.info,
  };
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

/** One certificate or request field for the XML and HTML forms. */
export interface ContentField {
  name: string;
  value: string;
}

/**
 * The XML form (DSSCertificateFormat XML = 2) in the namespace of the v1 example (lines
 * 583-696). The emulator writes a flat subset of the vendor's schema: one element per field.
 */
export function xmlContent(root: "certificate" | "request", fields: ContentField[]): string {
  const body = fields
    .map((f) => `  <pki:${f.name}>${escapeXml(f.value)}</pki:${f.name}>`)
    .join("\n");
  return `<?xml version="1.0" encoding="utf-16"?>\n<pki:${root} xmlns:pki="http://www.cryptopro.ru/2001/Schema/WD1-PKI">\n${body}\n</pki:${root}>`;
}

/** The print form (DSSCertificateFormat FORMATTED = 4): an HTML page, as the v1 example (lines 201-283). */
export function htmlContent(title: string, fields: ContentField[]): string {
  const rows = fields
    .map((f) => `<tr><th>${escapeXml(f.name)}</th><td>${escapeXml(f.value)}</td></tr>`)
    .join("\n");
  return `<?xml version="1.0" encoding="utf-16"?>\n<html xmlns:pki="http://www.cryptopro.ru/2001/Schema/WD1-PKI">\n<head><title>${escapeXml(title)}</title></head>\n<body>\n<h1>${escapeXml(title)}</h1>\n<table>\n${rows}\n</table>\n</body>\n</html>`;
}
