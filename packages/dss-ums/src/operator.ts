import {
  createDssSignClient,
  createDssStsClient,
  type DssSignClient,
  type DssStsClient,
  delegatedTokenProvider,
  deleteCertificate,
  deleteRequest,
  listCertificates,
  listRequests,
  type OAuthClientCredentials,
  passwordTokenProvider,
} from "@trustspec/dss";
import {
  ApiError,
  bearerAuth,
  type CallOptions,
  type ClientOptions,
  type TokenProvider,
} from "@trustspec/runtime/core";
import * as ums from "./generated/ums/client.gen.js";
import type {
  DSSActionsName,
  DssUserInfo,
  IdentifierTypeName,
  MobileAuthCreateInfoEx,
  UmsError,
  UserIdentifiers,
} from "./generated/ums/types.gen.js";
import { iterateUsers, type PagingOptions, type UserQuery, userQuery } from "./search.js";

/** The default base path of the user management service on a DSS host (guide, lines 6913-6919). */
export const UMS_PATH = "/STS/ums";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** The parts of an error answer in the service's format (guide, §5.6.5). */
export interface UmsErrorInfo {
  status: number;
  operationId: string;
  /** Message: what went wrong. */
  message: string;
  /** ExceptionType: the server's exception type (the emulator puts its cause code here). */
  exceptionType?: string;
  exceptionMessage?: string;
}

function isUmsErrorBody(body: unknown): body is UmsError {
  return (
    typeof body === "object" && body !== null && typeof (body as UmsError).Message === "string"
  );
}

/** The service's error in `error`, when it is an answer in the §5.6.5 format; otherwise undefined. */
export function umsErrorOf(error: unknown): UmsErrorInfo | undefined {
  if (!(error instanceof ApiError)) return undefined;
  const info: UmsErrorInfo = {
    status: error.status,
    operationId: error.operationId,
    message: isUmsErrorBody(error.body) ? error.body.Message : `HTTP ${error.status}`,
  };
  if (isUmsErrorBody(error.body)) {
    if (error.body.ExceptionType !== undefined) info.exceptionType = error.body.ExceptionType;
    if (error.body.ExceptionMessage !== undefined)
      info.exceptionMessage = error.body.ExceptionMessage;
  }
  return info;
}

