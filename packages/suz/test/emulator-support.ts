import { createTestCa, issueCertificate, type KeyAlgorithm } from "@trustspec/dss/cms";
import type { ClientOptions } from "@trustspec/runtime";
import { afterAll, beforeAll } from "vitest";
import {
  createGostTestCa,
  createSuzClient,
  type GostKeyLength,
  issueGostCertificate,
  SoftwareSigner,
} from "../src/index.js";
import { SuzEmulator, type SuzEmulatorOptions } from "../src/server.js";

/** Helpers of the emulator tests: an emulator over HTTP on 127.0.0.1 with a clock the test moves. */

export const OMS_ID = "cdf12109-10d3-11e6-8b6f-0050569977a1";

export interface Running {
  emulator: SuzEmulator;
  url: () => string;
  /** Milliseconds since the epoch on the test clock (for token providers). */
  now: () => number;
  advance(seconds: number): void;
}

/** Starts an emulator for the calling test file (strict answers). */
export function useEmulator(options: SuzEmulatorOptions = {}): Running {
  let offset = 0;
  const now = () => Date.now() + offset;
  const emulator = new SuzEmulator({
    now: () => new Date(now()),
    responseValidation: "strict",
    onValidationIssue: (id, issues) => {
      throw new Error(`the emulator answered ${id} off the contract: ${JSON.stringify(issues)}`);
    },
    ...options,
  });
  let server: Awaited<ReturnType<SuzEmulator["listen"]>> | undefined;
  beforeAll(async () => {
    server = await emulator.listen();
  });
  afterAll(async () => {
    await server?.close();
  });
  return {
    emulator,
    url: () => {
      if (!server) throw new Error("the emulator is not listening yet");
      return server.url;
    },
    now,
    advance: (seconds) => {
      offset += seconds * 1000;
    },
  };
}

/** A strict client of the emulator (one per host in real life; one address here). */
export function client(url: string, extra: Partial<ClientOptions> = {}) {
  return createSuzClient({ baseUrl: url, validation: "strict", retry: false, ...extra });
}

export type Kind = KeyAlgorithm | `GOST-${GostKeyLength}`;

export interface TestSigner {
  signer: SoftwareSigner;
  ca: Uint8Array;
  certificate: Uint8Array;
}

/** A CA and a participant's certificate of `kind`, with a software signer. */
export async function makeSigner(
  kind: Kind,
  subject = "CN=ООО Ромашка, INNLE=7700000000",
): Promise<TestSigner> {
  if (kind === "RSA" || kind === "ECDSA") {
    const ca = await createTestCa({ commonName: `CN=УЦ ${kind}`, algorithm: kind });
    const plain = subject.replace(/,\s*INNLE=\d+/, "");
    const user = await issueCertificate(ca, { subject: plain, algorithm: kind });
    return {
      signer: new SoftwareSigner({ certificate: user.certificate, privateKey: user.privateKey! }),
      ca: ca.certificate,
      certificate: user.certificate,
    };
  }
  const length = kind === "GOST-256" ? 256 : 512;
  const ca = await createGostTestCa({ subject: `CN=УЦ ГОСТ ${length}`, length });
  const user = await issueGostCertificate(ca, { subject, length });
  return {
    signer: new SoftwareSigner({ certificate: user.certificate, privateKey: user.privateKey }),
    ca: ca.certificate,
    certificate: user.certificate,
  };
}
