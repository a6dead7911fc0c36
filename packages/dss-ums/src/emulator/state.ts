import { randomBytes, randomInt, randomUUID } from "node:crypto";
import type {
  CryptoProviderInfo,
  DSSActionsName,
  DssTokenInfo,
  DssUserInfo,
  IdentifierTypeName,
  RdnInfo,
} from "../generated/ums/types.gen.js";
import { UmsEmulatorError } from "./errors.js";
import { AUTH_METHODS, type AuthMethodName, LOCAL_ISSUER } from "./policy.js";

/** An authentication token (an authenticator) the service knows: OATH token, SIM card, myDSS key. */
export interface StoredToken {
  id: number;
  serial: string;
  type: "HOTP" | "TOTP" | "SimAuth" | "MobileAuth";
  /** The holder's internal id; undefined while the token is not assigned. */
  userId?: string;
  parameters: Record<string, string>;
}

/** The SIM card of a user (SimAuth). */
export interface StoredSimCard {
  tokenId: number;
  iccId: string;
  profileId: string;
  activationCode: string;
  lastKnownStatus: number;
  /** Ids of the applet activations asked for, in order. */
  activations: string[];
}

/** The myDSS key of a user (MobileAuth). */
export interface StoredMobileKey {
  tokenId: number;
  externalUserId: string;
  contact: string;
  contactType: "PhoneNumber" | "EmailAddress";
  keyExpiration: Date;
  /** The thumbprint of the user's device (SOAP SetMobileAuthDeviceThumbprint), once set. */
  deviceThumbprint?: string;
}

/** A user account of the emulated identity centre. */
export interface UmsUser {
  id: string;
  login: string;
  phone: string | null;
  phoneConfirmed: boolean;
  email: string | null;
  emailConfirmed: boolean;
  displayName: string | null;
  distinguishedName: string | null;
  dnComponents: Record<number, string>;
  locked: boolean;
  lockoutDate: Date | null;
  group: string;
  created: Date;
  lastLogin: Date | null;
  externalLogins: { Login: string; IssuerName: string }[];
  /** Method URI → step, in the order assigned. */
  scheme: Map<string, number>;
  /** Actions the user must confirm. */
  confirm: Set<DSSActionsName>;
  /** Set by resetPassword; never shown anywhere but in that answer. */
  password: string | null;
  oathTokenId?: number;
  sim?: StoredSimCard;
  mobile?: StoredMobileKey;
}

/** What the state is set up with. */
export interface UmsStateOptions {
  now: () => Date;
  identifierTypes: readonly IdentifierTypeName[];
  groups: readonly string[];
  rdns: readonly RdnInfo[];
  cryptoProviders: readonly CryptoProviderInfo[];
  /** The shortest KeyInfoPinCode accepted (myDSS SecondKeyPartLength). */
  pinLength: number;
  /** Lifetime of a myDSS key in days. */
  mobileKeyDays: number;
}

/** Called when an account changes, e.g. to keep the identity centre's sign-in data in step. */
export interface UmsAccountHooks {
  /** After a user is registered. */
  created?(user: UmsUser): void;
  /** After a user is removed. */
  deleted?(user: UmsUser): void;
  /** After a user's password is reset, with the new password. */
  passwordReset?(user: UmsUser, password: string): void;
  /** After a user is locked or unlocked. */
  lockChanged?(user: UmsUser): void;
  /** After a method is put into or taken out of a user's authentication scheme. */
  schemeChanged?(user: UmsUser): void;
}

const PHONE = /^\+?[0-9]{10,15}$/;
const EMAIL = /^[^@\s]+@[^@\s]+$/;
const ICCID = /^[0-9]{18,22}$/;
const OTP = /^[0-9]{6,8}$/;
const PASSWORD_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
const PASSWORD_SIGNS = "$#!%&*";

