import {
  type HandlerContext,
  type HandlerContextParts,
  handlerContext,
  type RawRequest,
} from "@trustspec/runtime/server";
import { type SoapFault, type SoapHandlerContext, XsiTyped } from "@trustspec/runtime/soap";
import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import * as rest from "../../generated/signserver/types.gen.js";
import type { DssSignServiceHandlers } from "../../generated/signservice/server.gen.js";
import type * as soap from "../../generated/signservice/types.gen.js";
import { signServiceTokenOf } from "../../soap/endpoint-security.js";
import { dssSoapFault } from "../../soap/faults.js";
import {
  AUTHORIZATION_DENIED,
  CERTIFICATE_NOT_FOUND_TEXT,
  INTERNAL_ERROR_TEXT,
  REQUEST_NOT_FOUND_TEXT,
} from "../errors.js";
import type { DssEmulatorState, Principal } from "../state.js";

/**
 * The Sign Service's 23 operations over the REST Signature Service's handlers: each SOAP call is
 * turned into the REST operation's input, run by the same handler over the same state as the
 * caller the verified SAML token names (its `dsstransactiontokenid` claim in the place of a
 * bearer token's confirmed transaction), and its answer turned into the SOAP data contract. A
 * REST error becomes a SOAP fault with the `DSSFault` detail.
 */

/** Who calls each SOAP request, read by the REST handlers' `ctx.who(request)`. */
export type SoapPrincipals = WeakMap<RawRequest, Principal>;

/** REST messages that are vendor text rather than a v1 identifier, and their identifiers. */
const CODES: Readonly<Record<string, string>> = {
  [CERTIFICATE_NOT_FOUND_TEXT]: "certificate_not_found",
  [REQUEST_NOT_FOUND_TEXT]: "request_not_found",
  [AUTHORIZATION_DENIED]: "authorization_denied",
  [INTERNAL_ERROR_TEXT]: "internal_error",
};

/**
 * The fault a Sign Service operation answers with: `Receiver` (HTTP 500, as a WCF service
 * answers every fault), the reason the message, the `DSSFault` detail with the code.
 */
export function dssFault(code: string, message: string): SoapFault {
  return dssSoapFault({ Code: code, Message: message });
}

type Reply = { status: number; body?: unknown };
type Ok<R> = R extends { status: 200; body?: infer B } ? B : never;

/** The body of a REST handler's 200 answer; any other answer as a `DSSFault`. */
async function ok<R extends Reply>(reply: R | Promise<R>): Promise<Ok<R>> {
  const r = await reply;
  if (r.status === 200) return r.body as Ok<R>;
  const body = (r.body ?? {}) as { Message?: string; MessageDetail?: string };
  const message = body.Message ?? INTERNAL_ERROR_TEXT;
  const code = /^[a-z][a-z_]*$/.test(message) ? message : (CODES[message] ?? "internal_error");
  throw dssFault(code, body.MessageDetail ?? message);
}

/** The name of an enumeration member given as a code or a name. */
function nameOf<E extends Record<string, number>>(e: E, value: number | string): keyof E & string {
  if (typeof value === "string") return value as keyof E & string;
  return (Object.keys(e).find((k) => e[k] === value) ?? String(value)) as keyof E & string;
}

/** A SOAP list (`ArrayOf…`): its items under `key`, or none at all (an empty list has no items). */
function list<K extends string, T>(key: K, items: readonly T[]): { [P in K]?: T[] } {
  return (items.length > 0 ? { [key]: [...items] } : {}) as { [P in K]?: T[] };
}

/** A map of the SOAP dictionaries without their nil values. */
function entries(map: Record<string, string | null> | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(map ?? {})) if (v !== null) out[k] = v;
  return out;
}

function revocationOut(r: rest.RevocationInfo | null | undefined): soap.RevocationInfo | null {
  if (!r) return null;
  return {
    ApproveDate: r.ApproveDate ?? null,
    RequestDate: r.RequestDate ?? null,
    RevocationComments: r.RevocationComments ?? null,
    RevocationDate: r.RevocationDate ?? null,
    RevocationReason: nameOf(rest.CertRevokeReasonEnum, r.RevocationReason),
    SerialNumber: r.SerialNumber ?? null,
    UnholdAction: r.UnholdAction ?? null,
    UnholdDate: r.UnholdDate ?? null,
  };
}

