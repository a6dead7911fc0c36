import { request } from "node:https";

/**
 * A fetch over node:https that trusts `ca` (PEM) and presents `client` (PEM certificate and key)
 * when given: how the tests reach the emulator's HTTPS (`DssEmulator.listen({ https: true })`).
 * Other processes trust the CA with NODE_EXTRA_CA_CERTS=<file of caCertificatePem>.
 */
export function fetchTrusting(
  ca: string,
  client?: { cert: string; key: string },
): typeof globalThis.fetch {
  return async (input, init) => {
    const req = new Request(input, init);
    const body = new Uint8Array(await req.arrayBuffer());
    const headers: Record<string, string> = {};
    req.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return new Promise<Response>((resolve, reject) => {
      const r = request(req.url, { method: req.method, headers, ca, ...client }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const out = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) out.set(k, Array.isArray(v) ? v.join(", ") : v);
          }
          const status = res.statusCode ?? 500;
          const nullBody = status === 204 || status === 304 || req.method === "HEAD";
          resolve(new Response(nullBody ? null : Buffer.concat(chunks), { status, headers: out }));
        });
      });
      r.on("error", reject);
      r.end(body);
    });
  };
}
