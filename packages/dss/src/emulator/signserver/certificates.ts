import { parseCertificate } from "@trustspec/cms";
import type { RawRequest } from "@trustspec/runtime/server";
import { bytesEqual, describeCertificate } from "../../cms/index.js";
import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import {
  type DSSCertificateFormat,
  DSSCertificateStatusEnum,
} from "../../generated/signserver/types.gen.js";
import { DssEmulatorError } from "../errors.js";
import {
  type DssEmulatorState,
  type StoredCertificate,
  type StoredRequest,
  sameSecret,
} from "../state.js";
import {
  type ContentField,
  certificateView,
  dssDate,
  htmlContent,
  toBase64,
  xmlContent,
} from "../views.js";
import { decodeBase64, guard, type SignServerContext } from "./context.js";

type CertificateOperation =
  | "listCertificates"
  | "installCertificate"
  | "getCertificate"
  | "deleteCertificate"
  | "getCertificateContent"
  | "setDefaultCertificateV1"
  | "setDefaultCertificate"
  | "setCertificateFriendlyName"
  | "setCertificateFriendlyNameV1"
  | "changeCertificatePin";

/**
 * The certificate operations: list, read, install an externally issued certificate, delete,
 * content, default, friendly name and PIN. Status changes are in `revocation.ts`.
 */
export function certificateHandlers(
  ctx: SignServerContext,
): Pick<DssSignHandlers, CertificateOperation> {
  const { state } = ctx;
  return {
    listCertificates: ({ request }) =>
      guard(() => ({
        status: 200,
        body: state.certificatesOf(ctx.who(request).user.login).map(certificateView),
      })),

    installCertificate: ({ request, body }) =>
      guard(() => installCertificate(ctx, request, body.certificate)),

    getCertificate: ({ request, path }) =>
      guard(() => ({
        status: 200,
        body: certificateView(ctx.ownCertificate(ctx.who(request), path.key)),
      })),

    deleteCertificate: ({ request, path }) =>
      guard(() => {
        const p = ctx.who(request);
        const doomed =
          path.key === 0 ? state.certificatesOf(p.user.login) : [ctx.ownCertificate(p, path.key)];
        const tx = ctx.gate(p, "DeleteCertificate", path.key === 0 ? undefined : path.key);
        for (const c of doomed) state.certificates.delete(c.id);
        ctx.spend(tx);
        return { status: 200 };
      }),

    getCertificateContent: ({ request, path, query }) =>
      guard(() => ({
        status: 200,
        body: contentFor(ctx.ownCertificate(ctx.who(request), path.key), query.format),
      })),

    setDefaultCertificateV1: ({ request, path, body }) =>
      guard(() => setDefault(ctx, request, path.key, body.Default)),
    setDefaultCertificate: ({ request, path, body }) =>
      guard(() => setDefault(ctx, request, path.key, body.Default)),

    setCertificateFriendlyName: ({ request, path, body }) =>
      guard(() => setFriendlyName(ctx, request, path.key, body.FriendlyName)),
    setCertificateFriendlyNameV1: ({ request, path, body }) =>
      guard(() => setFriendlyName(ctx, request, path.key, body.FriendlyName)),

    changeCertificatePin: ({ request, path, body }) =>
      guard(() => {
        const p = ctx.who(request);
        const c = ctx.ownCertificate(p, path.key);
        const tx = ctx.gate(p, "ChangePin", c.id);
        if (!sameSecret(body.Pin, c.pin)) {
          throw new DssEmulatorError(400, "invalid_pin", "The current PIN is wrong.");
        }
        c.pin = body.NewPin;
        ctx.spend(tx);
        return { status: 200 };
      }),
  };
}

/**
 * Records a certificate the server holds the key of; the user's first certificate becomes the
 * default one.
 */
