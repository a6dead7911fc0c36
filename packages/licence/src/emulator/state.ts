import { createHash, randomBytes } from "node:crypto";
import type {
  Connection,
  Licence,
  LicenceInstallRequest,
  Session,
  SessionCreateRequest,
} from "../generated/types.gen.js";

const DAY = 24 * 60 * 60 * 1000;

/** A licence as the emulator stores it; the expiry fields are computed when it is read. */
export interface StoredLicence {
  licence: Omit<Licence, "DaysLeft" | "Expired" | "ExpireDate">;
  memory: { value: string; readPassword: string; writePassword: string };
}

/** What a product behind an activation code looks like when it is installed. */
export interface LicenceTemplate {
  KeyID: string;
  ProductName: string;
  Article: string;
  ArticleName: string;
  LicenceCount: number;
  /** Days of validity; 0 means unlimited. */
  Period: number;
  KeyType?: 3 | 4 | 5;
  RegNo?: number;
  Flags?: string;
}

export const DEFAULT_TEMPLATE: LicenceTemplate = {
  KeyID: "672B",
  ProductName: "1С:Предприятие 8 ПРОФ. Клиентская лицензия на 5 рабочих мест",
  Article: "4601546041524",
  ArticleName: "1С:Предприятие 8 ПРОФ. Клиентская лицензия на 5 рабочих мест (эмулятор)",
  LicenceCount: 5,
  Period: 0,
};

/** Raised by state operations; the handlers answer it in the API's error format. */
export class EmulatorError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly exception: string,
  ) {
    super(message);
  }
}

const ACTIVATION_CODE = /^\d{4}-\d{4}-\d{4}-\d{4}-\d{4}$/;

export interface StateOptions {
  now: () => Date;
  /** Activation codes the emulator knows; when absent, any well-formed code installs the default product. */
  activationCodes?: Record<string, LicenceTemplate>;
  /** Serial numbers of hardware keys "connected" to this server, for installs with BlankKeyNo. */
  hardwareKeys?: number[];
  /** How long a session lives without activity (default 15 minutes). */
  sessionLifetimeMs?: number;
}

/** The emulated licensing server's data: licences with user memory, connections, sessions. */
export class LicenceServerState {
  readonly licences = new Map<number, StoredLicence>();
  readonly connections = new Map<string, Connection>();
  readonly sessions = new Map<string, Session & { ClientSessionID?: string }>();
  #sessionNumber = 0;
  readonly #options: StateOptions;

  constructor(options: StateOptions) {
    this.#options = options;
  }

  /** The emulator's current time. */
  now(): Date {
    return this.#options.now();
  }

  /** A licence with DaysLeft, ExpireDate and Expired computed for the current time. */
  view(stored: StoredLicence): Licence {
    const l = stored.licence;
    const start = l.StartDate ?? l.ActivationDate;
    let expire: Date | null = null;
    if (l.Period > 0 && start) expire = new Date(Date.parse(start) + l.Period * DAY);
    const now = this.now().getTime();
    return {
      ...l,
      ExpireDate: expire ? expire.toISOString() : null,
      DaysLeft: expire ? Math.max(0, Math.ceil((expire.getTime() - now) / DAY)) : null,
      Expired: expire ? now >= expire.getTime() : false,
    } as Licence;
  }

  /** All installed licences, as {@link LicenceServerState.view} shows them. */
  list(): Licence[] {
    return [...this.licences.values()].map((s) => this.view(s));
  }

  /** The stored licence with this key number; an `ELicenceNotFound` error (404) when there is none. */
  get(keyNo: number): StoredLicence {
    const stored = this.licences.get(keyNo);
    if (!stored)
      throw new EmulatorError(404, `Licence ${keyNo} was not found.`, "ELicenceNotFound");
    return stored;
  }

