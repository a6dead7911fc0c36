import { createHash } from "node:crypto";
import type { RawRequest } from "@trustspec/runtime/server";
import * as pkijs from "pkijs";
import {
  createCertificateRequest,
  decryptCms,
  describeCertificate,
  encryptCms,
  issueCertificate,
  type KeyAlgorithm,
  type KeyAndCertificate,
  listCmsRecipients,
  parseCertificateRequest,
  signCms,
  verifyCms,
} from "../cms/index.js";
import type { DssSignHandlers } from "../generated/signserver/server.gen.js";
import {
  type CertificateStatus,
  type Document,
  type DocumentSignature,
  type DSSActionsName,
  type DSSCAPolicy,
  type DSSCertificateFormat,
  DSSCertificateStatusEnum,
  type DSSCertificateStatusEnumName,
  type DSSPolicy,
  DSSRequestStatusEnum,
  type RequestStatus,
  type RevocationInfo,
  type SignatureParameters,
  SignatureType,
  type SignatureTypeName,
} from "../generated/signserver/types.gen.js";
import { actionName, needsConfirmation } from "../policy.js";
import { actionPolicy } from "./actions.js";
import {
  AUTHORIZATION_DENIED,
  CERTIFICATE_NOT_FOUND_TEXT,
  DssEmulatorError,
  dssErrorReply,
  REQUEST_NOT_FOUND_TEXT,
} from "./errors.js";
import {
  type DssEmulatorState,
  type Principal,
  type StoredCertificate,
  type StoredRequest,
  type StoredRevokeRequest,
  type StoredTransaction,
  sameSecret,
} from "./state.js";
import {
  type ContentField,
  certificateView,
  dssDate,
  htmlContent,
  NO_DATE,
  parseDssDate,
  reasonCode,
  reasonName,
  requestView,
  revokeRequestView,
  toBase64,
  xmlContent,
} from "./views.js";

/**
 * A CA handler of the emulated Signature Service. `auto` issues a certificate as soon as a
 * request arrives (as in the guide's chapter 8, where createRequest answers ACCEPTED, lines
 * 12918-12946); `operator` leaves requests PENDING, and revocation requests too, until an
 * operator accepts or rejects them (v1 doc, lines 304-392).
 */
export interface CaHandler {
  id: number;
  name: string;
  approval: "auto" | "operator";
}

/** The Signature Service's configuration. */
export interface SignServerConfig {
  ca: KeyAndCertificate;
  caHandlers: readonly CaHandler[];
  policy: DSSPolicy;
  keyAlgorithm: KeyAlgorithm;
}

/** Who calls each request, set by the router's authorization check. */
export type PrincipalRegistry = WeakMap<RawRequest, Principal>;

const STATUS_CODES = DSSCertificateStatusEnum as Record<DSSCertificateStatusEnumName, number>;

/** The default policy of the emulator (guide, §2.6.7; example, lines 4807-4916). */
export function emulatorPolicy(init: {
  caHandlers: readonly CaHandler[];
  confirmation: "On" | "Off" | "NotSet";
  confirmActions: ReadonlySet<DSSActionsName>;
}): DSSPolicy {
  const namePolicy: DSSCAPolicy["NamePolicy"] = [
    ["2.5.4.3", "Общее имя", "CN", true, 11],
    ["2.5.4.10", "Организация", "O", false, 13],
    ["2.5.4.11", "Подразделение", "OU", false, 12],
    ["2.5.4.7", "Город", "L", false, 14],
    ["2.5.4.8", "Область", "S", false, 15],
    ["2.5.4.6", "Страна/регион", "C", false, 16],
    ["1.2.840.113549.1.9.1", "Электронная почта", "E", false, 17],
    ["1.2.643.3.131.1.1", "ИНН", "INN", false, 18],
    ["1.2.643.100.3", "СНИЛС", "СНИЛС", false, 23],
  ].map(([OID, Name, StringIdentifier, IsRequired, Order]) => ({
    OID: OID as string,
    Name: Name as string,
    StringIdentifier: StringIdentifier as string,
    IsRequired: IsRequired as boolean,
    Order: Order as number,
    Value: null,
  }));
  return {
    CAPolicy: init.caHandlers.map((h) => ({
      ID: h.id,
      Name: h.name,
      Active: true,
      AllowUserMode: true,
      SNChangesEnable: true,
      NamePolicy: namePolicy,
      EKUTemplates: {
        "Сертификат пользователя DSS": ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"],
      },
      CAType: 1,
    })),
    PinCodeMode: 2,
    TspServices: [],
    TransactionConfirmation: { On: 0, Off: 1, NotSet: 2 }[init.confirmation] as 0 | 1 | 2,
    AllowedSignatureTypes: [SignatureType.CMS, SignatureType.CAdES],
    ActionPolicy: actionPolicy(new Set(init.confirmActions)),
  };
}

