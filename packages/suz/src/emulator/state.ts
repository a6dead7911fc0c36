/**
 * The in-memory data of the СУЗ emulator: registered installations, the one valid client token
 * of each, ИС МДЛП authentication codes and ГИС МТ challenges. Where the document is silent, the
 * emulator's choices are written here and kept to:
 *
 * - The participant (УОТ) an installation belongs to is the signer certificate's ИНН ЮЛ
 *   (1.2.643.100.4) or ИНН (1.2.643.3.131.1.1) when it has one, else its subject; installation
 *   names are unique per participant (Table 334), case-sensitive, as sent.
 * - Connection ids are random lower-case UUIDs; a registration without `name` gets its
 *   connection id as name (Table 334: "сгенерировано случайное наименование в формате UUID").
 * - ИС МДЛП codes live 5 minutes and are good for one token request; ГИС МТ challenges live 5
 *   minutes and are good for one sign-in.
 * - Tokens are random strings; a new token of an installation ends its previous one (lines 59-60,
 *   343).
 */

import { randomBytes, randomUUID } from "node:crypto";

/** A registered installation. */
export interface Installation {
  omsConnection: string;
  omsId: string;
  name: string;
  address: string;
  /** Who registered it (see the module comment). */
  participant: string;
  registeredAt: Date;
}

/** The one valid client token of an installation. */
export interface ClientTokenRecord {
  token: string;
  omsConnection: string;
  expiresAt: Date;
  via: "mdlp" | "trueApi";
}

/** An ИС МДЛП authentication code. */
export interface MdlpCode {
  code: string;
  clientId: string;
  userId: string;
  authType: "SIGNED_CODE" | "PASSWORD";
  expiresAt: Date;
}

/** A ГИС МТ challenge. */
export interface TrueApiChallenge {
  uuid: string;
  data: string;
  expiresAt: Date;
}

/** Lifetimes of the state's records. */
export interface SuzStateTiming {
  now: () => Date;
  mdlpTokenLifetimeMinutes: number;
  trueApiTokenLifetimeSeconds: number;
  codeLifetimeSeconds: number;
}

/** The emulator's in-memory data: installations, client tokens, ИС МДЛП codes and ГИС МТ challenges. */
export class SuzEmulatorState {
  readonly installations = new Map<string, Installation>();
  readonly #tokens = new Map<string, ClientTokenRecord>();
  readonly #codes = new Map<string, MdlpCode>();
  readonly #challenges = new Map<string, TrueApiChallenge>();
  readonly timing: SuzStateTiming;

  constructor(timing: SuzStateTiming) {
    this.timing = timing;
  }

  /** The emulator's current time. */
  now(): Date {
    return this.timing.now();
  }

  /** The participant's installation of that name, if any. */
  findByName(participant: string, name: string): Installation | undefined {
    for (const i of this.installations.values()) {
      if (i.participant === participant && i.name === name) return i;
    }
    return undefined;
  }

  /** Registers an installation under a new random connection id; without `name`, the id is its name. */
  register(
    input: Omit<Installation, "omsConnection" | "registeredAt" | "name"> & { name?: string },
  ): Installation {
    const omsConnection = randomUUID();
    const installation: Installation = {
      ...input,
      name: input.name ?? omsConnection,
      omsConnection,
      registeredAt: this.now(),
    };
    this.installations.set(omsConnection, installation);
    return installation;
  }

  /** The installation with this connection id, if any. */
  installation(omsConnection: string): Installation | undefined {
    return this.installations.get(omsConnection.toLowerCase());
  }

  /** Issues an ИС МДЛП authentication code, valid for `codeLifetimeSeconds`. */
  newCode(init: Omit<MdlpCode, "code" | "expiresAt">): MdlpCode {
    const code: MdlpCode = {
      ...init,
      code: randomUUID(),
      expiresAt: new Date(this.now().getTime() + this.timing.codeLifetimeSeconds * 1000),
    };
    this.#codes.set(code.code, code);
    return code;
  }

  /** Takes a code once: answers it and forgets it, or undefined when unknown or expired. */
  takeCode(code: string): MdlpCode | undefined {
    const found = this.#codes.get(code.toLowerCase());
    this.#codes.delete(code.toLowerCase());
    return found && found.expiresAt > this.now() ? found : undefined;
  }

  /** Issues a ГИС МТ challenge (random data to sign), valid for `codeLifetimeSeconds`. */
  newChallenge(): TrueApiChallenge {
    const challenge: TrueApiChallenge = {
      uuid: randomUUID(),
      data: randomBytes(24).toString("base64url"),
      expiresAt: new Date(this.now().getTime() + this.timing.codeLifetimeSeconds * 1000),
    };
    this.#challenges.set(challenge.uuid, challenge);
    return challenge;
  }

  /** Takes a challenge once: answers it and forgets it, or undefined when unknown or expired. */
  takeChallenge(uuid: string): TrueApiChallenge | undefined {
    const found = this.#challenges.get(uuid.toLowerCase());
    this.#challenges.delete(uuid.toLowerCase());
    return found && found.expiresAt > this.now() ? found : undefined;
  }

  /** Issues the installation's token, ending the one it had. */
  issueToken(omsConnection: string, via: "mdlp" | "trueApi"): ClientTokenRecord {
    const seconds =
      via === "mdlp"
        ? this.timing.mdlpTokenLifetimeMinutes * 60
        : this.timing.trueApiTokenLifetimeSeconds;
    const record: ClientTokenRecord = {
      token: randomBytes(24).toString("base64url"),
      omsConnection: omsConnection.toLowerCase(),
      expiresAt: new Date(this.now().getTime() + seconds * 1000),
      via,
    };
    this.#tokens.set(record.omsConnection, record);
    return record;
  }

  /**
   * What a presented token is: `valid` with its record, `expired`, or `unknown` (never issued,
   * or replaced by a newer token of its installation).
   */
  checkToken(
    token: string,
  ): { state: "valid"; record: ClientTokenRecord } | { state: "expired" | "unknown" } {
    for (const record of this.#tokens.values()) {
      if (record.token !== token) continue;
      return record.expiresAt > this.now() ? { state: "valid", record } : { state: "expired" };
    }
    return { state: "unknown" };
  }

  /** How many tokens were issued for an installation and are its current one (0 or 1). */
  currentToken(omsConnection: string): ClientTokenRecord | undefined {
    return this.#tokens.get(omsConnection.toLowerCase());
  }
}
