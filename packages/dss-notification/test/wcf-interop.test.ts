/**
 * Interoperability with a client that is not ours: the bytes a .NET WCF BasicHttpBinding client
 * sends for Notify (fixtures/Notify__wcf-client, built from the WSDL), sent over a raw TCP
 * socket, are answered by the server stub with the expected envelope, and the handler receives
 * the typed message.
 */
import { readFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { listen } from "@trustspec/runtime/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Notify } from "../src/index.js";
import { createDssNotificationServer } from "../src/server.js";
import { validateAgainstXsd } from "./support.js";

const dir = join(import.meta.dirname, "fixtures", "Notify__wcf-client");
const body = readFileSync(join(dir, "request.xml"));
const head = readFileSync(join(dir, "request.headers.txt"), "utf8").replace(
  "{length}",
  String(body.byteLength),
);

/** Sends raw bytes and reads the whole answer (the server closes nothing: read until the body is complete). */
function rawExchange(port: number, waitForContinue: boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let text = "";
    let sentBody = false;
    socket.on("data", (chunk) => {
      text += chunk.toString("utf8");
      if (!sentBody && text.startsWith("HTTP/1.1 100 Continue\r\n\r\n")) {
        sentBody = true;
        socket.write(body);
      }
      const m = /content-length: (\d+)\r\n/i.exec(text);
      const end = text.lastIndexOf("\r\n\r\n");
      if (m && end >= 0 && Buffer.byteLength(text.slice(end + 4)) >= Number(m[1])) {
        socket.end();
        resolve(text);
      }
    });
    socket.on("error", reject);
    socket.write(head);
    // WCF waits for "100 Continue" before the body (Expect: 100-continue).
    if (!waitForContinue) {
      sentBody = true;
      socket.write(body);
    }
  });
}

describe("a .NET WCF client's Notify request", () => {
  const received: Notify[] = [];
  let running: Awaited<ReturnType<typeof listen>>;
  let port: number;
  beforeAll(async () => {
    running = await listen(
      createDssNotificationServer({
        Notify: ({ message }) => {
          received.push(message);
        },
      }),
    );
    port = Number(new URL(running.url).port);
  });
  afterAll(() => running.close());

  it("the fixture is valid against the WSDL's XSD (its Notify element)", async () => {
    const notify = /<Notify[\s\S]*<\/Notify>/.exec(body.toString("utf8"))![0];
    const withNs = notify.replace(
      "<Notify ",
      '<Notify xmlns:i="http://www.w3.org/2001/XMLSchema-instance" ',
    );
    expect(await validateAgainstXsd(withNs)).toEqual([]);
  });

  it.each([
    ["after 100 Continue", true],
    ["with the body sent at once", false],
  ])(
    "is answered 200 with NotifyResponse (%s); the handler gets the typed message",
    async (_name, wait) => {
      received.length = 0;
      const answer = await rawExchange(port, wait);
      const [status, ...rest] = answer
        .replace(/^HTTP\/1\.1 100 Continue\r\n\r\n/, "")
        .split("\r\n");
      expect(status).toBe("HTTP/1.1 200 OK");
      expect(rest.join("\n")).toMatch(/content-type: text\/xml; charset=utf-8/i);
      const xml = answer.slice(answer.lastIndexOf("\r\n\r\n") + 4);
      expect(xml).toBe(readFileSync(join(dir, "response.xml"), "utf8"));
      expect(received).toEqual([JSON.parse(readFileSync(join(dir, "message.json"), "utf8"))]);
    },
  );
});