  /** Installs a licence from an activation code (and a connected hardware key, if named). */
  install(req: LicenceInstallRequest): Licence {
    const code = req.ActivationCodeString;
    if (!ACTIVATION_CODE.test(code)) {
      throw new EmulatorError(
        400,
        "The activation code must be five groups of four digits.",
        "EActivationError",
      );
    }
    const known = this.#options.activationCodes;
    const template = known ? known[code] : DEFAULT_TEMPLATE;
    if (!template)
      throw new EmulatorError(400, "The activation code is not valid.", "EActivationError");
    for (const s of this.licences.values()) {
      if (s.licence.ActivationCode === code) {
        throw new EmulatorError(
          400,
          "A licence with this activation code is already installed.",
          "EActivationError",
        );
      }
    }
    if (
      req.BlankKeyNo !== null &&
      req.BlankKeyNo !== undefined &&
      !(this.#options.hardwareKeys ?? []).includes(req.BlankKeyNo)
    ) {
      throw new EmulatorError(
        400,
        `Hardware key ${req.BlankKeyNo} is not connected.`,
        "EKeyNotFound",
      );
    }
    const digest = createHash("sha256").update(code).digest();
    let keyNo = 7_000_000 + (digest.readUInt32BE(0) % 1_000_000);
    while (this.licences.has(keyNo)) keyNo++;
    const now = this.now().toISOString();
    const stored: StoredLicence = {
      licence: {
        Type: req.BlankKeyNo ? "USB" : "Virtual",
        FileName: `/var/1C/licence/3.0/${template.KeyID}.${keyNo}.licence`,
        Enabled: true,
        IsBlank: false,
        Workable: true,
        OpenError: null,
        Version: "6",
        KeyNo: keyNo,
        KeyID: template.KeyID,
        RegNo: template.RegNo ?? 100 + (digest[4]! % 900),
        KeyType: template.KeyType ?? 3,
        ServiceType: 0,
        LicenceCount: template.LicenceCount,
        ProductVersion: 0,
        BlankKeyNo: req.BlankKeyNo ?? null,
        ActivationCode: code,
        ActivationDate: now,
        // A time-limited licence runs from its activation; an unlimited one (Period 0) has no
        // start date, as in the document's example (3.0.34 doc, lines 388-394).
        StartDate: template.Period > 0 ? now : null,
        Period: template.Period,
        Flags: template.Flags ?? "0".repeat(32),
        ITN: req.ITN,
        IEC: req.IEC ?? null,
        ProductName: template.ProductName,
        Article: template.Article,
        ArticleName: template.ArticleName,
      } as StoredLicence["licence"],
      memory: { value: "", readPassword: "", writePassword: "" },
    };
    this.licences.set(keyNo, stored);
    return this.view(stored);
  }

  /** Adds a licence as it is (used for seed data and tests). */
  add(licence: StoredLicence["licence"]): void {
    this.licences.set(licence.KeyNo, {
      licence,
      memory: { value: "", readPassword: "", writePassword: "" },
    });
  }

  /** Marks every licence as updated now and returns them all. */
  update(): Licence[] {
    const now = this.now().toISOString();
    for (const s of this.licences.values()) {
      (s.licence as Record<string, unknown>).UpdateDate = now;
      (s.licence as Record<string, unknown>).Recovered = false;
    }
    return this.list();
  }

  /** Reads a licence's user memory; the read password must match. */
  readMemory(keyNo: number, password: string): string {
    const { memory } = this.get(keyNo);
    if (password !== memory.readPassword)
      throw new EmulatorError(403, "The read password is wrong.", "EAccessDenied");
    return memory.value;
  }

  /** Writes a licence's user memory; the write password must match. */
  writeMemory(keyNo: number, password: string, value: string): void {
    const { memory } = this.get(keyNo);
    if (password !== memory.writePassword)
      throw new EmulatorError(403, "The write password is wrong.", "EAccessDenied");
    memory.value = value;
  }

  /** Replaces the read and write passwords of a licence's user memory; the current ones must match. */
  setMemoryPasswords(
    keyNo: number,
    p: { read: string; write: string; newRead: string; newWrite: string },
  ): void {
    const { memory } = this.get(keyNo);
    if (p.read !== memory.readPassword || p.write !== memory.writePassword) {
      throw new EmulatorError(403, "The current passwords are wrong.", "EAccessDenied");
    }
    memory.readPassword = p.newRead;
    memory.writePassword = p.newWrite;
  }

  /** Clears a licence's user memory and its passwords. */
  resetMemory(keyNo: number): void {
    this.get(keyNo).memory = { value: "", readPassword: "", writePassword: "" };
  }

  #expiry(): string {
    return new Date(
      this.now().getTime() + (this.#options.sessionLifetimeMs ?? 15 * 60 * 1000),
    ).toISOString();
  }

  /** A session with `Expired` computed for the current time. */
  sessionView(s: Session): Session {
    const expired = Date.parse(s.ExpireTime) <= this.now().getTime();
    return { ...s, Expired: expired ? "True" : "False" } as Session;
  }

  /** A connection with `Expired` computed for the current time. */
  connectionView(c: Connection): Connection {
    const expired = Date.parse(c.ExpireTime) <= this.now().getTime();
    return { ...c, Expired: expired ? "True" : "False" } as Connection;
  }

  #inUse(keyNo: number): number {
    let n = 0;
    for (const s of this.sessions.values()) {
      if (s.UsedLicence === keyNo && this.sessionView(s).Expired === "False") n++;
    }
    return n;
  }