/** Strict Base64: the Signature Service's byte arrays (guide, §3.1, lines 3889-3901). */
export function decodeBase64(text: string, code: string, what: string): Uint8Array {
  const compact = text.replace(/\s+/g, "");
  if (compact.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) {
    throw new DssEmulatorError(400, code, `${what} is not Base64.`);
  }
  return new Uint8Array(Buffer.from(compact, "base64"));
}

/** A SignatureType given as a code, a numeric string or a name (case-insensitive). */
export function signatureTypeName(value: unknown): SignatureTypeName | undefined {
  const entries = Object.entries(SignatureType) as [SignatureTypeName, number][];
  if (typeof value === "number") return entries.find(([, code]) => code === value)?.[0];
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return entries.find(([, code]) => code === Number(text))?.[0];
  return entries.find(([name]) => name.toLowerCase() === text.toLowerCase())?.[0];
}

/** "true"/"false" in any case (guide, lines 2799-2809); undefined when absent or neither. */
function flag(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase();
  return v === "true" ? true : v === "false" ? false : undefined;
}

function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, "\\$&");
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}

/** Serial numbers compared without case and leading zeros. */
function sameSerial(a: string, b: string): boolean {
  const norm = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^0-9a-f]/g, "")
      .replace(/^0+/, "");
  return norm(a) === norm(b);
}

function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The SubjectPublicKeyInfo of a DER certificate. */
function spkiOfCertificate(der: Uint8Array): Uint8Array {
  const cert = pkijs.Certificate.fromBER(new Uint8Array(der));
  return new Uint8Array(cert.subjectPublicKeyInfo.toSchema().toBER(false));
}

const HASHES: readonly { node: string; names: readonly string[] }[] = [
  { node: "sha1", names: ["sha1", "sha-1", "1.3.14.3.2.26"] },
  { node: "sha256", names: ["sha256", "sha-256", "2.16.840.1.101.3.4.2.1"] },
  { node: "sha384", names: ["sha384", "sha-384", "2.16.840.1.101.3.4.2.2"] },
  { node: "sha512", names: ["sha512", "sha-512", "2.16.840.1.101.3.4.2.3"] },
];

/**
 * The Signature Service's handlers over the emulator's state. Every operation acts for the
 * caller's user; operations that reach a private key go through the confirmation gate (guide,
 * §6.2): under a policy that requires confirmation they need a token confirmed for a
 * transaction of the same action, and then take the document and parameters the transaction
 * holds.
 */
