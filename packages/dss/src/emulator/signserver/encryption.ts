import { decryptCms, describeCertificate, encryptCms, listCmsRecipients } from "../../cms/index.js";
import type {
  DecryptDocumentContext,
  DssSignHandlers,
} from "../../generated/signserver/server.gen.js";
import { DssEmulatorError } from "../errors.js";
import type { StoredCertificate } from "../state.js";
import { toBase64 } from "../views.js";
import { contentOf, decodeBase64, guard, type SignServerContext } from "./context.js";

type EncryptionOperation = "encryptDocument" | "parseDecryptionCertificates" | "decryptDocument";

type Recipients = ReturnType<typeof listCmsRecipients>;

/**
 * The encryption operations: encrypt a document for recipient certificates (CMS EnvelopedData),
 * find which of the user's certificates can decrypt one, and decrypt it.
 */
export function encryptionHandlers(
  ctx: SignServerContext,
): Pick<DssSignHandlers, EncryptionOperation> {
  return {
    encryptDocument: ({ request, body }) =>
      guard(async () => {
        ctx.who(request);
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
        const p = ctx.who(request);
        const recipients = recipientsOf(contentOf(body, undefined, "document to decrypt"));
        const ids = ctx.state
          .certificatesOf(p.user.login)
          .filter((c) => isRecipient(recipients, c))
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

    decryptDocument: (call) => guard(() => decryptDocument(ctx, call)),
  };
}

async function decryptDocument(ctx: SignServerContext, { request, body }: DecryptDocumentContext) {
  const p = ctx.who(request);
  const dec = body.Decryption;
  const tx = ctx.gate(p, "DecryptDocument", dec?.CertificateId || undefined);
  if (!dec && !tx) {
    throw new DssEmulatorError(400, "parameters_required", "Decryption is not given.");
  }
  const content = contentOf(body, tx, "document to decrypt");
  const recipients = recipientsOf(content);
  let certId = dec?.CertificateId || Number(tx?.parameters.CertificateID ?? 0);
  if (!certId) {
    const match = ctx.state.certificatesOf(p.user.login).find((c) => isRecipient(recipients, c));
    if (!match) {
      throw new DssEmulatorError(
        400,
        "certificate_not_found",
        "No certificate of the user can decrypt the document.",
      );
    }
    certId = match.id;
  }
  const c = ctx.keyCertificate(p, certId, dec?.PinCode);
  if (!isRecipient(recipients, c)) {
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
  ctx.spend(tx);
  return { status: 200 as const, body: toBase64(plain) };
}

/** The recipients of a CMS EnvelopedData. */
function recipientsOf(content: Uint8Array): Recipients {
  try {
    return listCmsRecipients(content);
  } catch {
    throw new DssEmulatorError(400, "invalid_content", "The document is not a CMS EnvelopedData.");
  }
}

/** Whether the document is encrypted for the certificate. */
function isRecipient(recipients: Recipients, c: StoredCertificate): boolean {
  return recipients.some(
    (r) => r.issuer === c.issuer && sameSerial(r.serialNumber, c.serialNumber),
  );
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
