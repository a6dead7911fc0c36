import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import {
  createDssNotificationClient,
  DssOperationCode,
  DssResultCode,
  notify,
  SoapFaultError,
} from "@trustspec/dss-notification";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const main = join(import.meta.dirname, "..", "src", "main.mjs");

describe("dss-notify-receiver, sent notifications over HTTP", () => {
  let child: ChildProcess;
  let url: string;
  const out: string[] = [];
  const err: string[] = [];
  const next = async (n: number) => {
    for (let i = 0; i < 3000 && out.length < n; i++) await new Promise((r) => setTimeout(r, 10));
    return out[n - 1];
  };

  beforeAll(async () => {
    child = spawn(process.execPath, [main, "--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    createInterface({ input: child.stdout! }).on("line", (l) => out.push(l));
    createInterface({ input: child.stderr! }).on("line", (l) => err.push(l));
    const first = await next(1);
    url = /^listening on (http:\/\/127\.0\.0\.1:\d+\/)$/.exec(first ?? "")?.[1] ?? "";
    expect(url, err.join("\n")).not.toBe("");
  });
  afterAll(() => {
    child.kill();
  });

  it("logs each notification typed: operation, outcome, user, additional data", async () => {
    const client = createDssNotificationClient({ url });
    await notify(client, {
      opResult: {
        OperationCode: DssOperationCode.AppletActivation,
        ResultCode: DssResultCode.Success,
        UserIdentifier: "+79161234567",
        ServiceIdentifier: "sts-1",
        AdditionalData: { 1: "5904CE31-B789-45BA-89CB-750F194CFE54" },
      },
    });
    expect(await next(2)).toMatch(
      /^\d{4}-\d\d-\d\dT[\d:.]+Z AppletActivation \(100\) succeeded: Success \(0\), user \+79161234567 via sts-1 \[1\]=5904CE31-B789-45BA-89CB-750F194CFE54$/,
    );
    await notify(client, {
      opResult: {
        OperationCode: 102,
        ResultCode: DssResultCode.AuthorizationTimeout,
        UserIdentifier: null,
      },
    });
    expect(await next(3)).toMatch(
      /UserAuthentication \(102\) failed: AuthorizationTimeout \(1021\), user -$/,
    );
    await notify(client, {
      opResult: { OperationCode: 555, ResultCode: 4242, UserIdentifier: "x" },
    });
    expect(await next(4)).toMatch(/operation \(555\) failed: result \(4242\), user x$/);
  });

  it("refuses bad input with a SOAP fault and logs it on stderr, then goes on", async () => {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "text/xml; charset=utf-8", soapaction: '"urn:other"' },
      body: '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><x/></s:Body></s:Envelope>',
    });
    expect(res.status).toBe(500); // every SOAP 1.1 fault travels with 500
    expect(await res.text()).toContain("<faultcode>s:Client.ActionNotSupported</faultcode>");
    for (let i = 0; i < 100 && err.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(err.join("\n")).toContain("refused a request");
    const client = createDssNotificationClient({ url });
    const seen = out.length;
    await expect(notify(client, { opResult: null })).resolves.toEqual({});
    expect(await next(seen + 1)).toContain("notification without a result");
    // A notification the receiver refuses reaches our client as a typed fault.
    const error = await notify(
      client,
      {
        opResult: { OperationCode: 1.5, ResultCode: 0, UserIdentifier: "x" },
      },
      { timeoutMs: 5_000 },
    ).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(SoapFaultError);
    expect(String(error)).toMatch(/OperationCode/);
  });
});