  /** POST /api/sessions: the existing session for a ClientSessionID, or a new one holding a free licence. */
  createSession(req: SessionCreateRequest, peer: string): { created: boolean; licence: Licence } {
    for (const s of this.sessions.values()) {
      if (s.ClientSessionID === req.ClientSessionID) {
        s.ExpireTime = this.#expiry();
        return { created: false, licence: this.view(this.get(s.UsedLicence)) };
      }
    }
    const candidate = [...this.licences.values()].find((s) => {
      const v = this.view(s);
      return (
        v.KeyID === req.KeyID &&
        v.Enabled &&
        v.Workable &&
        !v.Expired &&
        (req.KeyNo === undefined || req.KeyNo === null || v.KeyNo === req.KeyNo) &&
        (req.ITN === undefined || req.ITN === null || v.ITN === req.ITN) &&
        (req.IEC === undefined || req.IEC === null || v.IEC === req.IEC) &&
        this.#inUse(v.KeyNo) < v.LicenceCount
      );
    });
    if (!candidate) {
      throw new EmulatorError(
        404,
        `No free licence of series ${req.KeyID} matches the request.`,
        "ELicenceNotFound",
      );
    }
    const connection = this.#connectionFor(peer, req);
    const id = randomBytes(16).toString("hex").toUpperCase();
    this.#sessionNumber++;
    const session = {
      ID: id,
      SessionNumber: String(this.#sessionNumber),
      IsServer: false,
      InfoBaseConnectionStr: req.InfoBaseName ? `File="${req.InfoBaseName}";` : "",
      AppName: req.AppName,
      ComputerName: req.ComputerName ?? "",
      UserName: req.UserName ?? null,
      SessionStarted: normaliseTime(req.SessionStarted) ?? this.now().toISOString(),
      SessionConnection: connection.ID,
      AccessCode: req.AccessCode ?? null,
      ExpireTime: this.#expiry(),
      Expired: "False",
      KeyID: req.KeyID,
      UsedLicence: candidate.licence.KeyNo,
      ClientSessionID: req.ClientSessionID,
    } as Session & { ClientSessionID: string };
    this.sessions.set(id, session);
    return { created: true, licence: this.view(candidate) };
  }

  #connectionFor(peer: string, req: SessionCreateRequest): Connection {
    const now = this.now().toISOString();
    for (const c of this.connections.values()) {
      if (c.PeerIP === peer && c.ModuleName === "external API") {
        c.LastUsed = now;
        c.ExpireTime = this.#expiry();
        return c;
      }
    }
    const c = {
      ID: randomBytes(16).toString("hex").toUpperCase(),
      PeerIP: peer,
      Created: now,
      LastUsed: now,
      OSVersion: "",
      ComputerName: req.ComputerName ?? "",
      LocalIP: peer,
      Process: req.AppName,
      CPU: "x86_64",
      PID: "0",
      IsServer: false,
      PlatformVersion: "",
      ModuleName: "external API",
      Version: "",
      KeyID: req.KeyID,
      ExpireTime: this.#expiry(),
      Expired: "False",
    } as Connection;
    this.connections.set(c.ID, c);
    return c;
  }

  /** A session as the API shows it (the ClientSessionID is internal). */
  publicSession(s: Session & { ClientSessionID?: string }): Session {
    const { ClientSessionID: _hidden, ...rest } = s;
    return this.sessionView(rest as Session);
  }
}

/** "2020-01-01T12:52:20" (no zone, as the document's example) is read as UTC. */
function normaliseTime(text: string | null | undefined): string | undefined {
  if (!text) return undefined;
  const withZone = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const t = Date.parse(withZone);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}