function certificateOut(c: rest.DSSCertificate): soap.DSSCertificate {
  return {
    CertificateAuthorityID: c.CertificateAuthorityID,
    CertificateBase64: c.CertificateBase64,
    DName: c.DName,
    ID: c.ID,
    IsDefault: c.IsDefault,
    Status: {
      ...(c.Status.ActiveCertId !== undefined ? { ActiveCertId: c.Status.ActiveCertId } : {}),
      PinCode: c.Status.PinCode ?? null,
      RevocationInfo: revocationOut(c.Status.RevocationInfo),
      Value: nameOf(rest.DSSCertificateStatusEnum, c.Status.Value),
    },
  };
}

function requestOut(r: rest.DSSCertRequest): soap.DSSCertRequest {
  return {
    Base64Request: r.Base64Request,
    CADisplayName: r.CADisplayName ?? null,
    CARequestID: r.CARequestID,
    CertificateAuthorityID: r.CertificateAuthorityID,
    CertificateID: r.CertificateID,
    DistName: r.DistName,
    ID: r.ID,
    RequestType: nameOf(rest.CARequestTypeEnum, r.RequestType),
    Status: nameOf(rest.DSSRequestStatusEnum, r.Status),
    Subject: r.Subject,
  };
}

function revokeRequestOut(r: rest.DSSRevRequest): soap.DSSRevRequest {
  return {
    Base64Request: r.Base64Request,
    ID: r.ID,
    Status: nameOf(rest.DSSRequestStatusEnum, r.Status),
    caID: r.CertificateAuthorityID,
    revInfo: revocationOut(r.RevInfo),
  };
}

function policyOut(p: rest.DSSPolicy): soap.DSSPolicy {
  const confirmation =
    typeof p.TransactionConfirmation === "boolean"
      ? p.TransactionConfirmation
        ? "On"
        : "Off"
      : nameOf(rest.MfaPolicy, p.TransactionConfirmation);
  return {
    ActionPolicy: list(
      "DSSAction",
      (p.ActionPolicy ?? []).map((a) => ({
        Action: nameOf(rest.DSSActions, a.Action),
        DisplayName: a.DisplayName,
        MfaRequired: a.MfaRequired,
        Uri: a.Uri,
      })),
    ),
    AllowedSignatureType: list(
      "SignatureType",
      p.AllowedSignatureTypes.map((t) => nameOf(rest.SignatureType, t)),
    ),
    CAPolicy: list(
      "DSSCAPolicy",
      p.CAPolicy.map((c) => ({
        Active: c.Active,
        AllowUserMode: c.AllowUserMode,
        CAType: nameOf(rest.DSSCAType, c.CAType),
        EkuTemplates: list(
          "KeyValueOfstringArrayOfstring",
          Object.entries(c.EKUTemplates).map(([Key, v]) => ({ Key, Value: list("string", v) })),
        ),
        ID: c.ID,
        Name: c.Name,
        NamePolicy: list("SubjectNameComponent", c.NamePolicy),
        SNChangesEnable: c.SNChangesEnable,
      })),
    ),
    PinCodeMode: nameOf(rest.PinCodeMode, p.PinCodeMode),
    TransactionConfirmation: confirmation,
    TspServices: list("TspService", p.TspServices),
  };
}

/** The Signature parameters of a signing operation's SOAP arguments. */
function signatureOf(m: {
  signatureType?: soap.SignatureType;
  certificateID?: number;
  pinCode?: string | null;
  signatureParams?: Record<string, string | null> | null;
}): rest.DocumentSignature {
  return {
    ...(m.signatureType !== undefined ? { Type: m.signatureType } : {}),
    ...(m.certificateID ? { CertificateId: m.certificateID } : {}),
    ...(m.pinCode != null ? { PinCode: m.pinCode } : {}),
    Parameters: entries(m.signatureParams) as rest.SignatureParameters,
  };
}

