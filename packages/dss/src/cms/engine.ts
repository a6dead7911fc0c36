import * as pkijs from "pkijs";
import { CmsError } from "./errors.js";

let engine: pkijs.CryptoEngine | undefined;

/**
 * The pkijs crypto engine over the platform's WebCrypto (`globalThis.crypto`, Node ≥ 19 and
 * browsers), made on first use, never at import.
 *
 * Every pkijs call in this module gets this engine as its explicit `crypto` argument, so the
 * module does not depend on pkijs's process-wide engine. For the few pkijs paths that read the
 * process-wide engine anyway, it is installed with `pkijs.setEngine` here, once, and only when
 * none is installed yet: an application that set up its own engine (say, one with GOST
 * algorithms) keeps it.
 * @throws {CmsError} when the platform has no WebCrypto.
 */
export function cryptoEngine(): pkijs.CryptoEngine {
  if (engine) return engine;
  const webcrypto: Crypto | undefined = globalThis.crypto;
  if (!webcrypto?.subtle) {
    throw new CmsError("cms_no_webcrypto", "WebCrypto (globalThis.crypto.subtle) is not available");
  }
  const created = new pkijs.CryptoEngine({ name: "trustspec-webcrypto", crypto: webcrypto });
  let installed: unknown;
  try {
    installed = pkijs.getEngine().crypto;
  } catch {
    installed = null;
  }
  if (!installed) pkijs.setEngine(created.name, created);
  engine = created;
  return created;
}
