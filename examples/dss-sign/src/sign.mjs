// @ts-check
import {
  bearerAuth,
  confirmationRequirement,
  confirmTransaction,
  createDssSignClient,
  createDssStsClient,
  getPolicy,
  listCertificates,
  passwordTokenProvider,
  signDocument,
  withConfirmedToken,
} from "@trustspec/dss";
import { fromPem, verifyCms } from "@trustspec/dss/cms";

/**
 * @typedef {object} SignFileOptions
 * @property {string} stsUrl       the identity centre, e.g. https://dss.example/STS
 * @property {string} signUrl      the Signature Service, e.g. https://dss.example/SignServer/rest/api
 * @property {string} resource     the resource the tokens are for (the Signature Service)
 * @property {string} clientId     the OAuth client registered at the identity centre
 * @property {string} username
 * @property {() => string | Promise<string>} password
 * @property {(prompt: string) => Promise<string>} askOtp  asks the user for the one-time password
 * @property {Uint8Array} content  the file to sign
 * @property {string} name         its name (shown to the user as DocumentInfo)
 * @property {Uint8Array[]} [trusted] CA certificates (DER) the signer must chain to
 * @property {(line: string) => void} [log]
 */

/**
 * Obtains a token, finds the default certificate, confirms a signing transaction with a
 * one-time password when the server's policy asks for one, signs the file (a detached CMS),
 * and verifies the signature before returning it.
 * @param {SignFileOptions} o
 */
export async function signFile(o) {
  const log = o.log ?? (() => {});
  const sts = createDssStsClient({ baseUrl: o.stsUrl });
  const userToken = passwordTokenProvider(sts, {
    client: { clientId: o.clientId },
    username: o.username,
    password: o.password,
    resource: o.resource,
  });
  const auth = bearerAuth(userToken);
  const sign = createDssSignClient({ baseUrl: o.signUrl, auth });

  const certificates = (await listCertificates(sign)).data;
  const certificate = certificates.find((c) => c.IsDefault) ?? certificates[0];
  if (!certificate) throw new Error(`user ${o.username} has no certificate`);
  log(
    `certificate ${certificate.ID}: ${certificate.DName}${certificate.IsDefault ? " (default)" : ""}`,
  );

  /** @type {import("@trustspec/dss").DocumentSignature} */
  const signature = {
    Type: "CMS",
    CertificateId: certificate.ID,
    Parameters: { IsDetached: "true" },
  };
  const content = Buffer.from(o.content).toString("base64");
  const policy = (await getPolicy(sign)).data;
  const needs = confirmationRequirement(policy, "SignDocument");

  /** @type {string} */
  let cms;
  if (needs.required === false) {
    log("the policy signs without confirmation");
    cms = (
      await signDocument(sign, { body: { Content: content, Name: o.name, Signature: signature } })
    ).data;
  } else {
    const outcome = await confirmTransaction({
      sign,
      // The confirmation service takes the user's token too.
      sts: createDssStsClient({ baseUrl: o.stsUrl, auth }),
      transaction: {
        OperationCode: "SignDocument",
        Document: content,
        Parameters: [
          { Name: "SignatureType", Value: "CMS" },
          { Name: "CertificateID", Value: String(certificate.ID) },
          { Name: "DocumentInfo", Value: o.name },
        ],
      },
      resource: o.resource,
      method: {
        kind: "challenge",
        maxAnswers: 3,
        answer: async (challenge, context) => {
          const text = challenge.TextChallenge?.[0];
          const again = context.previousError ? ` (again: ${context.previousError})` : "";
          return o.askOtp(
            `${challenge.Title ?? "Confirmation"}: ${text?.Label ?? "one-time password"}${again}`,
          );
        },
      },
      onState: (state) => log(`confirmation: ${state.state}`),
    });
    log(`confirmation ended: ${outcome.status}`);
    // The transaction holds the document; the confirmed token signs it once.
    cms = await withConfirmedToken(
      sign,
      outcome,
      async (confirmed) => (await signDocument(confirmed, { body: { Signature: signature } })).data,
    );
  }

  const der = new Uint8Array(Buffer.from(cms, "base64"));
  const verified = await verifyCms(der, {
    content: o.content,
    ...(o.trusted ? { trusted: o.trusted } : {}),
  });
  const expected = Buffer.from(certificate.CertificateBase64, "base64");
  const bySigner =
    verified.signerCertificate !== undefined &&
    Buffer.compare(Buffer.from(verified.signerCertificate), expected) === 0;
  return { der, certificate, verified: verified.valid && bySigner, reason: verified.reason };
}

/**
 * Reads PEM or DER certificates.
 * @param {Buffer} bytes
 */
export function certificateBytes(bytes) {
  const text = bytes.toString("latin1");
  return text.includes("-----BEGIN") ? fromPem(text) : new Uint8Array(bytes);
}