export function recordCertificate(
  state: DssEmulatorState,
  owner: string,
  caId: number,
  der: Uint8Array,
  privateKey: CryptoKey,
  pin: string,
): StoredCertificate {
  const info = describeCertificate(der);
  const c: StoredCertificate = {
    id: state.nextCertificateId(),
    owner,
    der,
    privateKey,
    caId,
    status: DSSCertificateStatusEnum.ACTIVE,
    revocation: null,
    isDefault: false,
    friendlyName: "",
    pin,
    subject: info.subject,
    issuer: info.issuer,
    serialNumber: info.serialNumber,
    notBefore: info.notBefore,
    notAfter: info.notAfter,
  };
  state.certificates.set(c.id, c);
  if (!state.certificatesOf(owner).some((x) => x !== c && x.isDefault)) c.isDefault = true;
  return c;
}

/**
 * Installs a certificate issued out of band for a PENDING request of the caller: the request
 * whose key the certificate carries becomes ACCEPTED.
 */
async function installCertificate(ctx: SignServerContext, request: RawRequest, base64: string) {
  const { state, config } = ctx;
  const p = ctx.who(request);
  const der = decodeBase64(base64, "invalid_certificate_format", "certificate");
  let info: ReturnType<typeof describeCertificate>;
  let spki: Uint8Array;
  try {
    info = describeCertificate(der);
    spki = spkiOfCertificate(der);
  } catch {
    throw new DssEmulatorError(
      400,
      "invalid_certificate_format",
      "The certificate is not an X.509 certificate.",
    );
  }
  const caSubject = describeCertificate(config.ca.certificate).subject;
  if (info.issuer !== caSubject) {
    throw new DssEmulatorError(
      400,
      "appropriate_enroll_not_found",
      "No CA handler of the server issued this certificate.",
    );
  }
  let match: StoredRequest | undefined;
  for (const r of state.requests.values()) {
    if (r.owner !== p.user.login) continue;
    const key = new Uint8Array(await crypto.subtle.exportKey("spki", r.publicKey));
    if (bytesEqual(key, spki)) match = r;
  }
  if (!match) {
    throw new DssEmulatorError(
      400,
      "request_not_found",
      "No request of the user has this certificate's key.",
    );
  }
  if (match.status !== "PENDING") {
    throw new DssEmulatorError(
      400,
      "invalid_request_status",
      "The matching request is not PENDING.",
    );
  }
  const c = recordCertificate(state, p.user.login, match.caId, der, match.privateKey, match.pin);
  match.status = "ACCEPTED";
  match.certificateId = c.id;
  // The v1 example answers with a one-element array (v1 doc, lines 774-798).
  return { status: 200 as const, body: [certificateView(c)] };
}

function setDefault(ctx: SignServerContext, request: RawRequest, key: number, value: boolean) {
  const p = ctx.who(request);
  const c = ctx.ownCertificate(p, key);
  if (value) ctx.state.setDefault(c);
  else c.isDefault = false;
  return { status: 200 as const };
}

function setFriendlyName(ctx: SignServerContext, request: RawRequest, key: number, name: string) {
  const p = ctx.who(request);
  const c = ctx.ownCertificate(p, key);
  if ([...name].length > 255) {
    throw new DssEmulatorError(
      400,
      "invalid_frinendly_name_length",
      "The friendly name is longer than 255 characters.",
    );
  }
  if (
    name !== "" &&
    ctx.state.certificatesOf(p.user.login).some((x) => x !== c && x.friendlyName === name)
  ) {
    throw new DssEmulatorError(
      400,
      "duplicate_friendly_name",
      "Another certificate of the user has this friendly name.",
    );
  }
  c.friendlyName = name;
  return { status: 200 as const };
}

function contentFor(c: StoredCertificate, format: DSSCertificateFormat): string {
  if (format === 1) return toBase64(c.der);
  const fields: ContentField[] = [
    { name: "serial-number", value: c.serialNumber },
    { name: "issuer", value: c.issuer },
    { name: "subject", value: c.subject },
    { name: "not-before", value: dssDate(c.notBefore) },
    { name: "not-after", value: dssDate(c.notAfter) },
    { name: "base64", value: toBase64(c.der) },
  ];
  return format === 2 ? xmlContent("certificate", fields) : htmlContent("Сертификат X.509", fields);
}

/** The SubjectPublicKeyInfo of a DER certificate. */
function spkiOfCertificate(der: Uint8Array): Uint8Array {
  const cert = parseCertificate(der);
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}
