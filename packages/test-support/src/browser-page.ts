/**
 * A page for browser tests of the clients: the test's script bundled by esbuild for the browser,
 * served with a bare HTML page from one origin on 127.0.0.1 that also forwards path prefixes to
 * the emulators, so the page calls them without CORS (as a web application behind its own
 * reverse proxy does). 127.0.0.1 is a secure context, so the page has Web Crypto.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { build } from "esbuild";

/** Where one path prefix of the page's origin is forwarded. */
export interface PageRoute {
  /** The emulator's base URL; the prefix is replaced by it. */
  target: string;
  /** Changes the answer's body on its way to the page (to tamper with it). */
  transformBody?: (body: Uint8Array) => Uint8Array;
}

/** The served page: its URL and how to stop serving it. */
export interface ServedPage {
  url: string;
  close(): Promise<void>;
}

/**
 * Bundles `script` (a module of the test) as esbuild does for a browser (`platform: "browser"`,
 * the workspace's source condition; a Node built-in fails the build) and serves it at `/page.js`
 * under an HTML page at `/`, forwarding each prefix of `routes` (e.g. `/licence`) to its target.
 */
export async function servePageForBrowser(
  script: string,
  routes: Record<string, PageRoute>,
): Promise<ServedPage> {
  const bundled = await build({
    entryPoints: [script],
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    conditions: ["@trustspec/source"],
    logLevel: "silent",
  });
  const js = bundled.outputFiles[0]?.text ?? "";
  const html = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>test page</title><script type="module" src="/page.js"></script></head><body></body></html>`;
  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    if (path === "/" || path === "/page.js") {
      res.writeHead(200, {
        "content-type": path === "/" ? "text/html; charset=utf-8" : "text/javascript",
      });
      res.end(path === "/" ? html : js);
      return;
    }
    const prefix = Object.keys(routes).find((p) => path === p || path.startsWith(`${p}/`));
    if (!prefix) {
      res.writeHead(404).end();
      return;
    }
    const route = routes[prefix] as PageRoute;
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      forward(route, path.slice(prefix.length), req.method ?? "GET", req.headers, chunks)
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(body);
        })
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const HOP_BY_HOP = new Set([
  "host",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "origin",
  "referer",
]);

async function forward(
  route: PageRoute,
  path: string,
  method: string,
  incoming: Record<string, string | string[] | undefined>,
  chunks: Buffer[],
): Promise<{ status: number; headers: Record<string, string>; body: Uint8Array }> {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined || HOP_BY_HOP.has(name)) continue;
    headers.set(name, Array.isArray(value) ? value.join(", ") : value);
  }
  const answer = await fetch(route.target.replace(/\/$/, "") + path, {
    method,
    headers,
    ...(chunks.length > 0 ? { body: Buffer.concat(chunks) } : {}),
    redirect: "manual",
  });
  let body: Uint8Array = new Uint8Array(await answer.arrayBuffer());
  if (route.transformBody) body = route.transformBody(body);
  const out: Record<string, string> = {};
  answer.headers.forEach((value, name) => {
    if (!HOP_BY_HOP.has(name)) out[name] = value;
  });
  return { status: answer.status, headers: out, body };
}

/** What {@link callInPage} needs of a playwright-core `Browser`. */
export interface PageBrowser {
  /** Opens a tab. */
  newPage(): Promise<PageTab>;
}

/** What {@link callInPage} needs of a playwright-core `Page`. */
export interface PageTab {
  /** Listens for uncaught errors of the page. */
  on(event: "pageerror", listener: (error: Error) => void): unknown;
  /** Loads a URL. */
  goto(url: string): Promise<unknown>;
  /** Waits until an expression is true in the page. */
  waitForFunction(expression: string): Promise<unknown>;
  /** Evaluates an expression in the page, awaiting a promise. */
  evaluate(expression: string): Promise<unknown>;
  /** Closes the tab. */
  close(): Promise<void>;
}

/**
 * Opens `url` in a new tab, waits for the page's script to define the global function `name`,
 * calls it with `arg` (as JSON) and returns what it resolved to, with the page's uncaught errors.
 */
export async function callInPage(
  browser: PageBrowser,
  url: string,
  name: string,
  arg: unknown,
): Promise<{ result: unknown; errors: string[] }> {
  const tab = await browser.newPage();
  const errors: string[] = [];
  tab.on("pageerror", (e) => errors.push(e.message));
  try {
    await tab.goto(url);
    await tab.waitForFunction(`typeof globalThis[${JSON.stringify(name)}] === "function"`);
    const result = await tab.evaluate(
      `globalThis[${JSON.stringify(name)}](${JSON.stringify(arg)})`,
    );
    return { result, errors };
  } finally {
    await tab.close();
  }
}