/** "CN=Иван, O=Test" → the REST request's DistinguishedName by OID. */
function distinguishedName(text: string | null | undefined): Record<string, string> {
  const oids: Record<string, string> = {
    CN: "2.5.4.3",
    SN: "2.5.4.4",
    SERIALNUMBER: "2.5.4.5",
    C: "2.5.4.6",
    L: "2.5.4.7",
    S: "2.5.4.8",
    ST: "2.5.4.8",
    STREET: "2.5.4.9",
    O: "2.5.4.10",
    OU: "2.5.4.11",
    T: "2.5.4.12",
    TITLE: "2.5.4.12",
    G: "2.5.4.42",
    GIVENNAME: "2.5.4.42",
    E: "1.2.840.113549.1.9.1",
  };
  const out: Record<string, string> = {};
  for (const part of (text ?? "").split(/,(?=\s*[\w.]+\s*=)/)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const oid = /^\d+(\.\d+)+$/.test(key) ? key : oids[key.toUpperCase()];
    if (!oid) throw dssFault("invalid_parameters", `dName names an unknown attribute: ${key}`);
    out[oid] = part.slice(eq + 1).trim();
  }
  return out;
}

/**
 * A SetCertificateProperty value as text: an `xs:string` or `xs:boolean` (`xsi:type`), or the
 * text of a `Value` sent without `xsi:type`.
 */
function propertyText(value: unknown): string {
  return typeof value === "string" ? value.trim() : String(value ?? "").trim();
}

/** The data-contract namespace of the Sign Service's classes (`PinInfo`, `CertificateStatus`). */
const DSS_COMMON_NS = "http://schemas.datacontract.org/2004/07/CryptoPro.DSS.Common";

/**
 * The `PinInfo` a SetCertificateProperty with PropertyType `Pin` carries in `Value` (§2.6.3,
 * Table 6; §2.7.4, Table 22: «Поле Value … должно быть типа PinInfo»; §2.6.6, Table 9: `Pin` the
 * current PIN, `NewPin` the new one), sent with `xsi:type` naming `PinInfo`; undefined otherwise.
 */
function pinInfo(value: unknown): { Pin: string; NewPin: string } | undefined {
  if (!(value instanceof XsiTyped) || value.ref !== "PinInfo") return undefined;
  if (value.type.ns !== DSS_COMMON_NS) return undefined;
  const info = (value.value ?? {}) as soap.PinInfo;
  if (typeof info.NewPin !== "string") return undefined;
  return { Pin: typeof info.Pin === "string" ? info.Pin : "", NewPin: info.NewPin };
}

/**
 * The Sign Service's handlers. `rest` is a REST handler set over the emulator's state whose
 * principal registry is `principals`; `state` gives the users the SAML subjects name.
 */
