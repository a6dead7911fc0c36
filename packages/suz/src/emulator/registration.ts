import * as asn1js from "asn1js";
import type {
  RegisterConnectionContext,
  RegisterConnectionReply,
  SuzHandlers,
} from "../generated/server.gen.js";
import { SigningError } from "../signing/errors.js";
import { parseCertificate } from "../signing/gost/cms.js";
import { inspectCmsSignature } from "../signing/verify.js";
import { omsError, type SuzHandlerContext } from "./context.js";

/**
 * Registration of installations: the participant's detached CMS signature of the exact body
 * bytes in X-Signature, verified against the certificate inside it; an attached signature is
 * answered 413, a name the participant already uses or an unknown registration key is REJECTED.
 */
export function registrationHandlers(
  ctx: SuzHandlerContext,
): Pick<SuzHandlers, "registerConnection"> {
  return {
    registerConnection: async (call): Promise<RegisterConnectionReply> => {
      const signer = await signerOf(ctx, call);
      if (typeof signer !== "string") return signer;
      return register(ctx, call, signer);
    },
  };
}

/**
 * The participant who signed the registration (the registration key when unsigned and allowed),
 * or the answer when the signature is missing, unreadable, attached, or does not verify.
 */
async function signerOf(
  ctx: SuzHandlerContext,
  call: RegisterConnectionContext,
): Promise<string | RegisterConnectionReply> {
  const raw = call.headers["X-Signature"];
  if (raw === undefined) {
    if (!ctx.options.allowUnsignedRegistration) {
      return {
        status: 400,
        body: omsError("X-Signature is required: the detached signature of the body", 400),
      };
    }
    return `registration key ${call.headers["X-RegistrationKey"]}`;
  }
  let attached: boolean;
  try {
    attached = inspectCmsSignature(raw).attached;
  } catch (error) {
    const message = error instanceof SigningError ? error.message : "unreadable";
    return {
      status: 400,
      body: omsError(`X-Signature is not a base64 CMS signature: ${message}`, 400),
    };
  }
  if (attached) {
    return {
      status: 413,
      body: omsError(
        "X-Signature holds an attached signature; only a detached one is supported",
        413,
      ),
    };
  }
  const result = await ctx.verify(raw, call.request.body, "X-Signature");
  if (!result.valid) {
    if (result.code === "untrusted" || result.code === "certificate-expired") {
      return {
        status: 200,
        body: {
          status: "REJECTED",
          rejectionReason: `The signer's certificate is not accepted: ${result.reason}`,
        },
      };
    }
    return {
      status: 400,
      body: omsError(`X-Signature does not verify over the request body: ${result.reason}`, 400),
    };
  }
  return participantOf(result.signerCertificate!);
}

/** Registers the installation of a participant, unless the key or the name is refused. */
function register(
  ctx: SuzHandlerContext,
  call: RegisterConnectionContext,
  participant: string,
): RegisterConnectionReply {
  const { state } = ctx;
  if (!ctx.registrationKeys.includes(call.headers["X-RegistrationKey"])) {
    return {
      status: 200,
      body: {
        status: "REJECTED",
        rejectionReason: "Unknown registration key (X-RegistrationKey)",
      },
    };
  }
  const name = call.body.name;
  if (name !== undefined && state.findByName(participant, name)) {
    return {
      status: 200,
      body: {
        status: "REJECTED",
        rejectionReason: `The participant already has an installation named "${name}"`,
      },
    };
  }
  const installation = state.register({
    omsId: call.query.omsId.toLowerCase(),
    address: call.body.address,
    participant,
    ...(name !== undefined ? { name } : {}),
  });
  ctx.log(`registered installation ${installation.omsConnection} "${installation.name}"`);
  return {
    status: 200,
    body: {
      status: "SUCCESS",
      omsConnection: installation.omsConnection,
      name: installation.name,
    },
  };
}

/** The participant a certificate belongs to: its ИНН ЮЛ or ИНН, else its subject. */
function participantOf(certificate: Uint8Array): string {
  const parsed = parseCertificate(certificate);
  const attributes = parsed.subject.typesAndValues;
  for (const oid of ["1.2.643.100.4", "1.2.643.3.131.1.1"]) {
    const found = attributes.find((a) => a.type === oid);
    if (found) return `ИНН ${String(found.value.valueBlock.value)}`;
  }
  return attributes
    .map(
      (a) =>
        `${a.type}=${a.value instanceof asn1js.BaseStringBlock ? a.value.valueBlock.value : "?"}`,
    )
    .join(",");
}
