// @ts-check
import {
  createSignServiceClient,
  createTransactionToken,
  getCertificates,
  getDSSPolicy,
  signDocument,
  signServiceEndpoint,
  stsEndpoint,
  wsTrustIssuedTokenProvider,
} from "@trustspec/dss/soap";

/**
 * @typedef {object} SoapSignOptions
 * @property {string} baseUrl      the DSS host, e.g. https://dss.example
 * @property {string} username
 * @property {string} password
 * @property {(prompt: string) => Promise<string>} askOtp  asks the user for the one-time password
 * @property {Uint8Array} content  the file to sign
 * @property {string} name         its name (shown to the user while confirming)
 * @property {(line: string) => void} [log]
 */

/**
 * Signs a file through the Sign Service's SOAP interface (developer guide ch. 2) on its
 * `token/transport/nosc` endpoint (HTTPS; every request carries the SAML token the identity
 * centre issued, endorsing a timestamp with the token's proof key). The token comes from the
 * identity centre's `/STS/Active.svc/username/transport` endpoint by WS-Trust (guide §6.3.1).
 * When the server's policy asks to confirm signing, the file goes into a transaction
 * (`CreateTransactionToken`, §2.5.3), a token carrying that transaction is asked for, the
 * identity centre challenges for a one-time password, and the confirmed token signs the
 * transaction's document once.
 * @param {SoapSignOptions} o
 * @returns {Promise<{ der: Uint8Array; certificate: import("@trustspec/dss/soap").DSSCertificate }>}
 */
export async function signFileOverSoap(o) {
  const log = o.log ?? (() => {});
  const endpoint = signServiceEndpoint(o.baseUrl, "token/transport/nosc");
  const tokens = wsTrustIssuedTokenProvider({
    url: stsEndpoint(o.baseUrl, "username/transport"),
    appliesTo: endpoint,
    credentials: { kind: "username", username: o.username, password: o.password },
    answer: async (challenge, context) => {
      const label = challenge.textChallenges[0]?.label ?? "one-time password";
      const again = context.attempt > 1 ? " (again)" : "";
      const prompt = `${challenge.title ?? "Confirmation"}: ${label}${again}`;
      log(`the identity centre asks: ${prompt}`);
      return o.askOtp(prompt);
    },
  });
  const client = createSignServiceClient({ url: endpoint, token: tokens });

  const certificates =
    (await getCertificates(client, {})).GetCertificatesResult?.DSSCertificate ?? [];
  const usable = certificates.filter((c) => c !== null && c.Status?.Value === "ACTIVE");
  const certificate = usable.find((c) => c?.IsDefault) ?? usable[0];
  if (!certificate?.ID) throw new Error(`user ${o.username} has no active certificate`);
  log(
    `certificate ${certificate.ID}: ${certificate.DName}${certificate.IsDefault ? " (default)" : ""}`,
  );

  const document = Buffer.from(o.content).toString("base64");
  const policy = (await getDSSPolicy(client, {})).GetDSSPolicyResult;
  const rule = policy?.ActionPolicy?.DSSAction?.find((a) => a?.Action === "SignDocument");
  const confirm =
    policy?.TransactionConfirmation === "On" ||
    (policy?.TransactionConfirmation !== "Off" && rule?.MfaRequired === true);

  /** @type {string | null | undefined} */
  let cms;
  if (!confirm) {
    log("the policy signs without confirmation");
    cms = (
      await signDocument(client, {
        document,
        signatureType: "CMS",
        certificateID: certificate.ID,
        signatureParams: { IsDetached: "True" },
      })
    ).SignDocumentResult;
  } else {
    const transactionId = (
      await createTransactionToken(client, {
        operationCode: "SignDocument",
        document,
        additionalParams: {
          SignatureType: "CMS",
          CertificateID: String(certificate.ID),
          IsDetached: "True",
          DocumentInfo: o.name,
        },
      })
    ).CreateTransactionTokenResult;
    if (!transactionId) throw new Error("the Sign Service made no transaction");
    log(`transaction ${transactionId} waits for confirmation`);
    // A token carrying the transaction: the identity centre asks for the one-time password.
    const confirmed = createSignServiceClient({
      url: endpoint,
      token: tokens.forTransaction(transactionId),
    });
    cms = (await signDocument(confirmed, {})).SignDocumentResult;
    log("confirmed and signed");
  }
  if (!cms) throw new Error("the Sign Service returned no signature");
  return { der: new Uint8Array(Buffer.from(cms, "base64")), certificate };
}