export function createSignServiceHandlers(
  state: DssEmulatorState,
  handlers: DssSignHandlers,
  principals: SoapPrincipals,
): DssSignServiceHandlers {
  let transactionNumber = 0;

  /** Registers the caller of a SOAP request from its verified token; the raw request. */
  function caller(ctx: SoapHandlerContext<unknown>): RawRequest {
    const token = signServiceTokenOf(ctx);
    const user = token?.subject === undefined ? undefined : state.users.get(token.subject);
    if (!token || !user) {
      throw dssFault("authorization_denied", "The token names no user of the Sign Service.");
    }
    principals.set(ctx.soap.raw, {
      user,
      token: {
        value: `saml:${token.assertionId}`,
        subject: user.login,
        clientId: "ws-trust",
        scope: "dss",
        issuedAt: token.notBefore?.getTime() ?? state.nowMs(),
        expiresAt: token.notOnOrAfter?.getTime() ?? state.nowMs(),
        ...(token.transactionId !== undefined ? { transactionId: token.transactionId } : {}),
      },
      isOperator: user.role === "operator",
    });
    return ctx.soap.raw;
  }

  /** A REST handler's context: the caller's raw request and the parts the handler reads. */
  function call<T extends HandlerContext>(
    ctx: SoapHandlerContext<unknown>,
    parts: HandlerContextParts,
  ): T {
    return handlerContext<T>(ctx.operation, caller(ctx), parts);
  }

  type Ctx<K extends keyof DssSignHandlers> = Parameters<DssSignHandlers[K]>[0];

  return {
    async SignDocument(ctx) {
      const m = ctx.message;
      const body: rest.Document = {
        ...(m.document != null ? { Content: m.document } : {}),
        Signature: signatureOf(m),
      };
      const signed = await ok(handlers.signDocument(call<Ctx<"signDocument">>(ctx, { body })));
      return { SignDocumentResult: signed };
    },

    async SignDocuments(ctx) {
      const m = ctx.message;
      const all = m.documents?.base64Binary ?? [];
      // A nil or empty document is refused alone; the others are signed as one package.
      const given = all.flatMap((d, i) => (d ? [{ i, d }] : []));
      if (all.length > 0 && given.length === 0) {
        throw dssFault("content_required", "Every document of the package is empty.");
      }
      const body: rest.DocumentPackage = {
        Documents: given.map(({ d }) => ({ Content: d })),
        Signature: signatureOf(m),
      };
      const signed = await ok(
        handlers.signDocumentPackage(call<Ctx<"signDocumentPackage">>(ctx, { body })),
      );
      if (all.length === 0) {
        return { SignDocumentsResult: { Results: list("base64Binary", signed.Results) } };
      }
      const results: (string | null)[] = all.map(() => null);
      given.forEach(({ i }, k) => {
        results[i] = signed.Results[k] ?? null;
      });
      const errors: soap.DSSFault[] = all.flatMap((d, i) =>
        d ? [] : [{ Code: "content_required", Message: `Document ${i} is empty.` }],
      );
      return {
        SignDocumentsResult: {
          Errors: list("DSSFault", errors),
          Results: list("base64Binary", results),
        },
      };
    },

    async EnhanceSignature(ctx) {
      const m = ctx.message;
      const body: rest.Document = {
        ...(m.document != null ? { Content: m.document } : {}),
        Signature: signatureOf(m),
      };
      const result = await ok(
        handlers.enhanceSignature(call<Ctx<"enhanceSignature">>(ctx, { body })),
      );
      return { EnhanceSignatureResult: result };
    },

    async EncryptDocument(ctx) {
      const m = ctx.message;
      const body: rest.Document = {
        ...(m.document != null ? { Content: m.document } : {}),
        Encryption: {
          Type: m.encryptionType ?? "CMS",
          Certificates: (m.recipients?.base64Binary ?? []).map((c) => c ?? ""),
        },
      };
      const result = await ok(
        handlers.encryptDocument(call<Ctx<"encryptDocument">>(ctx, { body })),
      );
      return { EncryptDocumentResult: result };
    },

    async DecryptDocument(ctx) {
      const m = ctx.message;
      const body: rest.Document = {
        ...(m.encryptedDocument != null ? { Content: m.encryptedDocument } : {}),
        Decryption: {
          Type: m.encryptionType ?? "CMS",
          ...(m.certificateID ? { CertificateId: m.certificateID } : {}),
          ...(m.pinCode != null ? { PinCode: m.pinCode } : {}),
        },
      };
      const plain = await ok(handlers.decryptDocument(call<Ctx<"decryptDocument">>(ctx, { body })));
      // The certificates of the user the document is encrypted for.
      const ids = m.certificateID
        ? [m.certificateID]
        : await ok(
            handlers.parseDecryptionCertificates(
              call<Ctx<"parseDecryptionCertificates">>(ctx, { body: { Content: body.Content } }),
            ),
          );
      return { DecryptDocumentResult: { CertificatesIDs: list("int", ids), Result: plain } };
    },

    async GetCertificates(ctx) {
      const all = await ok(handlers.listCertificates(call<Ctx<"listCertificates">>(ctx, {})));
      return { GetCertificatesResult: list("DSSCertificate", all.map(certificateOut)) };
    },

    async GetCertificate(ctx) {
      const path = { key: ctx.message.id ?? 0 };
      const c = await ok(handlers.getCertificate(call<Ctx<"getCertificate">>(ctx, { path })));
      return { GetCertificateResult: certificateOut(c) };
    },

    async GetCertificateContent(ctx) {
      const path = { key: ctx.message.id ?? 0 };
      const query = { format: rest.DSSCertificateFormat[ctx.message.format ?? "RAW"] };
      const content = await ok(
        handlers.getCertificateContent(call<Ctx<"getCertificateContent">>(ctx, { path, query })),
      );
      return { GetCertificateContentResult: content };
    },

    async SetCertificateProperty(ctx) {
      const path = { key: ctx.message.id ?? 0 };
      const property = ctx.message.property;
      const value = propertyText(property?.Value);
      switch (property?.PropertyType) {
        case "IsDefault": {
          if (value !== "true" && value !== "false") {
            throw dssFault("invalid_parameters", "IsDefault takes true or false.");
          }
          const body = { Default: value === "true" };
          await ok(
            handlers.setDefaultCertificate(call<Ctx<"setDefaultCertificate">>(ctx, { path, body })),
          );
          return {};
        }
        case "Status": {
          const target = value.toUpperCase();
          if (!(target in rest.DSSCertificateStatusEnum)) {
            throw dssFault("invalid_parameters", "Status takes a DSSCertificateStatusEnum name.");
          }
          const reason =
            target === "HOLD" ? "CRL_REASON_CERTIFICATE_HOLD" : "CRL_REASON_UNSPECIFIED";
          const body: rest.CertificateStatus = {
            Value: target as rest.DSSCertificateStatusEnumName,
            ...(target === "REVOKED" || target === "HOLD"
              ? { RevocationInfo: { RevocationReason: reason } }
              : {}),
          };
          await ok(
            handlers.setCertificateStatus(call<Ctx<"setCertificateStatus">>(ctx, { path, body })),
          );
          return {};
        }
        case "Pin": {
          const body = pinInfo(property.Value);
          if (!body) {
            throw dssFault(
              "invalid_parameters",
              "Pin takes a PinInfo (xsi:type PinInfo of the CryptoPro.DSS.Common data contracts) with NewPin.",
            );
          }
          await ok(
            handlers.changeCertificatePin(call<Ctx<"changeCertificatePin">>(ctx, { path, body })),
          );
          return {};
        }
        default:
          throw dssFault("invalid_parameters", "PropertyType is Status, Pin or IsDefault.");
      }
    },

    async InstallCertificateBase64(ctx) {
      const body = { certificate: ctx.message.base64Certificate ?? "" };
      const c = await ok(
        handlers.installCertificate(call<Ctx<"installCertificate">>(ctx, { body })),
      );
      return { InstallCertificateBase64Result: certificateOut(Array.isArray(c) ? c[0]! : c) };
    },

    async InstallCertificateDer(ctx) {
      const body = { certificate: ctx.message.binaryCertificate ?? "" };
      const c = await ok(
        handlers.installCertificate(call<Ctx<"installCertificate">>(ctx, { body })),
      );
      return { InstallCertificateDerResult: certificateOut(Array.isArray(c) ? c[0]! : c) };
    },

    async DeleteCertificate(ctx) {
      const path = { key: ctx.message.id ?? 0 };
      await ok(handlers.deleteCertificate(call<Ctx<"deleteCertificate">>(ctx, { path })));
      return {};
    },

    async GetRequests(ctx) {
      const all = await ok(handlers.listRequests(call<Ctx<"listRequests">>(ctx, {})));
      return { GetRequestsResult: list("DSSCertRequest", all.map(requestOut)) };
    },

    async GetRequest(ctx) {
      const path = { key: ctx.message.id ?? 0 };
      const r = await ok(handlers.getRequest(call<Ctx<"getRequest">>(ctx, { path })));
      return { GetRequestResult: requestOut(r) };
    },

    async DeleteRequest(ctx) {
      const path = { key: ctx.message.id ?? 0 };
      await ok(handlers.deleteRequest(call<Ctx<"deleteRequest">>(ctx, { path })));
      return {};
    },

    async CreateRequest(ctx) {
      const m = ctx.message;
      const body: rest.CertificateRequest = {
        AuthorityId: m.caId ?? 0,
        DistinguishedName: distinguishedName(m.dName),
        ...(m.pinCode != null ? { PinCode: m.pinCode } : {}),
        ...(m.eKU ? { Parameters: { EkuString: m.eKU } } : {}),
      };
      const r = await ok(handlers.createRequest(call<Ctx<"createRequest">>(ctx, { body })));
      return { CreateRequestResult: r.ID };
    },

    async CreateRequestEx(ctx) {
      const m = ctx.message;
      const body: rest.CertificateRequest = {
        AuthorityId: m.caId ?? 0,
        DistinguishedName: distinguishedName(m.dName),
        ...(m.pinCode != null ? { PinCode: m.pinCode } : {}),
        Parameters: entries(m.requestParams) as rest.RequestParameters,
      };
      const r = await ok(handlers.createRequest(call<Ctx<"createRequest">>(ctx, { body })));
      return { CreateRequestExResult: r.ID };
    },

    async GetRequestContent(ctx) {
      const m = ctx.message;
      const query = {
        format: rest.DSSCertificateFormat[m.format ?? "RAW"],
        authorityId: m.caId ?? 0,
      };
      if (m.requestType === "RevokeRequest") {
        const path = { key: m.id ?? "" };
        const content = await ok(
          handlers.getRevokeRequestContent(
            call<Ctx<"getRevokeRequestContent">>(ctx, { path, query }),
          ),
        );
        return { GetRequestContentResult: content };
      }
      const key = Number(m.id ?? "");
      if (!Number.isInteger(key)) throw dssFault("request_not_found", REQUEST_NOT_FOUND_TEXT);
      const content = await ok(
        handlers.getRequestContent(call<Ctx<"getRequestContent">>(ctx, { path: { key }, query })),
      );
      return { GetRequestContentResult: content };
    },

    async GetRevokeRequests(ctx) {
      const path = { key: ctx.message.certId ?? 0 };
      const all = await ok(
        handlers.listCertificateRevokeRequests(
          call<Ctx<"listCertificateRevokeRequests">>(ctx, { path }),
        ),
      );
      return { GetRevokeRequestsResult: list("DSSRevRequest", all.map(revokeRequestOut)) };
    },

    async SetRequestStatus(ctx) {
      const s = ctx.message.status;
      if (!s) throw dssFault("invalid_parameters", "status is not given.");
      // The REST body's Type is Certificate for both kinds (v1 doc); SOAP's Type picks the kind.
      const body: rest.RequestStatus = {
        Value: s.Status ?? "PENDING",
        Type: "Certificate",
        ...(s.ID != null ? { ID: s.ID } : {}),
        ...(s.CertificateAuthorityID !== undefined ? { caID: s.CertificateAuthorityID } : {}),
        ...(s.Comment != null ? { Comment: s.Comment } : {}),
      };
      if (s.Type === "RevokeRequest") {
        const path = { key: s.ID ?? "" };
        await ok(
          handlers.setRevokeRequestStatus(call<Ctx<"setRevokeRequestStatus">>(ctx, { path, body })),
        );
        return {};
      }
      const key = Number(s.ID ?? "");
      if (!Number.isInteger(key)) throw dssFault("request_not_found", REQUEST_NOT_FOUND_TEXT);
      await ok(
        handlers.setRequestStatus(
          call<Ctx<"setRequestStatus">>(ctx, {
            path: { key },
            body,
          }),
        ),
      );
      return {};
    },

    GetTransactionID(ctx) {
      caller(ctx);
      // Obsolete since 1.0.2020 (guide §2.5.1): a unique number, which no operation takes.
      transactionNumber += 1;
      return { GetTransactionIDResult: transactionNumber };
    },

    async GetDSSPolicy(ctx) {
      const policy = await ok(handlers.getPolicy(call<Ctx<"getPolicy">>(ctx, {})));
      return { GetDSSPolicyResult: policyOut(policy) };
    },

    async CreateTransactionToken(ctx) {
      const m = ctx.message;
      const body: rest.Transaction = {
        OperationCode: m.operationCode ?? "Issue",
        ...(m.document != null ? { Document: m.document } : {}),
        Parameters: Object.entries(entries(m.additionalParams)).map(([Name, Value]) => ({
          Name,
          Value,
        })),
      };
      const id = await ok(
        handlers.createTransaction(call<Ctx<"createTransaction">>(ctx, { body })),
      );
      return { CreateTransactionTokenResult: id };
    },
  };
}
