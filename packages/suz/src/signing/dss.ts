import {
  ApiError,
  bearerAuth,
  createDssSignClient,
  type DssSignClient,
  getCertificate,
  listCertificates,
  SignatureType,
  signDocument,
  type TokenProvider,
} from "@trustspec/dss";
import { SigningError } from "./errors.js";
import { fromBase64, type Signer, type SignOptions, toBase64 } from "./signer.js";
import { inspectCmsSignature } from "./verify.js";

/** Where and as whom a {@link DssSigner} signs. */
export interface DssSignerOptions {
  /**
   * A Signature Service client (`createDssSignClient` of @trustspec/dss) that already
   * authenticates, e.g. with `auth: bearerAuth(passwordTokenProvider(...))`. Or give
   * `signServerUrl` and `token`.
   */
  client?: DssSignClient;
  /** The Signature Service REST base, e.g. `https://dss.example/SignServer/rest/api`. */
  signServerUrl?: string;
  /** The DSS access tokens (a token provider of @trustspec/dss: password, code, delegation). */
  token?: TokenProvider;
  /** The certificate in DSS to sign with (default 0: the user's default certificate). */
  certificateId?: number;
  /** The key's PIN, when the key has one; read for every signature, never logged. */
  pinCode?: string | (() => string | Promise<string>);
  /** A fetch for the client made from `signServerUrl` (tests). */
  fetch?: typeof globalThis.fetch;
}

/**
 * A {@link Signer} whose key stays in CryptoPro DSS: every signature is the Signature Service's
 * "sign a document" (POST /documents, SignatureType CMS, IsDetached), so a participant without
 * a local crypto provider can register an installation and sign in. The algorithm is whatever the
 * DSS certificate has (GOST R 34.10-2012 on a real DSS, RSA on the trustspec DSS emulator).
 *
 * A DSS that requires confirming the signature (a transaction with a one-time password or myDSS)
 * answers 401 to a plain call; get a token confirmed for the operation (see the confirmation
 * helpers of @trustspec/dss) and pass it as `token`.
 */
export class DssSigner implements Signer {
  readonly #client: DssSignClient;
  readonly #certificateId: number;
  readonly #pin: DssSignerOptions["pinCode"];
  #certificate: Uint8Array | undefined;

  constructor(options: DssSignerOptions) {
    if (options.client) {
      this.#client = options.client;
    } else {
      if (!options.signServerUrl || !options.token) {
        throw new SigningError(
          "bad-key",
          "A DssSigner needs `client`, or `signServerUrl` and `token`",
        );
      }
      this.#client = createDssSignClient({
        baseUrl: options.signServerUrl,
        auth: bearerAuth(options.token),
        ...(options.fetch ? { fetch: options.fetch } : {}),
      });
    }
    this.#certificateId = options.certificateId ?? 0;
    this.#pin = options.pinCode;
  }

  /** The DSS certificate signatures are made with (the default one when `certificateId` is 0). */
  async certificate(options: SignOptions = {}): Promise<Uint8Array> {
    if (this.#certificate) return this.#certificate.slice();
    const call = options.signal ? { signal: options.signal } : {};
    const base64 = await this.#remote("certificate", async () => {
      if (this.#certificateId !== 0) {
        const { data } = await getCertificate(
          this.#client,
          { path: { key: this.#certificateId } },
          call,
        );
        return data.CertificateBase64;
      }
      const { data } = await listCertificates(this.#client, {}, call);
      const chosen = data.find((c) => c.IsDefault) ?? data[0];
      if (!chosen) throw new SigningError("remote-failed", "The DSS user has no certificate");
      return chosen.CertificateBase64;
    });
    const der = fromBase64(base64);
    if (!der)
      throw new SigningError("remote-failed", "DSS answered a certificate that is not base64");
    this.#certificate = der;
    return der.slice();
  }

  signDetached(content: Uint8Array, options?: SignOptions): Promise<string> {
    return this.#sign(content, true, options);
  }

  signAttached(content: Uint8Array, options?: SignOptions): Promise<string> {
    return this.#sign(content, false, options);
  }

  async #sign(content: Uint8Array, detached: boolean, options: SignOptions = {}): Promise<string> {
    const pin = typeof this.#pin === "function" ? await this.#pin() : this.#pin;
    const signature = await this.#remote("signDocument", async () => {
      const { data } = await signDocument(
        this.#client,
        {
          body: {
            Content: toBase64(content),
            Signature: {
              Type: SignatureType.CMS,
              Parameters: { IsDetached: detached ? "true" : "false" },
              CertificateId: this.#certificateId,
              ...(pin !== undefined ? { PinCode: pin } : {}),
            },
          },
        },
        options.signal ? { signal: options.signal } : {},
      );
      return data;
    });
    let facts: ReturnType<typeof inspectCmsSignature>;
    try {
      facts = inspectCmsSignature(signature);
    } catch (cause) {
      throw new SigningError(
        "remote-failed",
        "DSS answered something that is not a CMS signature",
        { cause },
      );
    }
    if (facts.attached === detached) {
      throw new SigningError(
        "remote-failed",
        `DSS answered an ${facts.attached ? "attached" : "detached"} signature where a ${detached ? "detached" : "attached"} one was asked for`,
      );
    }
    return signature.replace(/\s+/g, "");
  }

  async #remote<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      if (error instanceof SigningError) throw error;
      if (error instanceof ApiError) {
        const body = error.body as { Message?: string } | undefined;
        const detail = typeof body?.Message === "string" ? `: ${body.Message}` : "";
        throw new SigningError(
          "remote-failed",
          `DSS ${what} failed with HTTP ${error.status}${detail}`,
          { cause: error },
        );
      }
      throw new SigningError(
        "remote-failed",
        `DSS ${what} failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
}