/** A DSS date-time: ISO 8601 in UTC without the zone, as the service writes it (guide, line 7309). */
export function dssDate(d: Date): string {
  return d.toISOString().replace(/Z$/, "");
}

/** A DSS date-time read back (no zone means UTC); NaN when it is not one. */
export function parseDssDate(text: string): number {
  const zoned = /(Z|[+-][0-9]{2}:[0-9]{2})$/.test(text) ? text : `${text}Z`;
  return Date.parse(zoned.replace(" ", "T"));
}

const phoneKey = (phone: string) => phone.replace(/\D/g, "");
const textKey = (text: string) => text.toLowerCase();

/**
 * The in-memory data of the emulated user management service: users and their identifiers (each
 * unique per type), groups, authentication data and scheme, confirmation policy, lock state, and
 * the authentication tokens. Handlers call it; it does no I/O.
 */
export class UmsState {
  readonly options: UmsStateOptions;
  /** Users by internal id, in the order they were made (the order searches page through). */
  readonly users = new Map<string, UmsUser>();
  readonly tokens = new Map<number, StoredToken>();
  /** Told of account changes (replaceable, e.g. while importing accounts). */
  hooks: UmsAccountHooks;
  readonly #byLogin = new Map<string, string>();
  readonly #byPhone = new Map<string, string>();
  readonly #byEmail = new Map<string, string>();
  readonly #byExternal = new Map<string, string>();
  #nextTokenId = 1;
  #nextActivation = 8225867;

  constructor(options: UmsStateOptions, hooks: UmsAccountHooks = {}) {
    this.options = options;
    this.hooks = hooks;
  }

  /** The user with this internal id. @throws UmsEmulatorError UserNotFound */
  user(id: string): UmsUser {
    const user = this.users.get(id) ?? this.users.get(id.toLowerCase());
    if (!user) throw new UmsEmulatorError("UserNotFound", `No user has the id "${id}".`);
    return user;
  }

  /** The user with this login, phone number or e-mail address, or undefined. */
  find(type: IdentifierTypeName, value: string): UmsUser | undefined {
    const index =
      type === "Login" ? this.#byLogin : type === "PhoneNumber" ? this.#byPhone : this.#byEmail;
    const key = type === "PhoneNumber" ? phoneKey(value) : textKey(value);
    const id = index.get(key);
    return id === undefined ? undefined : this.users.get(id);
  }

  /** The group id the GroupId filter column compares with: 1 for the first group, and so on. */
  groupId(name: string): number {
    return this.options.groups.indexOf(name) + 1;
  }

  /**
   * Registers a user. With no Login the phone number, or else the e-mail address, is the login
   * (chapter 8 registers SIM card users by MSISDN, lines 13834-13836).
   */
  createUser(
    identifiers: Partial<Record<IdentifierTypeName, string>>,
    group: string,
    options: { imported?: boolean } = {},
  ): UmsUser {
    const entries = Object.entries(identifiers) as [IdentifierTypeName, string][];
    if (entries.length === 0) {
      throw new UmsEmulatorError("IdentifierRequired", "At least one identifier is required.");
    }
    for (const [type, value] of entries) {
      // An account taken over from the identity centre keeps its login, whatever its form.
      if (options.imported) {
        if (this.find(type, value))
          throw new UmsEmulatorError(
            "DuplicateIdentifier",
            `Another user already has this ${type}.`,
          );
        continue;
      }
      if (!this.options.identifierTypes.includes(type)) {
        throw new UmsEmulatorError(
          "IdentifierTypeNotAllowed",
          `Users are not registered by ${type} here (see the policy's AvaliableIdentifierTypes).`,
        );
      }
      this.#checkIdentifier(type, value, undefined);
    }
    const login = identifiers.Login ?? identifiers.PhoneNumber ?? identifiers.Email!;
    if (identifiers.Login === undefined && !options.imported) {
      this.#checkIdentifier("Login", login, undefined);
    }
    this.#checkGroup(group);
    const now = this.options.now();
    const user: UmsUser = {
      id: randomUUID(),
      login,
      phone: identifiers.PhoneNumber ?? null,
      phoneConfirmed: false,
      email: identifiers.Email ?? null,
      emailConfirmed: false,
      displayName: null,
      distinguishedName: null,
      dnComponents: {},
      locked: false,
      lockoutDate: null,
      group,
      created: now,
      // A new account's last sign-in equals its creation in every example (lines 7307-7309).
      lastLogin: now,
      externalLogins: [],
      scheme: new Map(),
      confirm: new Set(),
      password: null,
    };
    this.users.set(user.id, user);
    this.#byLogin.set(textKey(login), user.id);
    if (user.phone !== null) this.#byPhone.set(phoneKey(user.phone), user.id);
    if (user.email !== null) this.#byEmail.set(textKey(user.email), user.id);
    this.hooks.created?.(user);
    return user;
  }