/** A step of the operator scenarios failed; `step` names it, `cause` is the error it got. */
export class OperatorScenarioError extends Error {
  readonly step: string;
  /** The user's id, when the account had been made; the account is deleted again unless kept. */
  readonly userId: string | undefined;
  constructor(step: string, userId: string | undefined, cause: unknown) {
    const info = umsErrorOf(cause);
    super(
      `${step} failed${info ? ` with HTTP ${info.status}: ${info.message}` : cause instanceof Error ? `: ${cause.message}` : ""}`,
      { cause },
    );
    this.name = "OperatorScenarioError";
    this.step = step;
    this.userId = userId;
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios on a UMS client
// ---------------------------------------------------------------------------------------------

/** An authentication method of Table 56 by its short name (the path segment of its operation). */
export type MethodName =
  | "idonly"
  | "password"
  | "otpviasms"
  | "otpviaemail"
  | "oath"
  | "simauth"
  | "mobile";

/** One step of an authentication scheme. */
export interface SchemeStep {
  method: MethodName;
  /** The step number (chapter 8: 0 for idonly and 1 for the second factor; §4.4: from 1). */
  level: number;
}

type LevelOp = (
  c: ums.DssUmsClient,
  input: { path: { id: string }; query: { level: number } },
  o?: CallOptions,
) => Promise<unknown>;
type IdOp = (
  c: ums.DssUmsClient,
  input: { path: { id: string } },
  o?: CallOptions,
) => Promise<unknown>;

const ASSIGN: Record<MethodName, LevelOp> = {
  idonly: ums.assignIdOnlyMethod,
  password: ums.assignPasswordMethod,
  otpviasms: ums.assignOtpViaSmsMethod,
  otpviaemail: ums.assignOtpViaEmailMethod,
  oath: ums.assignOathMethod,
  simauth: ums.assignSimAuthMethod,
  mobile: ums.assignMobileAuthMethod,
};

const REMOVE: Record<MethodName, IdOp> = {
  idonly: ums.removeIdOnlyMethod,
  password: ums.removePasswordMethod,
  otpviasms: ums.removeOtpViaSmsMethod,
  otpviaemail: ums.removeOtpViaEmailMethod,
  oath: ums.removeOathMethod,
  simauth: ums.removeSimAuthMethod,
  mobile: ums.removeMobileAuthMethod,
};

/** Puts a method into a user's scheme at a step. */
export function assignMethod(
  c: ums.DssUmsClient,
  userId: string,
  step: SchemeStep,
  call?: CallOptions,
): Promise<unknown> {
  return ASSIGN[step.method](c, { path: { id: userId }, query: { level: step.level } }, call);
}

/** Takes a method out of a user's scheme. */
export function removeMethod(
  c: ums.DssUmsClient,
  userId: string,
  method: MethodName,
  call?: CallOptions,
): Promise<unknown> {
  return REMOVE[method](c, { path: { id: userId } }, call);
}

/** What {@link registerUser} makes. */
export interface RegisterUserOptions {
  /** The identifiers, e.g. `{ Login: "anna" }` or `{ PhoneNumber: "79998887766" }` (guide, lines 12522, 13818). */
  identifiers: UserIdentifiers;
  /** The group; default the operator's own (guide, lines 7126-7134). */
  group?: string;
  /** A phone number for one-time passwords by SMS, set after creation. */
  phoneNumber?: string;
  /** An e-mail address for one-time passwords by e-mail, set after creation. */
  email?: string;
  /**
   * Reset the password and return it, which is how an operator gives a user a password (guide,
   * lines 6360-6362, 12540-12570). Default: when the scheme has the password method.
   */
  resetPassword?: boolean;
  /** The authentication scheme; default the password on step 1 (guide, §8.1.2.1.3, lines 12572-12601). */
  scheme?: readonly SchemeStep[];
  /** Actions the user must confirm with the second factor, e.g. `["SignDocument"]` (guide, lines 13919-13959). */
  confirm?: readonly DSSActionsName[];
  /** Keep the half-made account when a later step fails (default: delete it again). */
  keepOnFailure?: boolean;
}

/** What {@link registerUser} made. */
export interface RegisteredUser {
  userId: string;
  /** The password resetPassword made, when it was asked for. Show it to the user once; do not log it. */
  password?: string;
}

/**
 * Registers a user as chapter 8 does (§8.1.2.1: create the account, reset its password, assign the
 * scheme), with the phone, e-mail and confirmation policy on the way. A failure after the account
 * was made deletes it again (unless `keepOnFailure`) and throws {@link OperatorScenarioError}
 * naming the step.
 */
export async function registerUser(
  c: ums.DssUmsClient,
  options: RegisterUserOptions,
  call?: CallOptions,
): Promise<RegisteredUser> {
  let userId: string | undefined;
  let step = "createUser";
  const scheme = options.scheme ?? [{ method: "password", level: 1 }];
  try {
    userId = (
      options.group === undefined
        ? await ums.createUser(c, { body: options.identifiers }, call)
        : await ums.createUserInGroup(
            c,
            { path: { id: options.group }, body: options.identifiers },
            call,
          )
    ).data;
    const id = { path: { id: userId } };
    if (options.phoneNumber !== undefined) {
      step = "setPhoneNumber";
      await ums.setPhoneNumber(c, { ...id, body: options.phoneNumber }, call);
    }
    if (options.email !== undefined) {
      step = "setEmail";
      await ums.setEmail(c, { ...id, body: options.email }, call);
    }
    let password: string | undefined;
    if (options.resetPassword ?? scheme.some((s) => s.method === "password")) {
      step = "resetPassword";
      password = (await ums.resetPassword(c, id, call)).data;
    }
    for (const s of scheme) {
      step = `assign ${s.method} on step ${s.level}`;
      await assignMethod(c, userId, s, call);
    }
    if (options.confirm !== undefined) {
      step = "setOperationPolicy";
      await ums.setOperationPolicy(c, { ...id, body: [...options.confirm] }, call);
    }
    return password === undefined ? { userId } : { userId, password };
  } catch (error) {
    if (userId !== undefined && !options.keepOnFailure) {
      await ums.deleteUser(c, { path: { id: userId } }, call).catch(() => undefined);
    }
    throw new OperatorScenarioError(step, options.keepOnFailure ? userId : undefined, error);
  }
}

/** What {@link enrolSimCard} does besides assigning the card. */
export interface EnrolSimCardOptions {
  /** The ICCID of the SIM card (guide, lines 13781-13783). */
  iccId: string;
  /** The crypto provider profile (UmsPolicy.CryptoProviders); default the service's. */
  profileId?: string;
  /** The scheme: default idonly on step 0, SimAuth on step 1 (guide, lines 13870-13917). */
  scheme?: readonly SchemeStep[];
  /** Actions to confirm on the SIM card; default `["SignDocument"]` (guide, lines 13949-13951). */
  confirm?: readonly DSSActionsName[];
  /** Also ask the applet to activate (guide, §8.2.2.2.2); default false. */
  activate?: boolean;
}

/** The SIM card's state after {@link enrolSimCard}. */
export interface EnrolledSimCard {
  /** The applet's activation code, to give the user (guide, lines 13971-13998). */
  activationCode?: string;
  /** The activation's transaction id, when `activate`; the result comes through the notification service. */
  activationId?: string;
}

/**
 * Enrols a SIM card for SimAuth (guide, §8.2.2.1.2-8.2.2.2): assigns the card, makes the scheme
 * identification then SIM card, sets the actions to confirm, reads the activation code, and with
 * `activate` asks the applet to activate.
 */
export async function enrolSimCard(
  c: ums.DssUmsClient,
  userId: string,
  options: EnrolSimCardOptions,
  call?: CallOptions,
): Promise<EnrolledSimCard> {
  const id = { path: { id: userId } };
  let step = "setSimAuth";
  try {
    await ums.setSimAuth(
      c,
      {
        ...id,
        body:
          options.profileId === undefined
            ? { IccId: options.iccId }
            : { IccId: options.iccId, ProfileId: options.profileId },
      },
      call,
    );
    for (const s of options.scheme ?? [
      { method: "idonly", level: 0 },
      { method: "simauth", level: 1 },
    ]) {
      step = `assign ${s.method} on step ${s.level}`;
      await assignMethod(c, userId, s, call);
    }
    step = "setOperationPolicy";
    await ums.setOperationPolicy(
      c,
      { ...id, body: [...(options.confirm ?? ["SignDocument"])] },
      call,
    );
    step = "getSimAuth";
    const info = (await ums.getSimAuth(c, id, call)).data;
    const out: EnrolledSimCard = {};
    if (info.ActivationCode !== undefined) out.activationCode = info.ActivationCode;
    if (options.activate) {
      step = "activateSimAuth";
      out.activationId = (await ums.activateSimAuth(c, id, call)).data;
    }
    return out;
  } catch (error) {
    throw new OperatorScenarioError(step, userId, error);
  }
}

/** What {@link enrolMyDss} does. */
export interface EnrolMyDssOptions {
  /** Where the second part of the key goes: a phone number or an e-mail address (guide, lines 15068-15070). */
  contact: string;
  /** Default: `EmailAddress` when `contact` has an @, else `PhoneNumber`. */
  contactType?: "PhoneNumber" | "EmailAddress";
  /** Ask for the XML key vector, encrypted with this PIN (guide, Table 94). */
  xmlKeyPin?: string;
  /** The scheme: default idonly on step 0, MobileAuth on step 1 (guide, lines 15111-15157). */
  scheme?: readonly SchemeStep[];
  /** Actions to confirm in myDSS; default `["SignDocument"]` (guide, lines 15189-15191). */
  confirm?: readonly DSSActionsName[];
}

/**
 * Enrols a user in myDSS (guide, §8.3.2.1.2-8.3.2.1.4): the key (show the answer's QR code to the
 * user), the scheme identification then myDSS, and the actions to confirm.
 */
export async function enrolMyDss(
  c: ums.DssUmsClient,
  userId: string,
  options: EnrolMyDssOptions,
  call?: CallOptions,
): Promise<MobileAuthCreateInfoEx> {
  const id = { path: { id: userId } };
  let step = "setMobileAuth";
  try {
    const contactType =
      options.contactType ?? (options.contact.includes("@") ? "EmailAddress" : "PhoneNumber");
    const made = (
      await ums.setMobileAuth(
        c,
        {
          ...id,
          body: {
            UserContactInfo: options.contact,
            UserContactInfoType: contactType,
            ...(options.xmlKeyPin !== undefined
              ? { NeedXmlKeyInfo: true, KeyInfoPinCode: options.xmlKeyPin }
              : {}),
          },
        },
        call,
      )
    ).data;
    for (const s of options.scheme ?? [
      { method: "idonly", level: 0 },
      { method: "mobile", level: 1 },
    ]) {
      step = `assign ${s.method} on step ${s.level}`;
      await assignMethod(c, userId, s, call);
    }
    step = "setOperationPolicy";
    await ums.setOperationPolicy(
      c,
      { ...id, body: [...(options.confirm ?? ["SignDocument"])] },
      call,
    );
    return made;
  } catch (error) {
    throw new OperatorScenarioError(step, userId, error);
  }
}

/**
 * Finds a user by login (or another identifier), as chapter 8 does (§8.2.2.5, lines 14776-14827);
 * undefined when nobody has it (the service's 404).
 */
export async function findUser(
  c: ums.DssUmsClient,
  identifier: string | { type: IdentifierTypeName; value: string },
  call?: CallOptions,
): Promise<DssUserInfo | undefined> {
  const query = typeof identifier === "string" ? { type: "Login", value: identifier } : identifier;
  try {
    return (await ums.getUserByIdentifier(c, { query }, call)).data;
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) return undefined;
    throw error;
  }
}

/** What {@link removeUser} deleted. */
export interface RemovedUser {
  userId: string;
  login: string;
  /** Certificate requests and certificates the user had on the Signature Service. */
  requests: number;
  certificates: number;
}

/** How {@link removeUser} reaches the Signature Service. */
export interface RemoveUserOptions {
  /**
   * A Signature Service client acting for the user, e.g. with a delegated token (token exchange
   * by the operator, guide, §8.1.2.2.2): the user's requests and certificates are deleted with it
   * first, since deleting the account leaves them (guide, lines 13211-13213).
   */
  signServerFor(login: string): DssSignClient;
}

/**
 * Removes a user the way chapter 8 does (§8.1.2.4-8.1.2.5, §8.2.2.6-8.2.2.7): the user's
 * certificate requests and certificates on the Signature Service (DELETE …/requests/0 and
 * …/certificates/0), then the account. Give the user's id or login.
 *
 * @throws OperatorScenarioError naming the step that failed; the account stays when the
 *   Signature Service part fails.
 */
export async function removeUser(
  c: ums.DssUmsClient,
  user: { userId: string } | { login: string },
  options: RemoveUserOptions,
  call?: CallOptions,
): Promise<RemovedUser> {
  let step = "find the user";
  try {
    const info =
      "userId" in user
        ? (await ums.getUserById(c, { path: { id: user.userId } }, call)).data
        : await findUser(c, user.login, call);
    if (!info) throw new Error(`no user has the login ${(user as { login: string }).login}`);
    const sign = options.signServerFor(info.Login);
    step = "list the user's requests and certificates";
    const requests = (await listRequests(sign, {}, call)).data.length;
    const certificates = (await listCertificates(sign, {}, call)).data.length;
    step = "delete the user's certificate requests";
    await deleteRequest(sign, { path: { key: 0 } }, call);
    step = "delete the user's certificates";
    await deleteCertificate(sign, { path: { key: 0 } }, call);
    step = "deleteUser";
    await ums.deleteUser(c, { path: { id: info.UserId } }, call);
    return { userId: info.UserId, login: info.Login, requests, certificates };
  } catch (error) {
    throw new OperatorScenarioError(step, "userId" in user ? user.userId : undefined, error);
  }
}

// ---------------------------------------------------------------------------------------------
// An operator session over the three DSS services
// ---------------------------------------------------------------------------------------------

/** Options of {@link createDssOperator}. */
export interface DssOperatorOptions {
  /**
   * The DSS host, e.g. `https://dss.example`: the identity centre at `/STS`, the user management
   * service at `/STS/ums`, the Signature Service at `/SignServer/rest/api` (guide, lines
   * 12426-12436), unless the URLs below say otherwise.
   */
  baseUrl?: string;
  stsUrl?: string;
  umsUrl?: string;
  signServerUrl?: string;
  /** The OAuth client registered on the identity centre, e.g. `{ clientId: "dss.sample" }`. */
  client: OAuthClientCredentials;
  /**
   * The operator's access token: a provider (e.g. from the certificate authorization, as chapter 8
   * signs operators in) or the operator's login and password (the password grant).
   */
  operator:
    | TokenProvider
    | {
        username: string;
        /** The password, or a function that reads it when a token is requested. */
        password: string | (() => string | Promise<string>);
      };
  /** The resource of the delegated tokens for the Signature Service, e.g. `https://dss.example/SignServer/rest`. */
  signServerResource?: string;
  /** Further options of every client (fetch, timeouts, validation, retries). */
  clientOptions?: Omit<ClientOptions, "baseUrl" | "auth">;
}

/** An operator's view of DSS: the UMS client with the operator's token, and the scenarios on it. */
export interface DssOperator {
  readonly ums: ums.DssUmsClient;
  readonly sts: DssStsClient;
  readonly operatorToken: TokenProvider;
  /** A Signature Service client acting for `login` with delegated tokens (cached per login). */
  signServerFor(login: string): DssSignClient;
  /** The `registerUser` scenario on the operator's UMS client. */
  registerUser(options: RegisterUserOptions, call?: CallOptions): Promise<RegisteredUser>;
  /** The `enrolSimCard` scenario on the operator's UMS client. */
  enrolSimCard(
    userId: string,
    options: EnrolSimCardOptions,
    call?: CallOptions,
  ): Promise<EnrolledSimCard>;
  /** The `enrolMyDss` scenario on the operator's UMS client. */
  enrolMyDss(
    userId: string,
    options: EnrolMyDssOptions,
    call?: CallOptions,
  ): Promise<MobileAuthCreateInfoEx>;
  /** The `findUser` scenario on the operator's UMS client. */
  findUser(
    identifier: string | { type: IdentifierTypeName; value: string },
    call?: CallOptions,
  ): Promise<DssUserInfo | undefined>;
  /** Every user the query selects (default: all), as `iterateUsers` yields them. */
  searchUsers(query?: UserQuery, options?: PagingOptions): AsyncGenerator<DssUserInfo>;
  /** The `removeUser` scenario on the operator's UMS client, with the operator's delegated Signature Service clients. */
  removeUser(
    user: { userId: string } | { login: string },
    call?: CallOptions,
  ): Promise<RemovedUser>;
}

function isProvider(o: DssOperatorOptions["operator"]): o is TokenProvider {
  return typeof (o as TokenProvider).getToken === "function";
}

/**
 * Binds the operator scenarios to one DSS: the operator's token (cached and refreshed, one
 * request for concurrent callers, a fresh one after a 401) authorises the UMS calls, and the
 * Signature Service calls for a user go with a token the operator gets for that user by token
 * exchange.
 */
export function createDssOperator(options: DssOperatorOptions): DssOperator {
  const base = (options.baseUrl ?? "https://dss.cryptopro.ru").replace(/\/$/, "");
  const shared = options.clientOptions ?? {};
  const sts = createDssStsClient({ ...shared, baseUrl: options.stsUrl ?? `${base}/STS` });
  const operatorToken = isProvider(options.operator)
    ? options.operator
    : passwordTokenProvider(sts, {
        client: options.client,
        username: options.operator.username,
        password: options.operator.password,
      });
  const umsClient = ums.createDssUmsClient({
    ...shared,
    baseUrl: options.umsUrl ?? `${base}${UMS_PATH}`,
    auth: bearerAuth(operatorToken),
  });
  const signServerUrl = options.signServerUrl ?? `${base}/SignServer/rest/api`;
  const delegated = new Map<string, DssSignClient>();
  const signServerFor = (login: string): DssSignClient => {
    let client = delegated.get(login);
    if (!client) {
      const provider = delegatedTokenProvider(sts, {
        client: options.client,
        actorToken: operatorToken,
        login,
        ...(options.signServerResource ? { resource: options.signServerResource } : {}),
      });
      client = createDssSignClient({
        ...shared,
        baseUrl: signServerUrl,
        auth: bearerAuth(provider),
      });
      // A few users at a time: an operator removing thousands should not keep every client.
      if (delegated.size >= 64) delegated.delete(delegated.keys().next().value!);
      delegated.set(login, client);
    }
    return client;
  };
  return {
    ums: umsClient,
    sts,
    operatorToken,
    signServerFor,
    registerUser: (o, call) => registerUser(umsClient, o, call),
    enrolSimCard: (id, o, call) => enrolSimCard(umsClient, id, o, call),
    enrolMyDss: (id, o, call) => enrolMyDss(umsClient, id, o, call),
    findUser: (identifier, call) => findUser(umsClient, identifier, call),
    searchUsers: (query = userQuery(), paging = {}) => iterateUsers(umsClient, query, paging),
    removeUser: async (user, call) => {
      const removed = await removeUser(umsClient, user, { signServerFor }, call);
      delegated.delete(removed.login);
      return removed;
    },
  };
}
