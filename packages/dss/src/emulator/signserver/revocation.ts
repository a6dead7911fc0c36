import type { RawRequest } from "@trustspec/runtime/server";
import { signCms } from "../../cms/index.js";
import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import {
  type CertificateStatus,
  type DSSActionsName,
  DSSCertificateStatusEnum,
  type DSSCertificateStatusEnumName,
  type RequestStatus,
  type RevocationInfo,
} from "../../generated/signserver/types.gen.js";
import { DssEmulatorError } from "../errors.js";
import type {
  DssEmulatorState,
  Principal,
  StoredCertificate,
  StoredRevokeRequest,
} from "../state.js";
import {
  type ContentField,
  dssDate,
  htmlContent,
  NO_DATE,
  parseDssDate,
  reasonCode,
  reasonName,
  revokeRequestView,
  toBase64,
  xmlContent,
} from "../views.js";
import { guard, type SignServerContext } from "./context.js";
import { requestDecision } from "./requests.js";

type RevocationOperation =
  | "listCertificateRevokeRequests"
  | "setCertificateStatusV1"
  | "setCertificateStatus"
  | "getRevokeRequestContent"
  | "setRevokeRequestStatusV1"
  | "setRevokeRequestStatus";

const STATUS_CODES = DSSCertificateStatusEnum as Record<DSSCertificateStatusEnumName, number>;

/**
 * Certificate status changes (revoke, hold, unhold) and the revocation requests they make: an
 * `auto` CA handler decides them at once, an `operator` one leaves them PENDING for an operator.
 */
export function revocationHandlers(
  ctx: SignServerContext,
): Pick<DssSignHandlers, RevocationOperation> {
  return {
    listCertificateRevokeRequests: ({ request, path }) =>
      guard(() => {
        const c = ctx.ownCertificate(ctx.who(request), path.key);
        const list = [...ctx.state.revokeRequests.values()].filter((r) => r.certificateId === c.id);
        return { status: 200, body: list.map(revokeRequestView) };
      }),

    setCertificateStatusV1: ({ request, path, body }) =>
      guard(() => changeStatus(ctx, request, path.key, body)),
    setCertificateStatus: ({ request, path, body }) =>
      guard(() => changeStatus(ctx, request, path.key, body)),

    getRevokeRequestContent: ({ request, path, query }) =>
      guard(() => {
        const r = revokeRequestOf(ctx, ctx.who(request), path.key, query.authorityId);
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
      guard(() => setRevokeRequestStatus(ctx, request, path.key, body)),
    setRevokeRequestStatus: ({ request, path, body }) =>
      guard(() => setRevokeRequestStatus(ctx, request, path.key, body)),
  };
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

async function changeStatus(
  ctx: SignServerContext,
  request: RawRequest,
  key: number,
  body: CertificateStatus,
) {
  const { state, config } = ctx;
  const p = ctx.who(request);
  const c = ctx.ownCertificate(p, key);
  const change = statusChange(c, body);
  const tx = ctx.gate(p, change.action, c.id);
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
  if (body.ActiveCertId) ctx.keyCertificate(p, body.ActiveCertId, body.PinCode ?? undefined);
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
  if (!handler || handler.approval === "auto") {
    decideRevokeRequest(state, revokeRequest, "ACCEPTED");
  }
  ctx.spend(tx);
  return { status: 200 as const };
}

function decideRevokeRequest(
  state: DssEmulatorState,
  r: StoredRevokeRequest,
  decision: "ACCEPTED" | "REJECTED",
) {
  r.status = decision;
  r.info.ApproveDate = dssDate(state.options.now());
  if (decision !== "ACCEPTED") return;
  const c = state.certificates.get(r.certificateId);
  if (!c) return;
  c.status = r.target;
  c.revocation = r.target === DSSCertificateStatusEnum.ACTIVE ? null : { ...r.info };
}

function setRevokeRequestStatus(
  ctx: SignServerContext,
  request: RawRequest,
  key: string,
  body: RequestStatus,
) {
  ctx.operator(request);
  const r = ctx.state.revokeRequests.get(key);
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
  decideRevokeRequest(ctx.state, r, decision);
  return { status: 200 as const };
}

function revokeRequestOf(
  ctx: SignServerContext,
  p: Principal,
  key: string,
  authorityId: number,
): StoredRevokeRequest {
  const r = ctx.state.revokeRequests.get(key);
  if (
    !r ||
    (r.owner !== p.user.login && !p.isOperator) ||
    (authorityId !== 0 && authorityId !== r.caId)
  ) {
    throw new DssEmulatorError(404, "Запрос на отзыв с указанным ID не найден");
  }
  return r;
}
