import { mockIo } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";
import { main } from "../src/index.js";

describe("trustspec-mock", () => {
  it("lists the APIs when called without one, and exits 2", async () => {
    const t = mockIo();
    expect(await main([], t.io)).toBe(2);
    expect(t.out.join("\n")).toMatch(/Usage: trustspec-mock <api>/);
    expect(t.out.join("\n")).toMatch(/licence\s+1C licensing server/);
    expect(t.out.join("\n")).toMatch(/dss\s+CryptoPro DSS/);
    expect(t.out.join("\n")).toMatch(/dss-ums\s+CryptoPro DSS user management/);
    expect(t.out.join("\n")).toMatch(/suz\s+Честный ЗНАК СУЗ/);
  });

  it("runs the DSS user management emulator: `listening on <url>`, the UMS under /STS/ums, stops on request", async () => {
    const t = mockIo();
    const done = main(["dss-ums", "--port", "0", "--standalone", "--token", "t0k"], t.io);
    while (t.out.length === 0 && t.err.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0]!)?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/STS/ums/policy`, { headers: { authorization: "Bearer t0k" } });
    expect(res.status).toBe(200);
    expect(
      ((await res.json()) as { AvaliableIdentifierTypes: number[] }).AvaliableIdentifierTypes,
    ).toEqual([0, 2, 1]);
    t.stop();
    expect(await done).toBe(0);
  });

  it("refuses an unknown API with exit code 2", async () => {
    const t = mockIo();
    expect(await main(["nope"], t.io)).toBe(2);
    expect(t.err.join("\n")).toContain('unknown API "nope"');
  });

  it("runs the licence emulator: first line `listening on <url>`, answers, stops on request", async () => {
    const t = mockIo();
    const done = main(["licence", "--port", "0", "--empty"], t.io);
    while (t.out.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0]!)?.[1];
    expect(url).toBeDefined();
    const res = await fetch(`${url}/api/licences`, {
      headers: { authorization: `Basic ${btoa("admin:admin")}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ Licences: [] });
    expect(res.headers.get("licence-signature")).toMatch(/^[A-Za-z0-9+/]+=*$/);
    t.stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/api`)).rejects.toThrow();
  });

  it("passes --help through to the API's own usage", async () => {
    const t = mockIo();
    expect(await main(["licence", "--help"], t.io)).toBe(0);
    expect(t.out.join("\n")).toContain("--public-key-out");
  });

  it("runs the DSS emulator: first line `listening on <url>`, a token, a signature, stops on request", async () => {
    const t = mockIo();
    const done = main(["dss", "--port", "0", "--user", "anna:pw"], t.io);
    while (t.out.length === 0 && t.err.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0] ?? "")?.[1];
    expect(url, t.err.join("\n")).toBeDefined();
    const tokenRes = await fetch(`${url}/STS/oauth/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=password&username=anna&password=pw&client_id=dss.sample",
    });
    expect(tokenRes.status).toBe(200);
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const signed = await fetch(`${url}/SignServer/rest/api/documents`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${access_token}` },
      body: JSON.stringify({ Content: "AQI=", Signature: { Type: 5 } }),
    });
    expect(signed.status).toBe(200);
    // A CMS SignedData: a DER SEQUENCE, base64 "MI…".
    expect(await signed.json()).toMatch(/^MI/);
    const refused = await fetch(`${url}/SignServer/rest/api/certificates`);
    expect(refused.status).toBe(401);
    t.stop();
    expect(await done).toBe(0);
    await expect(fetch(`${url}/SignServer/rest/api/policy`)).rejects.toThrow();
  });

  it("passes --help through to the DSS emulator's usage", async () => {
    const t = mockIo();
    expect(await main(["dss", "--help"], t.io)).toBe(0);
    expect(t.out.join("\n")).toContain("--operator <login:password>");
  });

  it("a bad DSS option exits 2 with the usage", async () => {
    const t = mockIo();
    expect(await main(["dss", "--confirm", "Nope"], t.io)).toBe(2);
    expect(t.err.join("\n")).toContain("Usage: trustspec-mock dss");
  });

  it("runs the СУЗ emulator: first line `listening on <url>`, a challenge, a refused ping, stops on request", async () => {
    const t = mockIo();
    const done = main(["suz", "--port", "0"], t.io);
    while (t.out.length === 0 && t.err.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(t.out[0] ?? "")?.[1];
    expect(url, t.err.join("\n")).toBeDefined();
    const key = await fetch(`${url}/auth/key`);
    expect(key.status).toBe(200);
    expect(await key.json()).toMatchObject({ uuid: expect.any(String), data: expect.any(String) });
    const ping = await fetch(
      `${url}/api/v2/pharma/ping?omsId=cdf12109-10d3-11e6-8b6f-0050569977a1`,
    );
    expect(ping.status).toBe(401);
    expect(await ping.json()).toMatchObject({ success: false });
    t.stop();
    expect(await done).toBe(0);
  });

  it("passes --help through to the СУЗ emulator's usage", async () => {
    const t = mockIo();
    expect(await main(["suz", "--help"], t.io)).toBe(0);
    expect(t.out.join("\n")).toContain("--trusted-cert <pem-file>");
  });

  it("runs the DSS notification receiver: service at /, WSDL at /?wsdl, one JSON line per notification", async () => {
    const t = mockIo();
    const done = main(["dss-notification", "--port", "0"], t.io);
    while (t.out.length === 0 && t.err.length === 0) await new Promise((r) => setTimeout(r, 10));
    const url = /^listening on (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(t.out[0] ?? "")?.[1];
    expect(url, t.err.join("\n")).toBeDefined();
    const wsdl = await (await fetch(`${url}?wsdl`)).text();
    expect(wsdl).toContain('name="NotificationService"');
    // The WSDL names the address it was fetched from, not the vendor's design-time host.
    expect(wsdl).toContain(`<soap:address location="${url}"/>`);
    expect(wsdl).not.toContain("localhost:8733");
    const res = await fetch(url!, {
      method: "POST",
      headers: {
        "content-type": "text/xml; charset=utf-8",
        soapaction: '"http://dss.cryptopro.ru/sim/services/2015/11/INotificationService/Notify"',
      },
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><Notify xmlns="http://dss.cryptopro.ru/sim/services/2015/11/"><opResult><OperationCode>100</OperationCode><ResultCode>0</ResultCode><UserIdentifier>anna</UserIdentifier></opResult></Notify></s:Body></s:Envelope>',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("NotifyResponse");
    expect(t.out).toHaveLength(2);
    expect(JSON.parse(t.out[1]!)).toMatchObject({
      result: { OperationCode: 100, ResultCode: 0, UserIdentifier: "anna" },
      operation: "AppletActivation",
      outcome: "Success",
    });
    t.stop();
    expect(await done).toBe(0);
  });
});
