/**
 * The `federation/nosc` and `federation/transport/nosc` endpoints of the emulator with the public
 * client's `federation` option: the client obtains its token from the issuer the WSDL's
 * federation bindings name (the identity centre's `/STS/Active.svc/username/transport`, here the
 * emulator's own), answering the one-time-password challenge when the user confirms sign-in or
 * the token carries a transaction, and calls with it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyCms } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";
import {
  createSignServiceClient,
  createTransactionToken,
  getCertificates,
  type SignServiceEndpointKind,
  signDocument,
  signServiceEndpoint,
  stsEndpoint,
} from "../src/soap.js";
import { fetchTrusting } from "./emulator-https-support.js";
import { testCa } from "./emulator-support.js";

const OTP = "731904";
let dss: DssEmulator;
let server: Awaited<ReturnType<DssEmulator["listen"]>>;
let fetch: typeof globalThis.fetch;

beforeAll(async () => {
  dss = await DssEmulator.create({
    ca: await testCa(),
    keyAlgorithm: "ECDSA",
    otp: OTP,
    confirmActions: ["SignDocument"],
    users: [
      { login: "anna", password: "anna-pw" },
      { login: "boris", password: "boris-pw", loginConfirmation: true },
    ],
  });
  server = await dss.listen({ https: true });
  fetch = fetchTrusting(dss.caCertificatePem);
});
afterAll(async () => {
  await server?.close();
  await dss?.close();
});

const FEDERATION: SignServiceEndpointKind[] = ["federation/transport/nosc", "federation/nosc"];

/** A client of a federation endpoint signing in as `login`; counts the challenges answered. */
function federationClient(
  kind: SignServiceEndpointKind,
  login: string,
  extra: { transactionId?: string } = {},
) {
  const challenges: string[] = [];
  const client = createSignServiceClient({
    baseUrl: server.url,
    endpoint: kind,
    fetch,
    federation: {
      sts: stsEndpoint(server.url, "username/transport"),
      credentials: { kind: "username", username: login, password: `${login}-pw` },
      answer: async (challenge) => {
        challenges.push(challenge.textChallenges[0]?.label ?? "");
        return OTP;
      },
      ...extra,
    },
  });
  return { client, challenges };
}

describe("the served WSDL names the emulator's identity centre as the federation issuer", () => {
  it("every federation binding's sp:Issuer is /STS/Active.svc/username/transport at this host", async () => {
    const wsdl = await (await fetch(`${server.url}/SignServer/SignService.svc?wsdl`)).text();
    const issuers = [...wsdl.matchAll(/<sp:Issuer>\s*<wsa10:Address>([^<]+)</g)].map((m) => m[1]);
    expect(issuers.length).toBeGreaterThanOrEqual(4);
    expect(new Set(issuers)).toEqual(new Set([stsEndpoint(server.url, "username/transport")]));
  });
});

describe.each(FEDERATION)("%s with the federation option", (kind) => {
  it("GetCertificates: password only, the token obtained on the first call", async () => {
    const { client, challenges } = federationClient(kind, "anna");
    const certs = (await getCertificates(client, {})).GetCertificatesResult?.DSSCertificate ?? [];
    expect(certs.map((c) => c?.ID)).toEqual(dss.state.certificatesOf("anna").map((c) => c.id));
    expect(challenges).toEqual([]);
    const record = [...dss.state.samlTokens.values()].filter((t) => t.subject === "anna").at(-1);
    expect(record?.audience).toBe(signServiceEndpoint(server.url, kind));
  });

  it("GetCertificates for a user who confirms sign-in: the one-time password answered", async () => {
    const { client, challenges } = federationClient(kind, "boris");
    const certs = (await getCertificates(client, {})).GetCertificatesResult?.DSSCertificate ?? [];
    expect(certs.length).toBe(dss.state.certificatesOf("boris").length);
    expect(challenges.length).toBe(1);
    // The token is kept: no second challenge.
    await getCertificates(client, {});
    expect(challenges.length).toBe(1);
  });

  it("SignDocument of a transaction: the token with its claim, the one-time password answered", async () => {
    const content = Buffer.from(`договор через ${kind}`);
    const plain = federationClient(kind, "anna");
    const cert = dss.state.certificatesOf("anna")[0]!;
    const transactionId = (
      await createTransactionToken(plain.client, {
        operationCode: "SignDocument",
        document: content.toString("base64"),
        additionalParams: {
          SignatureType: "CMS",
          CertificateID: String(cert.id),
          IsDetached: "True",
        },
      })
    ).CreateTransactionTokenResult;
    expect(transactionId).toBeTruthy();
    // Without the claim, confirmation is on: refused.
    await expect(
      signDocument(plain.client, {
        document: content.toString("base64"),
        signatureType: "CMS",
        certificateID: cert.id,
      }),
    ).rejects.toThrow();
    const confirmed = federationClient(kind, "anna", { transactionId: transactionId! });
    const cms = (await signDocument(confirmed.client, {})).SignDocumentResult;
    expect(confirmed.challenges.length).toBe(1);
    const verified = await verifyCms(Buffer.from(cms!, "base64"), {
      content,
      trusted: [dss.caCertificate],
    });
    expect(verified).toMatchObject({ valid: true });
    expect(dss.state.transactions.get(transactionId!)?.state).toBe("used");
  });
});
