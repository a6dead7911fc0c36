import type { RawRequest } from "@trustspec/runtime/server";
import {
  createCertificateRequest,
  issueCertificate,
  parseCertificateRequest,
} from "../../cms/index.js";
import type {
  CreateRequestContext,
  DssSignHandlers,
} from "../../generated/signserver/server.gen.js";
import {
  type DSSActionsName,
  type DSSCertificateFormat,
  DSSRequestStatusEnum,
  type RequestStatus,
} from "../../generated/signserver/types.gen.js";
import { DssEmulatorError, REQUEST_NOT_FOUND_TEXT } from "../errors.js";
import type { StoredCertificate, StoredRequest } from "../state.js";
import { type ContentField, htmlContent, requestView, toBase64, xmlContent } from "../views.js";
import { recordCertificate } from "./certificates.js";
import { guard, type SignServerConfig, type SignServerContext } from "./context.js";

type RequestOperation =
  | "listRequests"
  | "createRequest"
  | "getRequest"
  | "deleteRequest"
  | "getRequestContent"
  | "setRequestStatusV1"
  | "setRequestStatus";

/**
 * The certificate request operations: create (issued at once by an `auto` CA handler), list,
 * read, delete, content, and an operator's decision on a PENDING request.
 */
export function requestHandlers(ctx: SignServerContext): Pick<DssSignHandlers, RequestOperation> {
  const { state } = ctx;
  return {
    listRequests: ({ request }) =>
      guard(() => {
        const p = ctx.who(request);
        const list = [...state.requests.values()].filter((r) => r.owner === p.user.login);
        return { status: 200, body: list.map((r) => requestView(r, ctx.caName(r.caId))) };
      }),

    createRequest: (call) => guard(() => createRequest(ctx, call)),

    getRequest: ({ request, path }) =>
      guard(() => {
        const r = ctx.ownRequest(ctx.who(request), path.key);
        return { status: 200, body: requestView(r, ctx.caName(r.caId)) };
      }),

    deleteRequest: ({ request, path }) =>
      guard(() => {
        const p = ctx.who(request);
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
        const r = ctx.ownRequest(ctx.who(request), path.key);
        if (query.authorityId !== 0 && query.authorityId !== r.caId) {
          throw new DssEmulatorError(404, REQUEST_NOT_FOUND_TEXT);
        }
        return { status: 200, body: requestContentFor(r.der, r.distName, query.format) };
      }),

    setRequestStatusV1: ({ request, path, body }) =>
      guard(() => setRequestStatus(ctx, request, path.key, body)),
    setRequestStatus: ({ request, path, body }) =>
      guard(() => setRequestStatus(ctx, request, path.key, body)),
  };
}

/** An operator's decision in a RequestStatus body (certificate and revocation requests alike). */
export function requestDecision(body: RequestStatus): "ACCEPTED" | "REJECTED" {
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

async function createRequest(ctx: SignServerContext, { request, body }: CreateRequestContext) {
  const { state, config } = ctx;
  const p = ctx.who(request);
  const caId = Number(body.AuthorityId);
  const handler = config.caHandlers.find((h) => h.id === caId);
  if (!handler)
    throw new DssEmulatorError(400, "invalid_enroll", "No CA handler has this AuthorityId.");
  const dn = Object.entries(body.DistinguishedName);
  if (dn.some(([oid]) => !/^\d+(\.\d+)+$/.test(oid))) {
    throw new DssEmulatorError(400, "invalid_parameters", "DistinguishedName keys must be OIDs.");
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
  const tx = ctx.gate(p, action);
  if (kind === "Renew" && body.Parameters?.ActiveCertId) {
    ctx.keyCertificate(p, Number(body.Parameters.ActiveCertId), body.Parameters.ActiveCertPin);
  }
  // Most specific first, as DSS writes names ("CN=…, O=…").
  dn.sort(([a], [b]) => (a === "2.5.4.3" ? -1 : b === "2.5.4.3" ? 1 : 0));
  const subject = dn.map(([oid, v]) => `${oid}=${escapeDnValue(v)}`).join(", ");
  let made: Awaited<ReturnType<typeof createCertificateRequest>>;
  try {
    made = await createCertificateRequest({ subject, algorithm: config.keyAlgorithm });
  } catch {
    throw new DssEmulatorError(400, "invalid_parameters", "DistinguishedName cannot be encoded.");
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
  if (handler.approval === "auto") await issueFor(ctx, r);
  ctx.spend(tx);
  return { status: 200 as const, body: requestView(r, handler.name) };
}

async function setRequestStatus(
  ctx: SignServerContext,
  request: RawRequest,
  key: number,
  body: RequestStatus,
) {
  ctx.operator(request);
  const r = ctx.state.requests.get(key);
  if (!r) throw new DssEmulatorError(404, REQUEST_NOT_FOUND_TEXT);
  const decision = requestDecision(body);
  if (r.status !== "PENDING") {
    throw new DssEmulatorError(400, "invalid_request_status", "The request is not PENDING.");
  }
  if (decision === "ACCEPTED") await issueFor(ctx, r);
  else r.status = "REJECTED";
  return { status: 200 as const };
}

async function issueFor(ctx: SignServerContext, r: StoredRequest): Promise<StoredCertificate> {
  const { state } = ctx;
  const der = await issueOutOfBand(ctx.config, r, state.options.now());
  const c = recordCertificate(state, r.owner, r.caId, der, r.privateKey, r.pin);
  r.status = "ACCEPTED";
  r.certificateId = c.id;
  return c;
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

function escapeDnValue(value: string): string {
  let out = value.replace(/[\\,+"<>;=]/g, "\\$&");
  if (out.startsWith("#") || out.startsWith(" ")) out = `\\${out}`;
  if (out.endsWith(" ") && out.length > 1) out = `${out.slice(0, -1)}\\ `;
  return out;
}