  /** Deletes a user; an unknown id is not an error (guide, line 13231). Tokens go back to the pool. */
  deleteUser(id: string): void {
    const user = this.users.get(id) ?? this.users.get(id.toLowerCase());
    if (!user) return;
    this.users.delete(user.id);
    this.#byLogin.delete(textKey(user.login));
    if (user.phone !== null) this.#byPhone.delete(phoneKey(user.phone));
    if (user.email !== null) this.#byEmail.delete(textKey(user.email));
    for (const e of user.externalLogins) this.#byExternal.delete(externalKey(e));
    if (user.oathTokenId !== undefined) this.#release(user.oathTokenId);
    if (user.sim) this.tokens.delete(user.sim.tokenId);
    if (user.mobile) this.tokens.delete(user.mobile.tokenId);
    this.hooks.deleted?.(user);
  }

  /** The user as DssUserInfo (guide, Table 67). */
  info(user: UmsUser): DssUserInfo {
    return {
      UserId: user.id,
      Login: user.login,
      PhoneNumber: user.phone,
      Email: user.email,
      PhoneConfirmed: user.phoneConfirmed,
      EmailConfirmed: user.emailConfirmed,
      DisplayName: user.displayName,
      DistinguishName: user.distinguishedName,
      AccountLocked: user.locked,
      Group: user.group,
      CreationDate: dssDate(user.created),
      LockoutDate: user.lockoutDate ? dssDate(user.lockoutDate) : null,
      LastLoginDate: user.lastLogin ? dssDate(user.lastLogin) : null,
    };
  }

  /** Links a login of another issuer to the user; fails when it is empty or linked to another user. */
  addExternalLogin(user: UmsUser, login: string, issuer: string): void {
    if (login.trim() === "" || issuer.trim() === "") {
      throw new UmsEmulatorError("InvalidIdentifier", "Login and IssuerName must not be empty.");
    }
    const entry = { Login: login, IssuerName: issuer };
    const owner = this.#byExternal.get(externalKey(entry));
    if (owner === user.id) return;
    if (owner !== undefined) {
      throw new UmsEmulatorError(
        "DuplicateExternalLogin",
        `The login "${login}" of ${issuer} is linked to another user.`,
      );
    }
    user.externalLogins.push(entry);
    this.#byExternal.set(externalKey(entry), user.id);
  }

  /** The user's own login at the identity centre, then the linked ones (guide, lines 7423-7425). */
  externalLogins(user: UmsUser): { Login: string; IssuerName: string }[] {
    return [...user.externalLogins, { Login: user.login, IssuerName: LOCAL_ISSUER }];
  }

  /** Sets the user's phone number; a changed number is no longer confirmed. */
  setPhone(user: UmsUser, phone: string): void {
    this.#checkIdentifier("PhoneNumber", phone, user);
    if (user.phone !== null) this.#byPhone.delete(phoneKey(user.phone));
    if (user.phone === null || phoneKey(user.phone) !== phoneKey(phone))
      user.phoneConfirmed = false;
    user.phone = phone;
    this.#byPhone.set(phoneKey(phone), user.id);
  }