export function createSignServerHandlers(
  state: DssEmulatorState,
  config: SignServerConfig,
  principals: PrincipalRegistry,
): DssSignHandlers {
  const policy = config.policy;
  const caName = (id: number) => config.caHandlers.find((h) => h.id === id)?.name ?? null;

  function who(request: RawRequest): Principal {
    const p = principals.get(request);
    if (!p) throw new DssEmulatorError(401, AUTHORIZATION_DENIED);
    return p;
  }

  function operatorOnly(p: Principal): void {
    if (!p.isOperator) {
      throw new DssEmulatorError(
        401,
        AUTHORIZATION_DENIED,
        "The operation needs the Operator role.",
      );
    }
  }

  function ownCertificate(p: Principal, id: number): StoredCertificate {
    const c = state.certificates.get(id);
    if (!c || c.owner !== p.user.login) throw new DssEmulatorError(404, CERTIFICATE_NOT_FOUND_TEXT);
    return c;
  }

  function ownRequest(p: Principal, id: number): StoredRequest {
    const r = state.requests.get(id);
    if (!r || r.owner !== p.user.login) throw new DssEmulatorError(404, REQUEST_NOT_FOUND_TEXT);
    return r;
  }

  /**
   * The confirmation gate: the transaction the caller's token confirms for `action`, or
   * undefined when the policy lets the action run without one.
   * @throws DssEmulatorError 401 when the policy requires a confirmed transaction and the token has none.
   */
  function gate(p: Principal, action: DSSActionsName, certificateId?: number) {
    const txId = p.token.transactionId;
    const tx = txId === undefined ? undefined : state.transactions.get(txId);
    if (
      tx &&
      tx.state === "confirmed" &&
      tx.owner === p.user.login &&
      tx.action === action &&
      tx.expiresAt > state.nowMs()
    ) {
      const bound = Number(tx.parameters.CertificateID ?? 0);
      if (certificateId && bound && bound !== certificateId) {
        throw new DssEmulatorError(
          401,
          AUTHORIZATION_DENIED,
          "The token confirms an operation on another certificate.",
        );
      }
      return tx;
    }
    if (needsConfirmation(policy, action)) {
      throw new DssEmulatorError(
        401,
        AUTHORIZATION_DENIED,
        `${action} needs a token confirmed for a transaction (guide, §6.2).`,
      );
    }
    return undefined;
  }

  /** Marks the transaction spent once its operation has succeeded. */
  function spend(tx: StoredTransaction | undefined): void {
    if (tx) tx.state = "used";
  }

  /** The certificate to use with a private key: by id (0 = the default), active, PIN checked. */
  function keyCertificate(
    p: Principal,
    id: number | undefined,
    pin: string | undefined,
  ): StoredCertificate & { privateKey: CryptoKey } {
    let c: StoredCertificate | undefined;
    if (!id) {
      c = state.certificatesOf(p.user.login).find((x) => x.isDefault);
      if (!c)
        throw new DssEmulatorError(
          400,
          "invalid_certificate",
          "The user has no default certificate.",
        );
    } else {
      c = state.certificates.get(id);
      if (!c || c.owner !== p.user.login) {
        throw new DssEmulatorError(
          400,
          "invalid_certificate",
          "No certificate of the user has this id.",
        );
      }
    }
    if (c.status !== DSSCertificateStatusEnum.ACTIVE) {
      throw new DssEmulatorError(400, "invalid_certificate", "The certificate is not active.");
    }
    if (!c.privateKey) {
      throw new DssEmulatorError(
        400,
        "invalid_certificate",
        "The server holds no key for this certificate.",
      );
    }
    if (c.pin !== "" && !sameSecret(pin ?? "", c.pin)) {
      throw new DssEmulatorError(400, "invalid_pin", "The PIN of the private key is wrong.");
    }
    return c as StoredCertificate & { privateKey: CryptoKey };
  }

  /** Signs `content` as the signature type and parameters ask (CMS and CAdES-BES only). */
  async function sign(
    content: Uint8Array,
    signer: StoredCertificate & { privateKey: CryptoKey },
    type: SignatureTypeName,
    params: SignatureParameters,
  ): Promise<Uint8Array> {
    if (type !== "CMS" && type !== "CAdES") {
      throw new DssEmulatorError(
        400,
        "invalid_signature_params",
        `The emulator makes CMS and CAdES-BES signatures only, not ${type}.`,
      );
    }
    if (type === "CAdES" && params.CADESType !== undefined && params.CADESType !== "BES") {
      throw new DssEmulatorError(
        400,
        "tsp_error",
        `CAdES-${params.CADESType} needs a time stamp; the emulator has no time-stamp service.`,
      );
    }
    const kind = params.CmsSignatureType?.toLowerCase();
    if (kind !== undefined && kind !== "sign") {
      throw new DssEmulatorError(
        400,
        "invalid_signature_params",
        "The emulator makes first signatures only (CmsSignatureType Sign).",
      );
    }
    const detached = flag(params.IsDetached) ?? flag(params.Detached as string | undefined) ?? true;
    return signCms(
      content,
      { certificate: signer.der, privateKey: signer.privateKey },
      { detached, signingTime: state.options.now() },
    );
  }

  function signatureTypeOf(sig: DocumentSignature | undefined, tx: StoredTransaction | undefined) {
    const raw = sig?.Type ?? tx?.parameters.SignatureType;
    const type = signatureTypeName(raw);
    if (!type) {
      throw new DssEmulatorError(
        400,
        "invalid_signature_params",
        raw === undefined
          ? "Signature.Type is not given."
          : "Signature.Type is not a SignatureType.",
      );
    }
    return type;
  }

  function contentOf(doc: Document, tx: StoredTransaction | undefined, what: string): Uint8Array {
    if (doc.Content !== undefined && doc.Content !== null && doc.Content !== "") {
      return decodeBase64(doc.Content, "invalid_content", "Content");
    }
    if (tx?.document) return tx.document;
    throw new DssEmulatorError(400, "content_required", `The ${what} is not given.`);
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
    return format === 2
      ? xmlContent("certificate", fields)
      : htmlContent("Сертификат X.509", fields);
  }

  function requestContentFor(der: Uint8Array, distName: string, format: DSSCertificateFormat) {
    if (format === 1) return toBase64(der);
    const fields: ContentField[] = [
      { name: "subject", value: distName },
      { name: "base64", value: toBase64(der) },
    ];
    return format === 2
      ? xmlContent("request", fields)
      : htmlContent("Запрос на сертификат X.509", fields);
  }

  async function issueFor(r: StoredRequest): Promise<StoredCertificate> {
    const issued = await issueCertificate(config.ca, {
      subject: r.distName,
      request: r.der,
      algorithm: config.keyAlgorithm,
      now: state.options.now(),
    });
    const c = recordCertificate(state, r.owner, r.caId, issued.certificate, r.privateKey, r.pin);
    r.status = "ACCEPTED";
    r.certificateId = c.id;
    return c;
  }

  /** The certificate status a CertificateStatus body asks for, and the action it is. */
  function statusChange(c: StoredCertificate, body: CertificateStatus) {
    const target =
      typeof body.Value === "number"
        ? body.Value
        : STATUS_CODES[body.Value as DSSCertificateStatusEnumName];
    const info = body.RevocationInfo ?? undefined;
    if (target === DSSCertificateStatusEnum.REVOKED || target === DSSCertificateStatusEnum.HOLD) {
      if (!info) {
        throw new DssEmulatorError(400, "invalid_parameters", "RevocationInfo is required.");
      }
      const reason = reasonCode(info.RevocationReason);
      if (reason === undefined) {
        throw new DssEmulatorError(
          400,
          "invalid_parameters",
          "RevocationReason is not a CertRevokeReasonEnum.",
        );
      }
      if ((target === DSSCertificateStatusEnum.HOLD) !== (reason === 6)) {
        throw new DssEmulatorError(
          400,
          "invalid_parameters",
          "Holding a certificate takes RevocationReason 6 (CRL_REASON_CERTIFICATE_HOLD), and only holding does.",
        );
      }
      if (info.RevocationDate !== undefined && !parseDssDate(info.RevocationDate)) {
        throw new DssEmulatorError(400, "invalid_parameters", "RevocationDate is not a date.");
      }
      if (c.status === DSSCertificateStatusEnum.REVOKED) {
        throw new DssEmulatorError(
          400,
          "invalid_certificate_status",
          "The certificate is already revoked.",
        );
      }
      if (target === DSSCertificateStatusEnum.HOLD && c.status === DSSCertificateStatusEnum.HOLD) {
        throw new DssEmulatorError(
          400,
          "invalid_certificate_status",
          "The certificate is already on hold.",
        );
      }
      const action: DSSActionsName =
        target === DSSCertificateStatusEnum.REVOKED ? "RevokeCertificate" : "HoldCertificate";
      return { target, action, reason, info };
    }
    if (target === DSSCertificateStatusEnum.ACTIVE) {
      if (c.status !== DSSCertificateStatusEnum.HOLD) {
        throw new DssEmulatorError(
          400,
          "invalid_certificate_status",
          "Only a certificate on hold can be made active again.",
        );
      }
      return { target, action: "UnholdCertificate" as const, reason: 8, info };
    }
    throw new DssEmulatorError(
      400,
      "invalid_parameters",
      "Value must be 2 (REVOKED), 3 (HOLD) or 1 (ACTIVE, to unhold).",
    );
  }

  async function changeStatus(request: RawRequest, key: number, body: CertificateStatus) {
    const p = who(request);
    const c = ownCertificate(p, key);
    const change = statusChange(c, body);
    const tx = gate(p, change.action, c.id);
    if (state.revokeRequests.size > 0) {
      for (const r of state.revokeRequests.values()) {
        if (r.certificateId === c.id && r.status === "PENDING") {
          throw new DssEmulatorError(
            400,
            "invalid_certificate_status",
            "A request to change this certificate's status is already pending.",
          );
        }
      }
    }
    if (body.ActiveCertId) keyCertificate(p, body.ActiveCertId, body.PinCode ?? undefined);
    const now = state.options.now();
    const info: RevocationInfo = {
      RevocationReason: reasonName(change.reason),
      RevocationDate: change.info?.RevocationDate ?? NO_DATE,
      RevocationComments: change.info?.RevocationComments ?? "",
      UnholdDate: change.info?.UnholdDate ?? NO_DATE,
      RequestDate: dssDate(now),
      ApproveDate: NO_DATE,
      UnholdAction: null,
      SerialNumber: c.serialNumber,
    };
    const description = JSON.stringify({
      certificate: c.serialNumber,
      status: change.target,
      ...info,
    });
    const signed = c.privateKey
      ? await signCms(
          new TextEncoder().encode(description),
          { certificate: c.der, privateKey: c.privateKey },
          { detached: false, signingTime: now },
        )
      : new TextEncoder().encode(description);
    const revokeRequest: StoredRevokeRequest = {
      id: crypto.randomUUID(),
      certificateId: c.id,
      owner: c.owner,
      caId: c.caId,
      status: "PENDING",
      target: change.target,
      info,
      base64: toBase64(signed),
    };
    state.revokeRequests.set(revokeRequest.id, revokeRequest);
    const handler = config.caHandlers.find((h) => h.id === c.caId);
    if (!handler || handler.approval === "auto") decideRevokeRequest(revokeRequest, "ACCEPTED");
    spend(tx);
    return { status: 200 as const };
  }

  function decideRevokeRequest(r: StoredRevokeRequest, decision: "ACCEPTED" | "REJECTED") {
    r.status = decision;
    r.info.ApproveDate = dssDate(state.options.now());
    if (decision !== "ACCEPTED") return;
    const c = state.certificates.get(r.certificateId);
    if (!c) return;
    c.status = r.target;
    c.revocation = r.target === DSSCertificateStatusEnum.ACTIVE ? null : { ...r.info };
  }

  function requestDecision(body: RequestStatus): "ACCEPTED" | "REJECTED" {
    const type = body.Type;
    if (type !== 0 && type !== "Certificate") {
      throw new DssEmulatorError(400, "invalid_parameters", "Type must be 0 (Certificate).");
    }
    const value = typeof body.Value === "number" ? body.Value : DSSRequestStatusEnum[body.Value];
    if (value === DSSRequestStatusEnum.ACCEPTED) return "ACCEPTED";
    if (value === DSSRequestStatusEnum.REJECTED) return "REJECTED";
    throw new DssEmulatorError(
      400,
      "invalid_parameters",
      "Value must be 4 (ACCEPTED) or 8 (REJECTED).",
    );
  }

  async function setRequestStatus(request: RawRequest, key: number, body: RequestStatus) {
    const p = who(request);
    operatorOnly(p);
    const r = state.requests.get(key);
    if (!r) throw new DssEmulatorError(404, REQUEST_NOT_FOUND_TEXT);
    const decision = requestDecision(body);
    if (r.status !== "PENDING") {
      throw new DssEmulatorError(400, "invalid_request_status", "The request is not PENDING.");
    }
    if (decision === "ACCEPTED") await issueFor(r);
    else r.status = "REJECTED";
    return { status: 200 as const };
  }

  function setRevokeRequestStatus(request: RawRequest, key: string, body: RequestStatus) {
    const p = who(request);
    operatorOnly(p);
    const r = state.revokeRequests.get(key);
    if (!r)
      throw new DssEmulatorError(400, "invalid_rev_request", "No revocation request has this id.");
    if (body.caID !== r.caId) {
      throw new DssEmulatorError(
        400,
        "invalid_enroll",
        "caID is not the CA of the revocation request.",
      );
    }
    const decision = requestDecision(body);
    if (r.status !== "PENDING") {
      throw new DssEmulatorError(
        400,
        "invalid_request_status",
        "The revocation request is not PENDING.",
      );
    }
    decideRevokeRequest(r, decision);
    return { status: 200 as const };
  }

  function setFriendlyName(request: RawRequest, key: number, name: string) {
    const p = who(request);
    const c = ownCertificate(p, key);
    if ([...name].length > 255) {
      throw new DssEmulatorError(
        400,
        "invalid_frinendly_name_length",
        "The friendly name is longer than 255 characters.",
      );
    }
    if (
      name !== "" &&
      state.certificatesOf(p.user.login).some((x) => x !== c && x.friendlyName === name)
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

  function setDefault(request: RawRequest, key: number, value: boolean) {
    const p = who(request);
    const c = ownCertificate(p, key);
    if (value) state.setDefault(c);
    else c.isDefault = false;
    return { status: 200 as const };
  }

  function revokeRequestOf(p: Principal, key: string, authorityId: number): StoredRevokeRequest {
    const r = state.revokeRequests.get(key);
    if (
      !r ||
      (r.owner !== p.user.login && !p.isOperator) ||
      (authorityId !== 0 && authorityId !== r.caId)
    ) {
      throw new DssEmulatorError(404, "Запрос на отзыв с указанным ID не найден");
    }
    return r;
  }

  /** Runs a handler body; a DssEmulatorError becomes the API's error answer. */
  // biome-ignore lint/suspicious/noExplicitAny: each handler narrows its own reply type.
  async function guard(fn: () => Promise<any> | any): Promise<any> {
    try {
      return await fn();
    } catch (e) {
      if (e instanceof DssEmulatorError) return dssErrorReply(e);
      throw e;
    }
  }

  const handlers: DssSignHandlers = {
    listCertificates: ({ request }) =>
      guard(() => ({
        status: 200,
        body: state.certificatesOf(who(request).user.login).map(certificateView),
      })),

    installCertificate: ({ request, body }) =>
      guard(async () => {
        const p = who(request);
        const der = decodeBase64(body.certificate, "invalid_certificate_format", "certificate");
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
        const c = recordCertificate(
          state,
          p.user.login,
          match.caId,
          der,
          match.privateKey,
          match.pin,
        );
        match.status = "ACCEPTED";
        match.certificateId = c.id;
        // The v1 example answers with a one-element array (v1 doc, lines 774-798).
        return { status: 200, body: [certificateView(c)] };
      }),

    getCertificate: ({ request, path }) =>
      guard(() => ({ status: 200, body: certificateView(ownCertificate(who(request), path.key)) })),

    deleteCertificate: ({ request, path }) =>
      guard(() => {
        const p = who(request);
        const doomed =
          path.key === 0 ? state.certificatesOf(p.user.login) : [ownCertificate(p, path.key)];
        const tx = gate(p, "DeleteCertificate", path.key === 0 ? undefined : path.key);
        for (const c of doomed) state.certificates.delete(c.id);
        spend(tx);
        return { status: 200 };
      }),

    getCertificateContent: ({ request, path, query }) =>
      guard(() => ({
        status: 200,
        body: contentFor(ownCertificate(who(request), path.key), query.format),
      })),

    setDefaultCertificateV1: ({ request, path, body }) =>
      guard(() => setDefault(request, path.key, body.Default)),
    setDefaultCertificate: ({ request, path, body }) =>
      guard(() => setDefault(request, path.key, body.Default)),

    setCertificateFriendlyName: ({ request, path, body }) =>
      guard(() => setFriendlyName(request, path.key, body.FriendlyName)),
    setCertificateFriendlyNameV1: ({ request, path, body }) =>
      guard(() => setFriendlyName(request, path.key, body.FriendlyName)),

    changeCertificatePin: ({ request, path, body }) =>
      guard(() => {
        const p = who(request);
        const c = ownCertificate(p, path.key);
        const tx = gate(p, "ChangePin", c.id);
        if (!sameSecret(body.Pin, c.pin)) {
          throw new DssEmulatorError(400, "invalid_pin", "The current PIN is wrong.");
        }
        c.pin = body.NewPin;
        spend(tx);
        return { status: 200 };
      }),

    listCertificateRevokeRequests: ({ request, path }) =>
      guard(() => {
        const c = ownCertificate(who(request), path.key);
        const list = [...state.revokeRequests.values()].filter((r) => r.certificateId === c.id);
        return { status: 200, body: list.map(revokeRequestView) };
      }),

    setCertificateStatusV1: ({ request, path, body }) =>
      guard(() => changeStatus(request, path.key, body)),
    setCertificateStatus: ({ request, path, body }) =>
      guard(() => changeStatus(request, path.key, body)),

    signDocument: ({ request, body }) =>
      guard(async () => {
        const p = who(request);
        const sig = body.Signature;
        const tx = gate(p, "SignDocument", sig?.CertificateId || undefined);
        const type = signatureTypeOf(sig, tx);
        const content = contentOf(body, tx, "document");
        const certId = sig?.CertificateId || Number(tx?.parameters.CertificateID ?? 0);
        const signer = keyCertificate(p, certId, sig?.PinCode);
        const signature = await sign(content, signer, type, sig?.Parameters ?? {});
        spend(tx);
        return { status: 200, body: toBase64(signature) };
      }),

    signDocumentPackage: ({ request, body }) =>
      guard(async () => {
        const p = who(request);
        const sig = body.Signature;
        const tx = gate(p, "SignDocuments", sig?.CertificateId || undefined);
        const type = signatureTypeOf(sig, tx);
        const documents =
          body.Documents.length > 0
            ? body.Documents.map((d, i) =>
                decodeBase64(d.Content, "invalid_content", `Documents[${i}].Content`),
              )
            : (tx?.documents?.map((d) => d.Content) ?? []);
        if (documents.length === 0) {
          throw new DssEmulatorError(400, "content_required", "The package holds no documents.");
        }
        const certId = sig?.CertificateId || Number(tx?.parameters.CertificateID ?? 0);
        const signer = keyCertificate(p, certId, sig?.PinCode);
        const results: string[] = [];
        for (const d of documents)
          results.push(toBase64(await sign(d, signer, type, sig?.Parameters ?? {})));
        spend(tx);
        return { status: 200, body: { Results: results, Errors: [] } };
      }),

    hashDocument: ({ request, body }) =>
      guard(() => {
        who(request);
        const content = contentOf(body, undefined, "document");
        const wanted = (body.Signature?.Parameters?.HashAlgorithm ?? "SHA-256").trim();
        if (/gost|гост|^1\.2\.643\./i.test(wanted)) {
          throw new DssEmulatorError(
            400,
            "invalid_signature_params",
            "GOST R 34.11 hashes need CryptoPro CSP; the emulator computes SHA-1 and SHA-2 only.",
          );
        }
        const hash = HASHES.find((h) => h.names.includes(wanted.toLowerCase()));
        if (!hash) {
          throw new DssEmulatorError(
            400,
            "invalid_signature_params",
            "HashAlgorithm is not known.",
          );
        }
        return { status: 200, body: createHash(hash.node).update(content).digest("base64") };
      }),

    encryptDocument: ({ request, body }) =>
      guard(async () => {
        who(request);
        if (!body.Encryption) {
          throw new DssEmulatorError(400, "parameters_required", "Encryption is not given.");
        }
        const content = contentOf(body, undefined, "document to encrypt");
        const recipients = body.Encryption.Certificates.map((c) => {
          try {
            const der = decodeBase64(c, "invalid_recipients", "A recipient certificate");
            describeCertificate(der);
            return der;
          } catch {
            throw new DssEmulatorError(
              400,
              "invalid_recipients",
              "A recipient certificate is not valid.",
            );
          }
        });
        if (recipients.length === 0) {
          throw new DssEmulatorError(
            400,
            "invalid_recipients",
            "No recipient certificates are given.",
          );
        }
        return { status: 200, body: toBase64(await encryptCms(content, recipients)) };
      }),

    parseDecryptionCertificates: ({ request, body }) =>
      guard(() => {
        const p = who(request);
        const content = contentOf(body, undefined, "document to decrypt");
        let recipients: ReturnType<typeof listCmsRecipients>;
        try {
          recipients = listCmsRecipients(content);
        } catch {
          throw new DssEmulatorError(
            400,
            "invalid_content",
            "The document is not a CMS EnvelopedData.",
          );
        }
        const ids = state
          .certificatesOf(p.user.login)
          .filter((c) =>
            recipients.some(
              (r) => r.issuer === c.issuer && sameSerial(r.serialNumber, c.serialNumber),
            ),
          )
          .map((c) => c.id);
        if (ids.length === 0) {
          throw new DssEmulatorError(
            400,
            "certificate_not_found",
            "No certificate of the user can decrypt the document.",
          );
        }
        return { status: 200, body: ids };
      }),

    decryptDocument: ({ request, body }) =>
      guard(async () => {
        const p = who(request);
        const dec = body.Decryption;
        const tx = gate(p, "DecryptDocument", dec?.CertificateId || undefined);
        if (!dec && !tx) {
          throw new DssEmulatorError(400, "parameters_required", "Decryption is not given.");
        }
        const content = contentOf(body, tx, "document to decrypt");
        let recipients: ReturnType<typeof listCmsRecipients>;
        try {
          recipients = listCmsRecipients(content);
        } catch {
          throw new DssEmulatorError(
            400,
            "invalid_content",
            "The document is not a CMS EnvelopedData.",
          );
        }
        let certId = dec?.CertificateId || Number(tx?.parameters.CertificateID ?? 0);
        if (!certId) {
          const match = state
            .certificatesOf(p.user.login)
            .find((c) =>
              recipients.some(
                (r) => r.issuer === c.issuer && sameSerial(r.serialNumber, c.serialNumber),
              ),
            );
          if (!match) {
            throw new DssEmulatorError(
              400,
              "certificate_not_found",
              "No certificate of the user can decrypt the document.",
            );
          }
          certId = match.id;
        }
        const c = keyCertificate(p, certId, dec?.PinCode);
        if (
          !recipients.some(
            (r) => r.issuer === c.issuer && sameSerial(r.serialNumber, c.serialNumber),
          )
        ) {
          throw new DssEmulatorError(
            400,
            "certificate_not_found",
            "The document is not encrypted for this certificate.",
          );
        }
        let plain: Uint8Array;
        try {
          plain = await decryptCms(content, { certificate: c.der, privateKey: c.privateKey });
        } catch {
          throw new DssEmulatorError(400, "invalid_content", "The document cannot be decrypted.");
        }
        spend(tx);
        return { status: 200, body: toBase64(plain) };
      }),

    enhanceSignature: ({ request, body }) =>
      guard(async () => {
        who(request);
        const signature = contentOf(body, undefined, "signature to enhance");
        try {
          await verifyCms(signature, { now: state.options.now() });
        } catch {
          throw new DssEmulatorError(
            400,
            "invalid_content",
            "The document is not a CMS signature.",
          );
        }
        const params = body.Signature?.Parameters ?? {};
        if (params.CADESType !== "T" && params.CADESType !== "XLT1") {
          throw new DssEmulatorError(
            400,
            "invalid_signature_params",
            "CADESType must be T or XLT1.",
          );
        }
        if (!params.TSPAddress) {
          throw new DssEmulatorError(400, "invalid_signature_params", "TSPAddress is required.");
        }
        // An enhanced signature carries a time stamp, which the emulator cannot get.
        throw new DssEmulatorError(
          400,
          "tsp_error",
          "The emulator has no time-stamp service to reach.",
        );
      }),

    getPolicy: ({ request }) =>
      guard(() => {
        who(request);
        return { status: 200, body: policy };
      }),

    listRequests: ({ request }) =>
      guard(() => {
        const p = who(request);
        const list = [...state.requests.values()].filter((r) => r.owner === p.user.login);
        return { status: 200, body: list.map((r) => requestView(r, caName(r.caId))) };
      }),

    createRequest: ({ request, body }) =>
      guard(async () => {
        const p = who(request);
        const caId = Number(body.AuthorityId);
        const handler = config.caHandlers.find((h) => h.id === caId);
        if (!handler)
          throw new DssEmulatorError(400, "invalid_enroll", "No CA handler has this AuthorityId.");
        const dn = Object.entries(body.DistinguishedName);
        if (dn.some(([oid]) => !/^\d+(\.\d+)+$/.test(oid))) {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "DistinguishedName keys must be OIDs.",
          );
        }
        const commonName = body.DistinguishedName["2.5.4.3"]?.trim();
        if (!commonName) {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "The CA's name policy requires the common name (2.5.4.3).",
          );
        }
        const kind = body.Parameters?.RequestType === "Renew" ? "Renew" : "First";
        const action: DSSActionsName = kind === "Renew" ? "RenewCertificate" : "CreateRequest";
        const tx = gate(p, action);
        if (kind === "Renew" && body.Parameters?.ActiveCertId) {
          keyCertificate(p, Number(body.Parameters.ActiveCertId), body.Parameters.ActiveCertPin);
        }
        // Most specific first, as DSS writes names ("CN=…, O=…").
        dn.sort(([a], [b]) => (a === "2.5.4.3" ? -1 : b === "2.5.4.3" ? 1 : 0));
        const subject = dn.map(([oid, v]) => `${oid}=${escapeDnValue(v)}`).join(", ");
        let made: Awaited<ReturnType<typeof createCertificateRequest>>;
        try {
          made = await createCertificateRequest({ subject, algorithm: config.keyAlgorithm });
        } catch {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "DistinguishedName cannot be encoded.",
          );
        }
        const parsed = await parseCertificateRequest(made.request);
        const r: StoredRequest = {
          id: state.nextRequestId(),
          owner: p.user.login,
          caId,
          distName: parsed.subject,
          commonName,
          der: made.request,
          privateKey: made.privateKey,
          publicKey: made.publicKey,
          pin: body.PinCode ?? "",
          status: "PENDING",
          caRequestId: state.nextCaRequestId(),
          certificateId: 0,
          kind,
          ...(body.Template !== undefined ? { template: body.Template } : {}),
        };
        state.requests.set(r.id, r);
        if (handler.approval === "auto") await issueFor(r);
        spend(tx);
        return { status: 200, body: requestView(r, handler.name) };
      }),

    getRevokeRequestContent: ({ request, path, query }) =>
      guard(() => {
        const r = revokeRequestOf(who(request), path.key, query.authorityId);
        if (query.format === 1) return { status: 200, body: r.base64 };
        const fields: ContentField[] = [
          { name: "certificate-serial-number", value: r.info.SerialNumber ?? "" },
          { name: "revocation-reason", value: String(r.info.RevocationReason) },
          { name: "request-date", value: r.info.RequestDate ?? NO_DATE },
          { name: "status", value: String(r.status) },
          { name: "base64", value: r.base64 },
        ];
        return {
          status: 200,
          body:
            query.format === 2
              ? xmlContent("request", fields)
              : htmlContent("Запрос на отзыв сертификата", fields),
        };
      }),

    setRevokeRequestStatusV1: ({ request, path, body }) =>
      guard(() => setRevokeRequestStatus(request, path.key, body)),
    setRevokeRequestStatus: ({ request, path, body }) =>
      guard(() => setRevokeRequestStatus(request, path.key, body)),

    getRequest: ({ request, path }) =>
      guard(() => {
        const r = ownRequest(who(request), path.key);
        return { status: 200, body: requestView(r, caName(r.caId)) };
      }),

    deleteRequest: ({ request, path }) =>
      guard(() => {
        const p = who(request);
        for (const r of [...state.requests.values()]) {
          // An unknown id is answered with 200 as well (v1 doc, lines 148-150).
          if (r.owner === p.user.login && (path.key === 0 || r.id === path.key)) {
            state.requests.delete(r.id);
          }
        }
        return { status: 200 };
      }),

    getRequestContent: ({ request, path, query }) =>
      guard(() => {
        const r = ownRequest(who(request), path.key);
        if (query.authorityId !== 0 && query.authorityId !== r.caId) {
          throw new DssEmulatorError(404, REQUEST_NOT_FOUND_TEXT);
        }
        return { status: 200, body: requestContentFor(r.der, r.distName, query.format) };
      }),

    setRequestStatusV1: ({ request, path, body }) =>
      guard(() => setRequestStatus(request, path.key, body)),
    setRequestStatus: ({ request, path, body }) =>
      guard(() => setRequestStatus(request, path.key, body)),

    createTransaction: ({ request, body }) =>
      guard(() => {
        const p = who(request);
        const action = actionName(body.OperationCode);
        if (action === undefined || action === "Issue") {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "OperationCode must be a DSSActions member other than Issue.",
          );
        }
        const parameters: Record<string, string> = {};
        for (const { Name, Value } of body.Parameters ?? []) parameters[Name] = Value;
        if (parameters.CertificateID !== undefined) {
          const id = Number(parameters.CertificateID);
          const c = Number.isInteger(id) ? state.certificates.get(id) : undefined;
          if (!c || c.owner !== p.user.login) {
            throw new DssEmulatorError(
              400,
              "invalid_parameters",
              "CertificateID names no certificate of the user.",
            );
          }
        }
        if (
          parameters.SignatureType !== undefined &&
          !signatureTypeName(parameters.SignatureType)
        ) {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "SignatureType is not a SignatureType.",
          );
        }
        const tx = state.createTransaction({
          owner: p.user.login,
          action,
          parameters,
          ...(body.Document !== undefined
            ? { document: decodeBase64(body.Document, "invalid_parameters", "Document") }
            : {}),
          ...(body.Documents !== undefined
            ? {
                documents: body.Documents.map((d, i) => ({
                  ...(d.Name !== undefined ? { Name: d.Name } : {}),
                  Content: decodeBase64(d.Content, "invalid_parameters", `Documents[${i}].Content`),
                })),
              }
            : {}),
        });
        return { status: 200, body: tx.id };
      }),
  };
  return handlers;
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

/** Issues a certificate for a request without recording it: what an out-of-band CA would hand the user. */
export async function issueOutOfBand(
  config: Pick<SignServerConfig, "ca" | "keyAlgorithm">,
  r: StoredRequest,
  now: Date,
): Promise<Uint8Array> {
  const issued = await issueCertificate(config.ca, {
    subject: r.distName,
    request: r.der,
    algorithm: config.keyAlgorithm,
    now,
  });
  return issued.certificate;
}
