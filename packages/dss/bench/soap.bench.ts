/**
 * `pnpm bench` for @trustspec/dss: SignDocument over the Sign Service's SOAP interface vs the
 * same signature over the REST interface, on one DSS emulator (the same user, certificate,
 * document and CMS work), calls interleaved one by one, medians:
 *   1. HTTPS: SOAP on `token/transport/nosc` (the SAML token endorsing a timestamp with its proof
 *      key, checked by the service) vs REST `POST /documents` with a bearer token;
 *   2. HTTP: SOAP on `token/nosc` (request and answer signed and encrypted with the proof key)
 *      vs the same REST call over HTTP.
 * Both sides keep their connections open (one keep-alive agent per transport). Reproduce:
 * `pnpm bench` (or `pnpm --filter @trustspec/dss bench`).
 */
import { bearerAuth } from "@trustspec/runtime";
import { DssEmulator } from "../src/emulator/index.js";
import * as rest from "../src/generated/signserver/client.gen.js";
import { signDocument as soapSignDocument } from "../src/generated/signservice/client.gen.js";
import { createSignServiceClient } from "../src/soap/client.js";
import { fetchTrusting } from "../test/emulator-https-support.js";

const dss = await DssEmulator.create({ confirmation: "Off" });
const https = await dss.listen({ https: true });
const http = await dss.listen();
const trusted = fetchTrusting(dss.caCertificatePem, undefined, { keepAlive: true });
const content = Buffer.alloc(1024, "Договор ").toString("base64");
const certificate = [...dss.state.certificates.values()].find((c) => c.owner === "demo");
if (!certificate) throw new Error("the emulator made no certificate for demo");

function restCall(baseUrl: string, fetch?: typeof globalThis.fetch) {
  const client = rest.createDssSignClient({
    baseUrl: `${baseUrl}/SignServer/rest/api`,
    auth: bearerAuth(dss.issueAccessToken("demo")),
    retry: false,
    ...(fetch ? { fetch } : {}),
  });
  return async () => {
    const signed = await rest.signDocument(client, {
      body: {
        Content: content,
        Signature: {
          Type: "CMS",
          CertificateId: certificate!.id,
          Parameters: { IsDetached: "true" },
        },
      },
    });
    if (typeof signed.data !== "string" || signed.data.length < 100) throw new Error("no CMS");
  };
}

function soapCall(
  baseUrl: string,
  endpoint: "token/transport/nosc" | "token/nosc",
  fetch?: typeof globalThis.fetch,
) {
  const client = createSignServiceClient({
    baseUrl,
    endpoint,
    token: dss.issueSamlToken("demo"),
    ...(fetch ? { fetch } : {}),
  });
  return async () => {
    const signed = await soapSignDocument(client, {
      document: content,
      signatureType: "CMS",
      certificateID: certificate!.id,
      signatureParams: { IsDetached: "True" },
    });
    if ((signed.SignDocumentResult ?? "").length < 100) throw new Error("no CMS");
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function compare(label: string, soap: () => Promise<void>, restSide: () => Promise<void>) {
  for (let i = 0; i < 20; i++) {
    await soap();
    await restSide();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 200; i++) {
    for (const side of i % 2 ? (["soap", "rest"] as const) : (["rest", "soap"] as const)) {
      const t = performance.now();
      await (side === "soap" ? soap() : restSide());
      (side === "soap" ? a : b).push(performance.now() - t);
    }
  }
  const s = median(a);
  const r = median(b);
  console.log(
    `${label}: SOAP ${s.toFixed(2)} ms vs REST ${r.toFixed(2)} ms per SignDocument, ratio ${(s / r).toFixed(2)}x`,
  );
}

try {
  await compare(
    "SignDocument over HTTPS, SOAP token/transport/nosc vs REST bearer (same emulator, CMS over 1 KiB)",
    soapCall(https.url, "token/transport/nosc", trusted),
    restCall(https.url, trusted),
  );
  await compare(
    "SignDocument over HTTP, SOAP token/nosc (signed and encrypted) vs REST bearer (same emulator)",
    soapCall(http.url, "token/nosc"),
    restCall(http.url),
  );
} finally {
  await https.close();
  await http.close();
  await dss.close();
}