  /** Removes the user's phone number; refused while users register by phone or the scheme uses SMS codes. */
  deletePhone(user: UmsUser): void {
    this.#checkRemovable("PhoneNumber", user, "otpviasms");
    if (user.phone !== null) this.#byPhone.delete(phoneKey(user.phone));
    user.phone = null;
    user.phoneConfirmed = false;
  }

  /** Sets the user's email address; a changed address is no longer confirmed. */
  setEmail(user: UmsUser, email: string): void {
    this.#checkIdentifier("Email", email, user);
    if (user.email !== null) this.#byEmail.delete(textKey(user.email));
    if (user.email === null || textKey(user.email) !== textKey(email)) user.emailConfirmed = false;
    user.email = email;
    this.#byEmail.set(textKey(email), user.id);
  }

  /** Removes the user's email address; refused while users register by email or the scheme uses email codes. */
  deleteEmail(user: UmsUser): void {
    this.#checkRemovable("Email", user, "otpviaemail");
    if (user.email !== null) this.#byEmail.delete(textKey(user.email));
    user.email = null;
    user.emailConfirmed = false;
  }

  /** Adds an unassigned OATH token to the pool, as an administrator imports tokens. */
  importToken(serial: string, type: "HOTP" | "TOTP"): StoredToken {
    const existing = this.tokenBySerial(serial);
    if (existing) return existing;
    return this.#addToken({ serial, type, parameters: oathParameters(type) });
  }

  /**
   * Assigns an OATH token, synchronised by two consecutive one-time passwords (a TOTP token by
   * one: SecondOtp null, guide, lines 9546-9549). A serial the service does not know is imported
   * on the way, as TOTP when SecondOtp is null, else HOTP.
   */
  setOathToken(user: UmsUser, serial: string, first: string, second: string | null): void {
    if (serial.trim() === "") throw new UmsEmulatorError("InvalidOtp", "Serial must not be empty.");
    if (!OTP.test(first) || (second !== null && !OTP.test(second))) {
      throw new UmsEmulatorError("InvalidOtp", "One-time passwords are 6 to 8 digits.");
    }
    const token =
      this.tokenBySerial(serial) ?? this.importToken(serial, second === null ? "TOTP" : "HOTP");
    if (token.type !== "HOTP" && token.type !== "TOTP") {
      throw new UmsEmulatorError("InvalidOtp", `The token ${serial} is not an OATH token.`);
    }
    if (token.type === "HOTP" && (second === null || second === first)) {
      throw new UmsEmulatorError(
        "InvalidOtp",
        "An HOTP token is synchronised with two consecutive one-time passwords.",
      );
    }
    if (token.userId !== undefined && token.userId !== user.id) {
      throw new UmsEmulatorError("TokenAssigned", `The token ${serial} belongs to another user.`);
    }
    if (user.oathTokenId !== undefined && user.oathTokenId !== token.id)
      this.#release(user.oathTokenId);
    token.userId = user.id;
    user.oathTokenId = token.id;
  }

  /** The user's OATH token; fails when the user has none. */
  oathToken(user: UmsUser): StoredToken {
    const token = user.oathTokenId === undefined ? undefined : this.tokens.get(user.oathTokenId);
    if (!token) throw missing(user, "an OATH token");
    return token;
  }

  /** Removes the user's OATH token; refused while the scheme uses it. */
  deleteOathToken(user: UmsUser): void {
    this.#checkMethodFree(user, "oath", "the OATH token");
    if (user.oathTokenId !== undefined) this.#release(user.oathTokenId);
    delete user.oathTokenId;
  }

