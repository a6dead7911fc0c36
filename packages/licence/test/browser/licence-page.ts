/**
 * The page's script of the browser test: the licence client as a web application bundles it
 * (`@trustspec/licence`, bundled by esbuild for the browser), calling the emulator through the
 * page's own origin. The answers' signatures are checked here, in the browser, on Web Crypto.
 */
import {
  createLicenceClient,
  getLicence,
  getServerInfo,
  LicenceSignatureError,
} from "@trustspec/licence";

/** What one call did in the page: its data, or the error it was refused with. */
type Outcome =
  | { ok: true; data: unknown }
  | { ok: false; name: string; code?: string; reason?: string; message: string };

async function outcome(call: () => Promise<{ data: unknown }>): Promise<Outcome> {
  try {
    return { ok: true, data: (await call()).data };
  } catch (error) {
    const e = error as Error & { code?: string };
    return {
      ok: false,
      name: e.name,
      message: e.message,
      ...(e.code ? { code: e.code } : {}),
      ...(error instanceof LicenceSignatureError ? { reason: error.reason } : {}),
    };
  }
}

async function run(publicKeyPem: string) {
  const client = (prefix: string, publicKey?: string) =>
    createLicenceClient({
      baseUrl: `${location.origin}${prefix}`,
      credentials: { username: "admin", password: "admin" },
      ...(publicKey ? { signature: { publicKey } } : {}),
    });
  const genuine = client("/licence", publicKeyPem);
  return {
    // What the page runs in: a browser, no Node.
    environment: {
      subtle: typeof crypto.subtle?.verify,
      process: typeof (globalThis as { process?: unknown }).process,
      buffer: typeof (globalThis as { Buffer?: unknown }).Buffer,
    },
    serverInfo: await outcome(() => getServerInfo(genuine)),
    licence: await outcome(() => getLicence(genuine, { path: { KeyNo: 7131766 } })),
    // The emulator's key is not the vendor's: the default key refuses its answers.
    vendorKey: await outcome(() => getServerInfo(client("/licence"))),
    // The same answer with one byte of its body changed on the way.
    tampered: await outcome(() =>
      getLicence(client("/tampered", publicKeyPem), {
        path: { KeyNo: 7131766 },
      }),
    ),
  };
}

(globalThis as { licenceInPage?: typeof run }).licenceInPage = run;
