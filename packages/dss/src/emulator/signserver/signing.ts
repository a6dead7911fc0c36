import { createHash } from "node:crypto";
import { signCms, verifyCms } from "../../cms/index.js";
import type {
  DssSignHandlers,
  SignDocumentContext,
  SignDocumentPackageContext,
} from "../../generated/signserver/server.gen.js";
import type {
  DocumentSignature,
  SignatureParameters,
  SignatureTypeName,
} from "../../generated/signserver/types.gen.js";
import { DssEmulatorError } from "../errors.js";
import type { DssEmulatorState, StoredTransaction } from "../state.js";
import { toBase64 } from "../views.js";
import {
  contentOf,
  decodeBase64,
  guard,
  type KeyCertificate,
  type SignServerContext,
  signatureTypeName,
} from "./context.js";

type SigningOperation =
  | "signDocument"
  | "signDocumentPackage"
  | "hashDocument"
  | "enhanceSignature";

const HASHES: readonly { node: string; names: readonly string[] }[] = [
  { node: "sha1", names: ["sha1", "sha-1", "1.3.14.3.2.26"] },
  { node: "sha256", names: ["sha256", "sha-256", "2.16.840.1.101.3.4.2.1"] },
  { node: "sha384", names: ["sha384", "sha-384", "2.16.840.1.101.3.4.2.2"] },
  { node: "sha512", names: ["sha512", "sha-512", "2.16.840.1.101.3.4.2.3"] },
];

/**
 * The signing operations: sign a document or a package (CMS and CAdES-BES), hash a document,
 * and enhance a signature (refused: the emulator has no time-stamp service).
 */
export function signingHandlers(ctx: SignServerContext): Pick<DssSignHandlers, SigningOperation> {
  return {
    signDocument: (call) => guard(() => signDocument(ctx, call)),

    signDocumentPackage: (call) => guard(() => signDocumentPackage(ctx, call)),

    hashDocument: ({ request, body }) =>
      guard(() => {
        ctx.who(request);
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

    enhanceSignature: ({ request, body }) =>
      guard(async () => {
        ctx.who(request);
        const signature = contentOf(body, undefined, "signature to enhance");
        try {
          await verifyCms(signature, { now: ctx.state.options.now() });
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
  };
}

async function signDocument(ctx: SignServerContext, { request, body }: SignDocumentContext) {
  const p = ctx.who(request);
  const sig = body.Signature;
  const tx = ctx.gate(p, "SignDocument", sig?.CertificateId || undefined);
  const type = signatureTypeOf(sig, tx);
  const content = contentOf(body, tx, "document");
  const certId = sig?.CertificateId || Number(tx?.parameters.CertificateID ?? 0);
  const signer = ctx.keyCertificate(p, certId, sig?.PinCode);
  const signature = await sign(ctx.state, content, signer, type, sig?.Parameters ?? {});
  ctx.spend(tx);
  return { status: 200 as const, body: toBase64(signature) };
}

async function signDocumentPackage(
  ctx: SignServerContext,
  { request, body }: SignDocumentPackageContext,
) {
  const p = ctx.who(request);
  const sig = body.Signature;
  const tx = ctx.gate(p, "SignDocuments", sig?.CertificateId || undefined);
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
  const signer = ctx.keyCertificate(p, certId, sig?.PinCode);
  const results: string[] = [];
  for (const d of documents)
    results.push(toBase64(await sign(ctx.state, d, signer, type, sig?.Parameters ?? {})));
  ctx.spend(tx);
  return { status: 200 as const, body: { Results: results, Errors: [] } };
}

/** Signs `content` as the signature type and parameters ask (CMS and CAdES-BES only). */
async function sign(
  state: DssEmulatorState,
  content: Uint8Array,
  signer: KeyCertificate,
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
      raw === undefined ? "Signature.Type is not given." : "Signature.Type is not a SignatureType.",
    );
  }
  return type;
}

/** "true"/"false" in any case (guide, lines 2799-2809); undefined when absent or neither. */
function flag(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase();
  return v === "true" ? true : v === "false" ? false : undefined;
}