  /** Assigns a SIM card (by ICCID) with a crypto provider profile (default: the policy's first). */
  setSimCard(user: UmsUser, iccId: string, profileId: string | undefined): void {
    if (!ICCID.test(iccId)) {
      throw new UmsEmulatorError("InvalidIccId", "An ICCID is 18 to 22 digits.");
    }
    const providers = this.options.cryptoProviders;
    const profile =
      profileId === undefined
        ? providers[0]
        : providers.find((p) => p.Id.toLowerCase() === profileId.toLowerCase());
    if (!profile) {
      throw new UmsEmulatorError(
        "CryptoProviderNotFound",
        profileId === undefined
          ? "The policy lists no crypto provider profile for SIM cards."
          : `No crypto provider profile has the id ${profileId} (see the policy's CryptoProviders).`,
      );
    }
    const holder = this.tokenBySerial(iccId);
    if (holder && holder.userId !== user.id) {
      throw new UmsEmulatorError("TokenAssigned", "This SIM card belongs to another user.");
    }
    if (user.sim) this.tokens.delete(user.sim.tokenId);
    const token = this.#addToken({
      serial: iccId,
      type: "SimAuth",
      userId: user.id,
      parameters: { ProfileId: profile.Id },
    });
    user.sim = {
      tokenId: token.id,
      iccId,
      profileId: profile.Id,
      activationCode: String(randomInt(10_000_000, 100_000_000)),
      lastKnownStatus: 0,
      activations: [],
    };
  }

  /** The user's SIM card; fails when the user has none. */
  simCard(user: UmsUser): StoredSimCard {
    if (!user.sim) throw missing(user, "a SIM card");
    return user.sim;
  }

  /** Removes the user's SIM card; refused while the scheme uses it. */
  deleteSimCard(user: UmsUser): void {
    this.#checkMethodFree(user, "simauth", "the SIM card");
    if (user.sim) this.tokens.delete(user.sim.tokenId);
    delete user.sim;
  }

  /** Asks the SIM applet to activate; the answer's transaction id (guide, lines 14000-14034). */
  activateSimCard(user: UmsUser): string {
    const sim = this.simCard(user);
    const id = String(this.#nextActivation++);
    sim.activations.push(id);
    return id;
  }

  /** Enrols the user in myDSS, or with `renew` gives it a new key. */
  setMobileKey(
    user: UmsUser,
    contact: string,
    contactType: "PhoneNumber" | "EmailAddress",
    xml: { pin: string | undefined } | undefined,
    renew: boolean,
  ): { key: StoredMobileKey; qrCode: string; xmlKeyInfo?: string } {
    if (renew && !user.mobile) throw missing(user, "a myDSS key");
    if (!renew && user.mobile) {
      throw new UmsEmulatorError(
        "AuthenticationDataExists",
        "The user already has a myDSS key: renew it with PATCH …/mobileauth.",
      );
    }
    const valid = contactType === "PhoneNumber" ? PHONE.test(contact) : EMAIL.test(contact);
    if (!valid) {
      throw new UmsEmulatorError(
        "InvalidIdentifier",
        contactType === "PhoneNumber"
          ? "UserContactInfo is not a phone number."
          : "UserContactInfo is not an e-mail address.",
      );
    }
    if (xml && (xml.pin ?? "").length < this.options.pinLength) {
      throw new UmsEmulatorError(
        "PinTooShort",
        `KeyInfoPinCode must be at least ${this.options.pinLength} characters long.`,
      );
    }
    const now = this.options.now();
    const keyExpiration = new Date(
      Date.UTC(
        now.getUTCFullYear(),
        now.getUTCMonth(),
        now.getUTCDate() + this.options.mobileKeyDays,
      ),
    );
    let key = user.mobile;
    if (key) {
      key.contact = contact;
      key.contactType = contactType;
      key.keyExpiration = keyExpiration;
    } else {
      const externalUserId = randomUUID();
      const token = this.#addToken({
        serial: externalUserId,
        type: "MobileAuth",
        userId: user.id,
        parameters: {},
      });
      key = { tokenId: token.id, externalUserId, contact, contactType, keyExpiration };
      user.mobile = key;
    }
    this.tokens.get(key.tokenId)!.parameters.KeyExpirationTime = dssDate(keyExpiration);
    return {
      key,
      qrCode: QR_PLACEHOLDER,
      ...(xml ? { xmlKeyInfo: xmlKeyInfo(key, user) } : {}),
    };
  }

  /**
   * Binds the user's myDSS key to a device by its thumbprint (SOAP SetMobileAuthDeviceThumbprint,
   * guide §4.1.22; REST has no route for it). The thumbprint shows in the key's token parameters
   * as `DeviceThumbprint`, which the token search answers. Fails when the user has no myDSS key.
   */
  setMobileDeviceThumbprint(user: UmsUser, thumbprint: string): void {
    const key = this.mobileKey(user);
    const value = thumbprint.trim();
    if (!/^[0-9A-Za-z+/=_-]{1,256}$/.test(value)) {
      throw new UmsEmulatorError(
        "InvalidThumbprint",
        "deviceThumbprint is 1 to 256 hexadecimal or base64 characters.",
      );
    }
    key.deviceThumbprint = value;
    const token = this.tokens.get(key.tokenId);
    if (token) token.parameters.DeviceThumbprint = value;
  }

  /** The user's myDSS key; fails when the user has none. */
  mobileKey(user: UmsUser): StoredMobileKey {
    if (!user.mobile) throw missing(user, "a myDSS key");
    return user.mobile;
  }

  /** Removes the user's myDSS key; refused while the scheme uses it. */
  deleteMobileKey(user: UmsUser): void {
    this.#checkMethodFree(user, "mobile", "the myDSS key");
    if (user.mobile) this.tokens.delete(user.mobile.tokenId);
    delete user.mobile;
  }

  /**
   * Puts a method into the user's scheme at a step. A method needs its data first: the phone for
   * otpviasms, the e-mail for otpviaemail, the OATH token, the SIM card, the myDSS key.
   */
  assignMethod(user: UmsUser, method: AuthMethodName, level: number): void {
    if (!Number.isInteger(level) || level < 0 || level > 9) {
      throw new UmsEmulatorError("InvalidLevel", "level is a step from 0 to 9.");
    }
    const needs: Partial<Record<AuthMethodName, [boolean, string]>> = {
      otpviasms: [user.phone !== null, "a phone number"],
      otpviaemail: [user.email !== null, "an e-mail address"],
      oath: [user.oathTokenId !== undefined, "an OATH token"],
      simauth: [user.sim !== undefined, "a SIM card"],
      mobile: [user.mobile !== undefined, "a myDSS key"],
    };
    const need = needs[method];
    if (need && !need[0]) {
      throw new UmsEmulatorError(
        "AuthenticationDataMissing",
        `The ${method} method needs ${need[1]}: set it first.`,
      );
    }
    const uri = AUTH_METHODS[method];
    user.scheme.delete(uri);
    user.scheme.set(uri, level);
    this.hooks.schemeChanged?.(user);
  }

  /** Takes a method out of the scheme; one that is not in it is no error. */
  removeMethod(user: UmsUser, method: AuthMethodName): void {
    if (user.scheme.delete(AUTH_METHODS[method])) this.hooks.schemeChanged?.(user);
  }

  /** The scheme as AuthenticationInfo, by step (guide, lines 8412-8416). */
  scheme(user: UmsUser): { MethodUri: string; Level: number }[] {
    return [...user.scheme]
      .map(([MethodUri, Level]) => ({ MethodUri, Level }))
      .sort((a, b) => a.Level - b.Level);
  }

  /** Locks or unlocks the user's account. */
  setLocked(user: UmsUser, lock: boolean): void {
    if (user.locked === lock) return;
    user.locked = lock;
    // LockoutDate is «дата снятия блокировки» (Table 67): none while locked, the unlock time after.
    user.lockoutDate = lock ? null : this.options.now();
    this.hooks.lockChanged?.(user);
  }

  /**
   * Sets the subject name components, keyed by RdnInfo.Id; the name is written CN first, in the
   * components' Order (e.g. "CN=SampleCN, OU=SampleOU").
   */
  setDistinguishedName(user: UmsUser, components: Record<string, string>): void {
    const rdns = new Map(this.options.rdns.map((r) => [r.Id, r]));
    const values: Record<number, string> = {};
    for (const [key, value] of Object.entries(components)) {
      const rdn = rdns.get(Number(key));
      if (!rdn) {
        throw new UmsEmulatorError(
          "InvalidDistinguishedName",
          `No name component has the id ${key} (see the policy's Rdns).`,
        );
      }
      if (value.length < rdn.MinLength || value.length > rdn.MaxLength) {
        throw new UmsEmulatorError(
          "InvalidDistinguishedName",
          `${rdn.StringIdentifier} must be ${rdn.MinLength} to ${rdn.MaxLength} characters long.`,
        );
      }
      values[rdn.Id] = value;
    }
    for (const rdn of this.options.rdns) {
      if (rdn.Required && values[rdn.Id] === undefined) {
        throw new UmsEmulatorError(
          "InvalidDistinguishedName",
          `${rdn.StringIdentifier} (${rdn.DisplayName}) is required.`,
        );
      }
    }
    user.dnComponents = values;
    user.distinguishedName = this.options.rdns
      .filter((r) => values[r.Id] !== undefined)
      .sort((a, b) => a.Order - b.Order)
      .map((r) => `${r.StringIdentifier}=${values[r.Id]}`)
      .join(", ");
  }

  /**
   * Sets the name the user is shown by (SOAP SetUserProperty with DisplayName, guide §4.1.17;
   * REST has no route for it and shows it as DssUserInfo.DisplayName); null or blank clears it.
   */
  setDisplayName(user: UmsUser, name: string | null): void {
    const value = name?.trim() ?? "";
    if (value.length > 256) {
      throw new UmsEmulatorError("InvalidProperty", "DisplayName is at most 256 characters long.");
    }
    user.displayName = value === "" ? null : value;
  }

  /** Moves the user to a group the policy knows. */
  setGroup(user: UmsUser, group: string): void {
    this.#checkGroup(group);
    user.group = group;
  }

  /**
   * A new random password by a simple policy (8 characters: letters, digits and one sign, like
   * "R$rif43L", line 12568), assigned and returned.
   */
  resetPassword(user: UmsUser): string {
    const chars = Array.from(
      { length: 8 },
      () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]!,
    );
    chars[1 + randomInt(6)] = PASSWORD_SIGNS[randomInt(PASSWORD_SIGNS.length)]!;
    chars[7] = String(2 + randomInt(8));
    const password = chars.join("");
    user.password = password;
    this.hooks.passwordReset?.(user, password);
    return password;
  }

  /** A token as DssTokenInfo (guide, Table 80). */
  tokenInfo(token: StoredToken): DssTokenInfo {
    const holder = token.userId === undefined ? undefined : this.users.get(token.userId);
    return {
      Id: token.id,
      Serial: token.serial,
      UserName: holder ? holder.login : null,
      TokenType: token.type,
      Parameters: { ...token.parameters },
    };
  }

  #addToken(init: Omit<StoredToken, "id">): StoredToken {
    const token: StoredToken = { id: this.#nextTokenId++, ...init };
    this.tokens.set(token.id, token);
    return token;
  }

  /** The token with this serial (compared without regard to case), or undefined. */
  tokenBySerial(serial: string): StoredToken | undefined {
    for (const t of this.tokens.values())
      if (t.serial.toLowerCase() === serial.toLowerCase()) return t;
    return undefined;
  }

  #release(tokenId: number): void {
    const token = this.tokens.get(tokenId);
    if (token) delete token.userId;
  }

  #checkIdentifier(type: IdentifierTypeName, value: string, self: UmsUser | undefined): void {
    const ok =
      type === "PhoneNumber"
        ? PHONE.test(value)
        : type === "Email"
          ? EMAIL.test(value)
          : value.trim() !== "" && value.length <= 256 && !/[\s/\\]/.test(value);
    if (!ok) {
      const what =
        type === "PhoneNumber"
          ? "a phone number (10 to 15 digits, optionally after +)"
          : type === "Email"
            ? "an e-mail address"
            : "a login (1 to 256 characters, no spaces or slashes)";
      throw new UmsEmulatorError("InvalidIdentifier", `The ${type} value is not ${what}.`);
    }
    const owner = this.find(type, value);
    if (owner && owner !== self) {
      throw new UmsEmulatorError(
        "DuplicateIdentifier",
        `Another user already has this ${type === "PhoneNumber" ? "phone number" : type === "Email" ? "e-mail address" : "login"}.`,
      );
    }
  }

  #checkGroup(group: string): void {
    if (!this.options.groups.includes(group)) {
      throw new UmsEmulatorError(
        "GroupNotFound",
        `There is no group "${group}" (see the policy's Groups).`,
      );
    }
  }

  /** Phone and e-mail may go only when users are not registered by them (guide, lines 7579-7583). */
  #checkRemovable(type: "PhoneNumber" | "Email", user: UmsUser, method: AuthMethodName): void {
    if (this.options.identifierTypes.includes(type)) {
      throw new UmsEmulatorError(
        "IdentifierInUse",
        `The ${type === "PhoneNumber" ? "phone number" : "e-mail address"} cannot be deleted while ${type} is an identifier type users are registered with (guide, §5.3.${type === "PhoneNumber" ? "10" : "13"}).`,
      );
    }
    this.#checkMethodFree(
      user,
      method,
      type === "PhoneNumber" ? "the phone number" : "the e-mail address",
    );
  }

  #checkMethodFree(user: UmsUser, method: AuthMethodName, what: string): void {
    if (user.scheme.has(AUTH_METHODS[method])) {
      throw new UmsEmulatorError(
        "AuthenticationDataInUse",
        `The ${method} method of the user's scheme uses ${what}: remove the method first.`,
      );
    }
  }
}

