import { type CallOptions, type Middleware, TrustspecError } from "@trustspec/runtime/core";
import { createSuzClient, registerConnection, type SuzClient } from "./generated/client.gen.js";
import type { Signer } from "./signing/signer.js";

/**
 * A middleware that puts the detached CMS signature of the exact body bytes the client sends
 * into X-Signature of registerConnection (excerpt, lines 236-238), and leaves other operations
 * alone. Add it to a client's `middleware`.
 */
export function registrationSignature(signer: Signer): Middleware {
  return {
    async onRequest(request) {
      if (request.operationId !== "registerConnection") return;
      const signature = await signer.signDetached(request.body ?? new Uint8Array());
      request.headers.set("X-Signature", signature);
    },
  };
}

/** The registration was answered REJECTED (Table 335); `reason` is rejectionReason. */
export class RegistrationRejectedError extends TrustspecError {
  readonly reason: string | undefined;
  constructor(reason: string | undefined) {
    super("registration_rejected", `СУЗ rejected the registration${reason ? `: ${reason}` : ""}`);
    this.name = "RegistrationRejectedError";
    this.reason = reason;
  }
}

/** What {@link registerInstallation} registers. */
export interface RegisterInstallationInput {
  /** The СУЗ instance (omsId). */
  omsId: string;
  /** The integration solution's registration key (the sandbox's: SANDBOX_REGISTRATION_KEY). */
  registrationKey: string;
  /** Адрес установки. */
  address: string;
  /** Наименование (1-256 characters; unique among the participant's installations). */
  name?: string;
  /**
   * Signs the body (X-Signature). Leave it out only for participants of «Лекарственные препараты
   * для медицинского применения», who need not sign (line 286).
   */
  signer?: Signer;
}

/**
 * Registers an installation (registerConnection) with the body signed by `signer` and returns
 * its omsConnection and name.
 * @throws {RegistrationRejectedError} when СУЗ answers REJECTED.
 * @throws ApiError for 400 and 413 (an attached signature), ValidationError, TransportError.
 */
export async function registerInstallation(
  client: SuzClient,
  input: RegisterInstallationInput,
  options?: CallOptions,
): Promise<{ omsConnection: string; name: string }> {
  const signing = input.signer
    ? createSuzClient({
        ...client.options,
        middleware: [...(client.options.middleware ?? []), registrationSignature(input.signer)],
      })
    : client;
  const { data } = await registerConnection(
    signing,
    {
      query: { omsId: input.omsId },
      headers: { "X-RegistrationKey": input.registrationKey },
      body: { address: input.address, ...(input.name !== undefined ? { name: input.name } : {}) },
    },
    options,
  );
  if (data.status !== "SUCCESS" || !data.omsConnection)
    throw new RegistrationRejectedError(data.rejectionReason);
  return { omsConnection: data.omsConnection, name: data.name ?? data.omsConnection };
}
