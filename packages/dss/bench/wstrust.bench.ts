/**
 * `pnpm bench` for @trustspec/dss: the WS-Trust round trip (RST -> challenge -> answer -> token,
 * two SOAP 1.2 exchanges with WS-Security) against the mock STS on 127.0.0.1, vs the same two
 * POSTs of prebuilt envelopes with raw fetch and a parse of each answer (interleaved, medians).
 * Reproduce: `pnpm bench` (or `pnpm --filter @trustspec/dss bench`).
 */
import { listen } from "@trustspec/runtime/server";
import { parseXml } from "@trustspec/runtime/soap";
import { issueSecurityToken } from "../src/index.js";
import { createMockSts } from "../src/server.js";

const running = await listen(
  createMockSts({ users: { anna: "pw" }, code: "123456", challengeAlways: true }),
);
const url = `${running.url}/STS/username/transport`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const options = {
  url,
  appliesTo: "https://dss.example/SignServer/rest/api",
  credentials: { kind: "username" as const, username: "anna", password: "pw" },
  transactionId: "tx",
  answer: async () => "123456",
};
const ct = (a: string) => `application/soap+xml; charset=utf-8; action="${a}"`;
const sec = `<o:Security xmlns:o="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" s:mustUnderstand="1"><o:UsernameToken><o:Username>anna</o:Username><o:Password>pw</o:Password></o:UsernameToken></o:Security>`;
const rst = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${sec}</s:Header><s:Body><trust:RequestSecurityToken xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><trust:RequestType>http://docs.oasis-open.org/ws-sx/ws-trust/200512/Issue</trust:RequestType></trust:RequestSecurityToken></s:Body></s:Envelope>`;
async function raw() {
  const r1 = await fetch(url, {
    method: "POST",
    headers: { "content-type": ct("http://docs.oasis-open.org/ws-sx/ws-trust/200512/RST/Issue") },
    body: rst,
  });
  const t1 = await r1.text();
  const refId = /RefID="([^"]+)"/.exec(t1)![1];
  parseXml(t1);
  const answer = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header>${sec}</s:Header><s:Body><trust:RequestSecurityTokenResponseCollection xmlns:trust="http://docs.oasis-open.org/ws-sx/ws-trust/200512"><trust:RequestSecurityTokenResponse><InteractiveChallengeResponse xmlns="http://docs.oasis-open.org/ws-sx/ws-trust/200802"><TextChallengeResponse RefId="${refId}">123456</TextChallengeResponse></InteractiveChallengeResponse></trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection></s:Body></s:Envelope>`;
  const r2 = await fetch(url, {
    method: "POST",
    headers: { "content-type": ct("http://docs.oasis-open.org/ws-sx/ws-trust/200512/RSTR/Issue") },
    body: answer,
  });
  parseXml(await r2.text());
}
try {
  for (let i = 0; i < 100; i++) {
    await issueSecurityToken(options);
    await raw();
  }
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < 500; i++) {
    for (const side of i % 2 ? ["ours", "raw"] : ["raw", "ours"]) {
      const t = performance.now();
      if (side === "ours") {
        const o = await issueSecurityToken(options);
        if (o.status !== "issued") throw new Error(o.status);
      } else await raw();
      (side === "ours" ? ours : base).push(performance.now() - t);
    }
  }
  const o = median(ours);
  const b = median(base);
  console.log(
    `WS-Trust round trip (RST, challenge, answer, token) against the mock STS: ${o.toFixed(3)} ms vs raw fetch of the same two envelopes ${b.toFixed(3)} ms, ratio ${(o / b).toFixed(2)}x`,
  );
} finally {
  await running.close();
}