function externalKey(e: { Login: string; IssuerName: string }): string {
  return `${e.IssuerName.toLowerCase()}\u0000${e.Login.toLowerCase()}`;
}

function missing(user: UmsUser, what: string): UmsEmulatorError {
  return new UmsEmulatorError(
    "AuthenticationDataMissing",
    `The user ${user.login} has no ${what}.`,
  );
}

function oathParameters(type: "HOTP" | "TOTP"): Record<string, string> {
  return type === "HOTP"
    ? { Digits: "6", Crypto: "SHA1", LookAheadWindow: "10", IterationNumber: "1" }
    : { Digits: "6", Crypto: "SHA1", TimeStep: "30" };
}

/**
 * The QR code of a myDSS enrolment: a 1×1 GIF, since the emulator has no myDSS server to enrol
 * with (the guide's answers carry a GIF, "R0lGO…", abridged: lines 8200, 15100).
 */
export const QR_PLACEHOLDER = "R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==";

/** The XML key vector of a myDSS enrolment, in the shape of the guide's (lines 8202-8222); its key is random. */
function xmlKeyInfo(key: StoredMobileKey, user: UmsUser): string {
  const exp = key.keyExpiration.toISOString().slice(0, 10);
  return (
    '<keyData xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
    `<systemId>${key.externalUserId}</systemId><userId>${user.id}</userId><expDate>${exp}</expDate>` +
    "<withFingerPrint>false</withFingerPrint><storeType>DSS</storeType>" +
    `<encryptedKey>${randomBytes(96).toString("base64")}</encryptedKey></keyData>`
  );
}
