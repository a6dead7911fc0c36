import { fromPem, signCms } from "@trustspec/cms";
import { GostPrivateKey, gostEngine, gostKeyMatches } from "@trustspec/cms/gost";
import { SigningError } from "./errors.js";
import { importSigningKey } from "./keys.js";
import { type Signer, type SignOptions, toBase64 } from "./signer.js";

/** What a {@link SoftwareSigner} signs with. */
export interface SoftwareSignerOptions {
  /** The signer's certificate, DER. */
  certificate: Uint8Array;
  /**
   * Its private key: a {@link GostPrivateKey} (GOST R 34.10-2012, 256 or 512 bits, Streebog), or a
   * WebCrypto key for RSASSA-PKCS1-v1_5 or ECDSA P-256 (SHA-256).
   */
  privateKey: GostPrivateKey | CryptoKey;
  /** More certificates to put into every signature (e.g. the CA). */
  certificates?: Uint8Array[];
}

/**
 * A {@link Signer} with the key in memory: `signCms` of @trustspec/cms, with its `gostEngine()`
 * (GOST R 34.10-2012 with Streebog, and RSA and ECDSA as the default engine does). A key that is
 * not the certificate's fails the first signature with `key-mismatch` (GOST: its public key is
 * compared with the certificate's once; RSA/ECDSA: `signCms` checks each new signature).
 */
export class SoftwareSigner implements Signer {
  readonly #options: SoftwareSignerOptions;
  #gostKeyChecked = false;

  /**
   * A signer from a certificate and an unencrypted PKCS#8 key, as PEM (or base64) text or DER:
   * GOST R 34.10-2012, RSA or EC P-256 (see {@link importSigningKey}).
   * @throws {SigningError} `bad-certificate`, `bad-key` or `unsupported-algorithm`.
   */
  static async fromPem(
    certificate: string | Uint8Array,
    privateKey: string | Uint8Array,
  ): Promise<SoftwareSigner> {
    let der: Uint8Array;
    try {
      der = typeof certificate === "string" ? fromPem(certificate) : certificate;
    } catch (cause) {
      throw new SigningError("bad-certificate", "The certificate is not PEM or base64 text", {
        cause,
      });
    }
    return new SoftwareSigner({ certificate: der, privateKey: await importSigningKey(privateKey) });
  }

  constructor(options: SoftwareSignerOptions) {
    const key = options.privateKey;
    if (!(key instanceof GostPrivateKey)) {
      const name = (key as CryptoKey | undefined)?.algorithm?.name?.toUpperCase() ?? "";
      if (!name.startsWith("RSA") && name !== "ECDSA") {
        throw new SigningError(
          "unsupported-algorithm",
          `Unsupported signing key: ${name || typeof key}`,
        );
      }
    }
    this.#options = { ...options, certificate: options.certificate.slice() };
  }

  async certificate(): Promise<Uint8Array> {
    return this.#options.certificate.slice();
  }

  signDetached(content: Uint8Array, _options?: SignOptions): Promise<string> {
    return this.#sign(content, true);
  }

  signAttached(content: Uint8Array, _options?: SignOptions): Promise<string> {
    return this.#sign(content, false);
  }

  async #sign(content: Uint8Array, detached: boolean): Promise<string> {
    const { certificate, privateKey, certificates } = this.#options;
    const extra = certificates ? { certificates } : {};
    try {
      const gost = privateKey instanceof GostPrivateKey;
      // A GOST key is matched with the certificate once, not by verifying every signature.
      if (gost && !this.#gostKeyChecked) {
        if (!gostKeyMatches(privateKey, certificate)) {
          throw new SigningError(
            "key-mismatch",
            "The private key does not belong to the certificate",
          );
        }
        this.#gostKeyChecked = true;
      }
      const der = await signCms(
        content,
        { certificate, privateKey },
        { detached, engine: gostEngine(), ...(gost ? { checkKey: false } : {}), ...extra },
      );
      return toBase64(der);
    } catch (error) {
      if (error instanceof SigningError) throw error;
      const code = (error as { code?: string }).code;
      const message = error instanceof Error ? error.message : String(error);
      if (code === "cms_format")
        throw new SigningError("bad-certificate", message, { cause: error });
      if (/does not belong/.test(message))
        throw new SigningError("key-mismatch", message, { cause: error });
      throw new SigningError("bad-key", message, { cause: error });
    }
  }
}
