/**
 * The WS-Trust client reads every answer within limits, as a server reads requests: an answer
 * larger than `maxResponseBytes` is refused without being read whole (from its Content-Length, or
 * as soon as the limit is passed), and an answer over the XML limits is refused while it is parsed.
 * Each ends the exchange as a typed `fault` outcome; a token is never made of such an answer. A
 * small exchange with a well-behaved STS completes while the hostile ones are being refused.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { listen } from "@trustspec/runtime/server";
import { SOAP12_NS } from "@trustspec/runtime/soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueSecurityToken, WSTRUST_MAX_RESPONSE_BYTES, WSTRUST_NS } from "../src/index.js";
import { createMockSts } from "../src/server.js";

const rstr = (token: string) =>
  `<s:Envelope xmlns:s="${SOAP12_NS}"><s:Body><trust:RequestSecurityTokenResponseCollection xmlns:trust="${WSTRUST_NS.trust}"><trust:RequestSecurityTokenResponse><trust:RequestedSecurityToken>${token}</trust:RequestedSecurityToken></trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection></s:Body></s:Envelope>`;

const attrs = (n: number) => Array.from({ length: n }, (_, i) => `a${i}="1"`).join(" ");

/** Answers within 1 MiB whose XML goes over a limit. */
const shapes: Record<string, [string, RegExp]> = {
  nested: [rstr(`${"<t>".repeat(100_000)}${"</t>".repeat(100_000)}`), /maxDepth/],
  flat: [rstr("<t/>".repeat(200_000)), /maxElements/],
  wide: [rstr(`<t ${attrs(60_000)}/>`), /maxAttributes/],
  name: [rstr(`<${"t".repeat(100_000)}/>`), /maxNameLength/],
};

const HUGE = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20);

describe("the WS-Trust client against a hostile STS", () => {
  let hostile: Server;
  let base: string;
  /** Bytes each streamed answer got out before the client stopped reading. */
  const streamed: number[] = [];
  let sts: Awaited<ReturnType<typeof listen>>;

  beforeAll(async () => {
    hostile = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        if (req.url === "/nested100") {
          res.writeHead(200, { "content-type": "application/soap+xml; charset=utf-8" });
          res.end(rstr(`${"<t>".repeat(100)}x${"</t>".repeat(100)}`));
          return;
        }
        const shape = shapes[(req.url ?? "").slice(1)];
        if (shape) {
          res.writeHead(200, { "content-type": "application/soap+xml; charset=utf-8" });
          res.end(shape[0]);
          return;
        }
        if (req.url === "/declared") {
          // Says 100 MB up front; the client refuses it from the header alone.
          res.writeHead(200, {
            "content-type": "application/soap+xml; charset=utf-8",
            "content-length": String(HUGE),
          });
          res.write(CHUNK);
          const stop = setTimeout(() => res.destroy(), 5_000);
          res.on("close", () => clearTimeout(stop));
          return;
        }
        // "/stream": 100 MB with no Content-Length, written while the peer reads.
        res.writeHead(200, { "content-type": "application/soap+xml; charset=utf-8" });
        let sent = 0;
        let done = false;
        const finish = () => {
          if (done) return;
          done = true;
          streamed.push(sent);
        };
        res.on("close", finish);
        const pump = () => {
          while (sent < HUGE && !res.destroyed) {
            sent += CHUNK.length;
            if (!res.write(CHUNK)) {
              res.once("drain", pump);
              return;
            }
          }
          if (!res.destroyed) res.end();
          finish();
        };
        res.write(`<s:Envelope xmlns:s="${SOAP12_NS}"><s:Body>`);
        pump();
      });
    });
    await new Promise<void>((r) => hostile.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(hostile.address() as AddressInfo).port}`;
    sts = await listen(
      createMockSts({
        users: { anna: "pw" },
        code: () => "123456",
        issueToken: ({ user }) => `token-for-${user}`,
      }),
    );
  });
  afterAll(async () => {
    hostile.closeAllConnections();
    await new Promise<void>((r) => hostile.close(() => r()));
    await sts.close();
  });

  const options = {
    appliesTo: "https://dss.example/SignServer/rest/api",
    credentials: { kind: "username" as const, username: "anna", password: "pw" },
  };

  it.each(Object.entries(shapes))(
    "an answer over the XML limits (%s) ends as a fault, not a token",
    async (name, [, limit]) => {
      const outcome = await issueSecurityToken({ ...options, url: `${base}/${name}` });
      expect(outcome.status).toBe("fault");
      if (outcome.status !== "fault") return;
      expect(outcome.fault.faultCode).toBe("InvalidResponse");
      expect(outcome.fault.reason).toMatch(limit);
    },
  );

  it("an answer declaring more than maxResponseBytes is refused from its Content-Length", async () => {
    const outcome = await issueSecurityToken({ ...options, url: `${base}/declared` });
    expect(outcome).toMatchObject({
      status: "fault",
      fault: { faultCode: "InvalidResponse", reason: expect.stringMatching(/maxResponseBytes/) },
    });
  });

  it("a streamed 100 MB answer is refused once maxResponseBytes have arrived, not read whole", async () => {
    const outcome = await issueSecurityToken({ ...options, url: `${base}/stream` });
    expect(outcome).toMatchObject({
      status: "fault",
      fault: {
        faultCode: "InvalidResponse",
        reason: expect.stringMatching(new RegExp(`larger than ${WSTRUST_MAX_RESPONSE_BYTES}`)),
      },
    });
    // The server saw the client go away long before its 100 MB were out (socket buffers hold a
    // few megabytes at most).
    await expect.poll(() => streamed.length, { timeout: 10_000 }).toBeGreaterThan(0);
    expect(streamed[0]!).toBeLessThan(HUGE / 4);
  });

  it("a caller may raise a limit for its STS", async () => {
    const url = `${base}/nested100`;
    expect(await issueSecurityToken({ ...options, url })).toMatchObject({
      status: "fault",
      fault: { reason: expect.stringMatching(/maxDepth/) },
    });
    const outcome = await issueSecurityToken({ ...options, url, xmlLimits: { maxDepth: 128 } });
    expect(outcome.status).toBe("issued");
    if (outcome.status === "issued") expect(outcome.token.tokenXml.startsWith("<t>")).toBe(true);
  });

  it("a small exchange with a well-behaved STS completes while hostile answers are refused", async () => {
    const hostileCalls = ["nested", "flat", "wide", "stream"].map((name) =>
      issueSecurityToken({ ...options, url: `${base}/${name}` }),
    );
    const good = issueSecurityToken({ ...options, url: `${sts.url}/STS/username/transport` });
    const [first, ...rest] = await Promise.all([good, ...hostileCalls]);
    expect(first).toMatchObject({ status: "issued", token: { tokenText: "token-for-anna" } });
    for (const o of rest) expect(o.status).toBe("fault");
  });
});
