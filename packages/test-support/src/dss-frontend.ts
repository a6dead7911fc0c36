/**
 * What the tests of the DSS web front-end (the emulator's, and the example application's contract
 * check) share: a `backpost` receiver on 127.0.0.1 and a client that goes through the front-end's
 * pages as a browser without scripts would (a cookie jar, manual redirects, forms read from the
 * HTML).
 */
import { createServer, type IncomingMessage } from "node:http";

/** A request the application's `backpost` address received. */
export interface Received {
  method: string;
  /** Path and query. */
  url: string;
  fields: URLSearchParams;
}

/** A `node:http` receiver standing for the application's `backpost` page. */
export async function startReceiver(): Promise<{
  url: string;
  received: Received[];
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "GET",
        url: req.url ?? "/",
        fields: new URLSearchParams(Buffer.concat(chunks).toString("utf8")),
      });
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end("<!DOCTYPE html><title>received</title><h1>Получено</h1>");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A page answered to the client. */
export interface Page {
  status: number;
  headers: Headers;
  html: string;
  /** Where the page was fetched from (after redirects). */
  url: string;
}

/** A form of a page: its action, its hidden fields and the options its lists show chosen. */
export interface PageForm {
  action: string;
  fields: Record<string, string>;
  /** Each `<select>`'s selected option, else its first, as a browser submits it untouched. */
  selects: Record<string, string>;
}

const decodeEntities = (s: string) =>
  s
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");

/** The first form of a page, with the values of its hidden inputs. */
export function formOf(page: Page): PageForm {
  const form = /<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/.exec(page.html);
  if (!form) throw new Error(`no form on the page (${page.status}): ${page.html.slice(0, 400)}`);
  const fields: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)" \/>/g)) {
    fields[decodeEntities(m[1]!)] = decodeEntities(m[2]!);
  }
  const selects: Record<string, string> = {};
  for (const m of form[2]!.matchAll(/<select[^>]*name="([^"]*)"[^>]*>([\s\S]*?)<\/select>/g)) {
    const options = [...m[2]!.matchAll(/<option value="([^"]*)"( selected)?/g)];
    const chosen = options.find((o) => o[2]) ?? options[0];
    if (chosen) selects[decodeEntities(m[1]!)] = decodeEntities(chosen[1]!);
  }
  return { action: new URL(decodeEntities(form[1]!), page.url).toString(), fields, selects };
}

/** The text of the element with an id (tags removed, entities decoded). */
export function textOf(page: Page, id: string): string | undefined {
  const m = new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`).exec(page.html);
  return m ? decodeEntities(m[1]!.replace(/<[^>]*>/g, "")) : undefined;
}

/** The error line of a page, if any. */
export function alertOf(page: Page): string | undefined {
  const m = /role="alert">([\s\S]*?)</.exec(page.html);
  return m ? decodeEntities(m[1]!) : undefined;
}

/** A client with a cookie jar that follows redirects itself (as a browser does). */
export class FormClient {
  /** Cookies by name: value and path. */
  readonly cookies = new Map<string, { value: string; path: string; raw: string }>();

  async request(url: string, init: { method?: string; body?: string; type?: string } = {}) {
    let target = url;
    let method = init.method ?? "GET";
    let body = init.body;
    for (let hop = 0; hop < 5; hop++) {
      const path = new URL(target).pathname;
      const cookie = [...this.cookies]
        .filter(([, c]) => path === c.path || path.startsWith(`${c.path}/`))
        .map(([k, c]) => `${k}=${c.value}`)
        .join("; ");
      const res = await fetch(target, {
        method,
        redirect: "manual",
        headers: {
          ...(body !== undefined
            ? { "content-type": init.type ?? "application/x-www-form-urlencoded" }
            : {}),
          ...(cookie ? { cookie } : {}),
        },
        ...(body !== undefined ? { body } : {}),
      });
      for (const raw of res.headers.getSetCookie()) {
        const [pair, ...attrs] = raw.split(";");
        const eq = pair!.indexOf("=");
        const pathAttr = attrs.find((a) => a.trim().toLowerCase().startsWith("path="));
        this.cookies.set(pair!.slice(0, eq).trim(), {
          value: pair!.slice(eq + 1).trim(),
          path: pathAttr ? pathAttr.trim().slice(5) : "/",
          raw,
        });
      }
      if ([302, 303, 307, 308].includes(res.status)) {
        const location = res.headers.get("location");
        await res.body?.cancel();
        if (!location) throw new Error("redirect without a location");
        target = new URL(location, target).toString();
        // A redirect to another origin (the application's backpost) is not followed here.
        if (new URL(target).origin !== new URL(url).origin) {
          return { status: res.status, headers: res.headers, html: "", url: target } as Page;
        }
        // 307 and 308 post the same form again; 302 and 303 fetch the new address.
        if (res.status === 302 || res.status === 303) {
          method = "GET";
          body = undefined;
        }
        continue;
      }
      return { status: res.status, headers: res.headers, html: await res.text(), url: target };
    }
    throw new Error("too many redirects");
  }

  /** Posts fields (repeated names allowed) as a form. */
  post(url: string, fields: Record<string, string> | [string, string][]): Promise<Page> {
    return this.request(url, { method: "POST", body: new URLSearchParams(fields).toString() });
  }

  /** Submits the page's form with the hidden fields and `extra`. */
  submit(page: Page, extra: Record<string, string> | [string, string][] = {}): Promise<Page> {
    const form = formOf(page);
    const given = Array.isArray(extra) ? extra : Object.entries(extra);
    const entries: [string, string][] = [
      ...Object.entries(form.fields),
      ...Object.entries(form.selects).filter(([k]) => !given.some(([g]) => g === k)),
      ...given,
    ];
    if (!entries.some(([k]) => k === "decision")) entries.push(["decision", "ok"]);
    return this.post(form.action, entries);
  }
}

/** Posts a backpost page's form to the receiver, as the page's script does. */
export async function deliver(page: Page): Promise<URLSearchParams> {
  if (!page.html.includes('<form id="backpost"')) {
    throw new Error(`not the page that posts to backpost: ${page.html.slice(0, 600)}`);
  }
  const form = formOf(page);
  const res = await fetch(form.action, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form.fields).toString(),
  });
  await res.text();
  return new URLSearchParams(form.fields);
}

/** Base64 of UTF-8 text or bytes. */
export const b64 = (data: string | Uint8Array) => Buffer.from(data).toString("base64");
