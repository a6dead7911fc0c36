/**
 * `pnpm bench` for @trustspec/dss-ums, SOAP: a page of 100 users through the SOAP service's
 * GetUsers (`/STS/UserManagement.svc/cert`, the operator's TLS client certificate, SOAP 1.2 with
 * WS-Addressing, both ways checked against the schema) vs the same page through the REST
 * service's searchUsers (`/STS/ums/search/users`, the operator's bearer token, checked against
 * the contract both ways), on one emulator beside the DSS emulator over HTTPS (1 000 users, the
 * same filter and bounds), calls interleaved one by one, medians. Both clients send through one
 * keep-alive agent presenting the same certificate, so neither pays a TLS handshake per call.
 * Reproduce: `pnpm bench` (or `pnpm --filter @trustspec/dss-ums bench`).
 */
import { KeyObject } from "node:crypto";
import { Agent } from "node:https";
import { toPem } from "@trustspec/dss/cms";
import { clientCertificateFetch } from "@trustspec/dss/node";
import { bearerAuth } from "@trustspec/runtime";
import { createDssUmsClient, searchUsers } from "../src/generated/ums/client.gen.js";
import { createDssUmsSoapClient, getUsers } from "../src/generated/ums-soap/client.gen.js";
import { DssUmsEmulator } from "../src/server.js";

const PAGE = 100;
const emulator = await DssUmsEmulator.create({
  dss: {
    keyAlgorithm: "ECDSA",
    users: [{ login: "operator", password: "operator", role: "operator", certificate: true }],
  },
});
emulator.seedUsers(1000);
const server = await emulator.listen({ https: true });
const dss = emulator.dss!;
const held = dss.state.certificatesOf("operator")[0]!;
const tls = {
  cert: toPem(held.der, "CERTIFICATE"),
  key: KeyObject.from(held.privateKey!).export({ type: "pkcs8", format: "pem" }) as string,
  ca: emulator.caCertificatePem,
};
const fetch = clientCertificateFetch({ ...tls, agent: new Agent({ ...tls, keepAlive: true }) });

const soap = createDssUmsSoapClient({ url: `${server.url}/STS/UserManagement.svc/cert`, fetch });
const rest = createDssUmsClient({
  baseUrl: `${server.url}/STS/ums`,
  auth: bearerAuth(dss.issueAccessToken("operator")),
  fetch,
  retry: false,
});

// The same page: users 200-299 of those whose login starts with "user".
async function soapPage() {
  const page = await getUsers(soap, {
    request: {
      EndPosition: 200 + PAGE,
      Filters: { UserFilter: [{ Column: "Login", Operation: "Like", Value: "user%" }] },
      StartPosition: 200,
    },
  });
  if (page.GetUsersResult?.UserInfos?.DssUserInfo?.length !== PAGE) throw new Error("short page");
}
async function restPage() {
  const page = await searchUsers(rest, {
    body: {
      StartPosition: 200,
      EndPosition: 200 + PAGE,
      Filters: [{ Column: "Login", Operation: "Like", Value: "user%" }],
    },
  });
  if (page.data.UserInfos.length !== PAGE) throw new Error("short page");
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  for (let i = 0; i < 30; i++) {
    await soapPage();
    await restPage();
  }
  const s: number[] = [];
  const r: number[] = [];
  for (let i = 0; i < 300; i++) {
    for (const side of i % 2 ? (["soap", "rest"] as const) : (["rest", "soap"] as const)) {
      const t = performance.now();
      await (side === "soap" ? soapPage() : restPage());
      (side === "soap" ? s : r).push(performance.now() - t);
    }
  }
  const ms = median(s);
  const mr = median(r);
  console.log(
    `\n@trustspec/dss-ums SOAP benchmark (node ${process.version}, ${new Date().toISOString().slice(0, 10)})\n`,
  );
  console.log("| measure | ours | baseline | ratio |");
  console.log("|---|---|---|---|");
  console.log(
    `| a page of ${PAGE} users: SOAP GetUsers on /cert vs REST searchUsers, same emulator over HTTPS | ${ms.toFixed(2)} ms | ${mr.toFixed(2)} ms | ${(ms / mr).toFixed(2)}× |`,
  );
} finally {
  await server.close();
  await emulator.close();
}
