import {
  type DssSignClient,
  deleteCertificate,
  deleteRequest,
  listCertificates,
  listRequests,
} from "@trustspec/dss";
import { DssSoapFaultError } from "@trustspec/dss/soap";
import type { SoapCallOptions } from "@trustspec/runtime/soap";
import { AUTH_METHODS } from "../emulator/policy.js";
import {
  ColumnTypeEnum as COLUMNS,
  FilterOperationEnum as OPERATIONS,
  TokenColumnTypeEnum as TOKEN_COLUMNS,
} from "../generated/ums/types.gen.js";
import * as ums from "../generated/ums-soap/client.gen.js";
import type {
  ColumnTypeEnum,
  DSSActions,
  DssTokenInfo,
  DssUserInfo,
  FilterOperationEnum,
  IdentifierType,
  MobileAuthCreateInfo,
  TokenColumnTypeEnum,
  TokenFilter,
  UmsPolicy,
  UserFilter,
  UserOtpTokenInfo,
  UserPhoneInfo,
  UserSimAuthInfo,
} from "../generated/ums-soap/types.gen.js";
import { type MethodName, OperatorScenarioError, type SchemeStep } from "../operator.js";
import { type TokenQuery, tokenQuery, type UserQuery, userQuery } from "../search.js";

/**
 * The operator scenarios of the guide's C# samples (§4.4, lines 6307-6891) on the SOAP client:
 * the same steps and the same names as the REST helpers of `@trustspec/dss-ums` where they mean
 * the same, with the SOAP interface's own functions where it has them (the display name, the
 * account lock, the device thumbprint of myDSS).
 */

// ---------------------------------------------------------------------------------------------
// Authentication methods
// ---------------------------------------------------------------------------------------------

/**
 * The method URIs of Table 56 (guide, lines 5204-5269) by their short name. `idonly` is the
 * login-only method (`…/authenticationmethod/none`).
 */
export const AUTHENTICATION_METHOD_URIS: Readonly<Record<MethodName, string>> = AUTH_METHODS;

/**
 * The URI of a method: the one the service's policy offers (`AuthMethods`, whose identifier ends
 * in the method's name, as the samples pick it: `AuthMethods.First(x => x.Identifier.Contains(…))`),
 * else Table 56's.
 */
export function methodUri(method: MethodName, policy?: UmsPolicy): string {
  const tail = `/authenticationmethod/${method === "idonly" ? "none" : method}`;
  const offered = policy?.AuthenticationPolicy?.AuthMethods?.AuthnMethodDescription ?? [];
  return (
    offered.find((m) => m?.Identifier?.toLowerCase().endsWith(tail))?.Identifier ??
    AUTHENTICATION_METHOD_URIS[method]
  );
}

/** Puts a method into a user's scheme at a step (AssignAuthenticationMethod, §4.1.9). */
export async function assignMethod(
  client: ums.DssUmsSoapClient,
  userId: string,
  step: SchemeStep,
  call?: SoapCallOptions,
  policy?: UmsPolicy,
): Promise<void> {
  await ums.assignAuthenticationMethod(
    client,
    { userId, methodUri: methodUri(step.method, policy), level: step.level },
    call,
  );
}

/** Takes a method out of a user's scheme (RemoveAuthenticationMethod, §4.1.10). */
export async function removeMethod(
  client: ums.DssUmsSoapClient,
  userId: string,
  method: MethodName,
  call?: SoapCallOptions,
  policy?: UmsPolicy,
): Promise<void> {
  await ums.removeAuthenticationMethod(
    client,
    { userId, methodUri: methodUri(method, policy) },
    call,
  );
}

/** Runs the steps of a scenario, naming the one that failed in an {@link OperatorScenarioError}. */
class Steps {
  name = "GetPolicy";
  /** The service's policy, when the scenario has it (for the method URIs). */
  policy: UmsPolicy | undefined;
  constructor(readonly userId?: string) {}
}

async function assignScheme(
  client: ums.DssUmsSoapClient,
  userId: string,
  scheme: readonly SchemeStep[],
  steps: Steps,
  call: SoapCallOptions | undefined,
  policy: UmsPolicy | undefined,
): Promise<void> {
  for (const s of scheme) {
    steps.name = `AssignAuthenticationMethod ${s.method} on step ${s.level}`;
    await assignMethod(client, userId, s, call, policy);
  }
}

async function setConfirmations(
  client: ums.DssUmsSoapClient,
  userId: string,
  actions: readonly DSSActions[],
  steps: Steps,
  call: SoapCallOptions | undefined,
): Promise<void> {
  steps.name = "SetUserOperationPolicy";
  await ums.setUserOperationPolicy(
    client,
    { userId, operations: { DSSActions: [...actions] } },
    call,
  );
}

/** What the enrolment scenarios share: the scheme, the actions to confirm, the policy. */
interface EnrolmentOptions {
  scheme?: readonly SchemeStep[];
  confirm?: readonly DSSActions[];
  policy?: UmsPolicy;
}

/**
 * An enrolment of a second factor: `assign` gives the user the means (its steps named in
 * `steps`), then the scheme (default: idonly on step 0, `method` on step 1), the actions to
 * confirm (default `defaultConfirm`; none when both are absent), and `read` gives the result.
 */
async function enrol<A, R>(
  client: ums.DssUmsSoapClient,
  userId: string,
  method: MethodName,
  options: EnrolmentOptions,
  call: SoapCallOptions | undefined,
  how: {
    assign(steps: Steps): Promise<A>;
    defaultConfirm?: readonly DSSActions[];
    read(assigned: A, steps: Steps): Promise<R>;
  },
): Promise<R> {
  const steps = new Steps(userId);
  steps.policy = options.policy;
  try {
    const assigned = await how.assign(steps);
    const scheme = options.scheme ?? [
      { method: "idonly", level: 0 },
      { method, level: 1 },
    ];
    await assignScheme(client, userId, scheme, steps, call, steps.policy);
    const confirm = options.confirm ?? how.defaultConfirm;
    if (confirm) await setConfirmations(client, userId, confirm, steps, call);
    return await how.read(assigned, steps);
  } catch (error) {
    throw new OperatorScenarioError(steps.name, userId, error);
  }
}

async function policyOf(
  client: ums.DssUmsSoapClient,
  given: UmsPolicy | undefined,
  call: SoapCallOptions | undefined,
): Promise<UmsPolicy> {
  return given ?? (await ums.getPolicy(client, {}, call)).GetPolicyResult ?? {};
}

// ---------------------------------------------------------------------------------------------
// Registration (§4.4.1-4.4.4)
// ---------------------------------------------------------------------------------------------

/** What {@link registerUserWithScheme} makes. */
export interface RegisterUserOptions {
  /** The identifiers by type, e.g. `{ Login: "SampleLogin" }` (each a type the policy offers). */
  identifiers: Partial<Record<IdentifierType, string>>;
  /** The group (`UmsPolicy.Groups`); default the service's. */
  group?: string;
  /** A display name, set after creation (SetUserProperty `DisplayName`; the REST interface has no way to set it). */
  displayName?: string;
  /** A phone number for one-time passwords by SMS, set after creation (§4.4.2). */
  phoneNumber?: string;
  /**
   * Reset the password and return it, which is how an operator gives a user a password (§4.4.1:
   * «оператор не может назначить пароль напрямую»). Default: when the scheme has the password method.
   */
  resetPassword?: boolean;
  /**
   * The authentication scheme; default the password on step 1, as the REST helper and §4.4.1 do.
   * The samples of §4.4.2-4.4.4 put `idonly` on step 1 and the second factor on step 2, chapter 8
   * numbers them 0 and 1: give the steps your service expects.
   */
  scheme?: readonly SchemeStep[];
  /** Actions the user must confirm with the second factor (§4.4.5), e.g. `["SignDocument"]`. */
  confirm?: readonly DSSActions[];
  /** The service's policy, when already read (default: GetPolicy is called first, as the samples do). */
  policy?: UmsPolicy;
  /** Keep the half-made account when a later step fails (default: delete it again). */
  keepOnFailure?: boolean;
}

/** What {@link registerUserWithScheme} made. */
export interface RegisteredUser {
  /** The user's global id (RegisterUser's answer). */
  userId: string;
  /** The password ResetPassword made, when it was asked for. Show it to the user once; do not log it. */
  password?: string;
}

/**
 * Registers a user as the samples of §4.4.1-4.4.4 do: reads the policy and checks that it offers
 * every identifier type given (nothing is created otherwise), RegisterUser, then the display
 * name, the phone number, ResetPassword, the scheme (method URIs from the policy) and the
 * confirmation policy. It is the REST helper `registerUser`; the SOAP operation of that name is
 * `registerUser` of this entry. A failure after the account was made deletes it again (unless
 * `keepOnFailure`) and throws {@link OperatorScenarioError} naming the step.
 */
export async function registerUserWithScheme(
  client: ums.DssUmsSoapClient,
  options: RegisterUserOptions,
  call?: SoapCallOptions,
): Promise<RegisteredUser> {
  const steps = new Steps();
  let userId: string | undefined;
  const scheme = options.scheme ?? [{ method: "password", level: 1 }];
  try {
    const policy = await policyOf(client, options.policy, call);
    steps.name = "check the identifier types";
    const offered = policy.AvaliableIdentifierTypes?.IdentifierType;
    const types = Object.keys(options.identifiers) as IdentifierType[];
    if (types.length === 0) throw new Error("no identifier given");
    const refused = offered ? types.filter((t) => !offered.includes(t)) : [];
    if (refused.length > 0) {
      throw new Error(`the policy does not offer the identifier type ${refused.join(", ")}`);
    }
    steps.name = "RegisterUser";
    const made = await ums.registerUser(
      client,
      { identifiers: { ...options.identifiers }, groupName: options.group ?? null },
      call,
    );
    userId = made.RegisterUserResult ?? undefined;
    if (!userId) throw new Error("the service answered no user id");
    if (options.displayName !== undefined) {
      steps.name = "SetUserProperty DisplayName";
      await ums.setUserProperty(
        client,
        { userId, property: { PropertyType: "DisplayName", Value: options.displayName } },
        call,
      );
    }
    if (options.phoneNumber !== undefined) {
      steps.name = "SetUserPhoneNumber";
      await ums.setUserPhoneNumber(client, { userId, phoneNumber: options.phoneNumber }, call);
    }
    let password: string | undefined;
    if (options.resetPassword ?? scheme.some((s) => s.method === "password")) {
      steps.name = "ResetPassword";
      password =
        (await ums.resetPassword(client, { userId }, call)).ResetPasswordResult ?? undefined;
    }
    await assignScheme(client, userId, scheme, steps, call, policy);
    if (options.confirm !== undefined) {
      await setConfirmations(client, userId, options.confirm, steps, call);
    }
    return password === undefined ? { userId } : { userId, password };
  } catch (error) {
    if (userId !== undefined && !options.keepOnFailure) {
      await ums.deleteUser(client, { userId }, call).catch(() => undefined);
    }
    throw new OperatorScenarioError(steps.name, options.keepOnFailure ? userId : undefined, error);
  }
}

/**
 * Gives a user a phone number and reads back what the service keeps (SetUserPhoneNumber, then
 * GetUserPhoneInfo: the number and whether the user has confirmed it), as §4.4.2 does before
 * assigning one-time passwords by SMS.
 * @throws OperatorScenarioError when a call fails, or the service keeps another number.
 */
export async function assignPhoneNumber(
  client: ums.DssUmsSoapClient,
  userId: string,
  phoneNumber: string,
  call?: SoapCallOptions,
): Promise<UserPhoneInfo> {
  const steps = new Steps(userId);
  steps.name = "SetUserPhoneNumber";
  try {
    await ums.setUserPhoneNumber(client, { userId, phoneNumber }, call);
    steps.name = "GetUserPhoneInfo";
    const info = (await ums.getUserPhoneInfo(client, { userId }, call)).GetUserPhoneInfoResult;
    if (info?.PhoneNumber !== phoneNumber) throw new Error("the service keeps another number");
    return info;
  } catch (error) {
    throw new OperatorScenarioError(steps.name, userId, error);
  }
}

/** The OTP token {@link enrolOtpToken} assigns (SetUserOtpToken, §4.1.8). */
export interface EnrolOtpTokenOptions {
  /** The token's serial number (the sample's `A000001`). */
  serial: string;
  /** HOTP (counter) or TOTP (time) token. */
  tokenType: "HOTP" | "TOTP";
  /** The first one-time password the token shows. Not logged, not in error messages. */
  firstOtp: string;
  /** The next one-time password after it: required for HOTP; for TOTP see `totpSecondOtp`. */
  secondOtp?: string;
  /**
   * What a TOTP token sends as the second password: `repeat` the first (default; SOAP §4.1.8,
   * lines 5180-5182: «в качестве второго пароля повторно передается первый пароль»), or `nil`
   * (the REST interface's rule, Table 92, lines 9546-9549: `SecondOtp = null`), for a service that
   * follows that one. A TOTP `secondOtp` other than the first is refused.
   */
  totpSecondOtp?: "repeat" | "nil";
  /** The scheme: default idonly on step 0 and OATH on step 1 (§4.4.3 numbers them 1 and 2). */
  scheme?: readonly SchemeStep[];
  /** Actions the user must confirm with the token (§4.4.5); default: the user's policy is left as it is. */
  confirm?: readonly DSSActions[];
  /** The service's policy, when already read, for the method URIs (default: Table 56's). */
  policy?: UmsPolicy;
}

/**
 * Assigns an OATH token and puts it into the user's scheme, as §4.4.3 does (with the serial the
 * sample forgets to pass): SetUserOtpToken with the first and second one-time password by the
 * token's rule, the scheme, then GetUserOtpTokenInfo to return what the service keeps.
 * @throws OperatorScenarioError naming the step; `check the one-time passwords` when a HOTP token
 *   lacks its second password (or repeats the first) or a TOTP token's differs from the first (nothing is sent then).
 */
export async function enrolOtpToken(
  client: ums.DssUmsSoapClient,
  userId: string,
  options: EnrolOtpTokenOptions,
  call?: SoapCallOptions,
): Promise<UserOtpTokenInfo> {
  return enrol(client, userId, "oath", options, call, {
    async assign(steps) {
      steps.name = "check the one-time passwords";
      let secondOtp: string | null;
      if (options.tokenType === "HOTP") {
        if (!options.secondOtp || options.secondOtp === options.firstOtp) {
          throw new Error("a HOTP token needs the next one-time password as the second");
        }
        secondOtp = options.secondOtp;
      } else {
        if (options.secondOtp !== undefined && options.secondOtp !== options.firstOtp) {
          throw new Error("a TOTP token sends the first one-time password again, not another");
        }
        secondOtp = options.totpSecondOtp === "nil" ? null : options.firstOtp;
      }
      steps.name = "SetUserOtpToken";
      const { serial, firstOtp } = options;
      await ums.setUserOtpToken(client, { userId, serial, firstOtp, secondOtp }, call);
    },
    async read(_, steps) {
      steps.name = "GetUserOtpTokenInfo";
      const info = await ums.getUserOtpTokenInfo(client, { userId }, call);
      return info.GetUserOtpTokenInfoResult ?? {};
    },
  });
}

/** What {@link enrolSimCard} does besides assigning the card. */
export interface EnrolSimCardOptions {
  /** The ICCID of the SIM card. */
  iccId: string;
  /**
   * The master key's profile (`CryptoProviderInfo.Id`); default the policy's first GOST profile,
   * as §4.4.4 picks it.
   */
  profileId?: string;
  /** The scheme: default idonly on step 0, SimAuth on step 1 (§4.4.4 numbers them 1 and 2). */
  scheme?: readonly SchemeStep[];
  /** Actions to confirm on the SIM card; default `["SignDocument"]`. */
  confirm?: readonly DSSActions[];
  /** The service's policy, when already read (default: GetPolicy is called). */
  policy?: UmsPolicy;
}

/**
 * Enrols a SIM card for SimAuth as §4.4.4 does: SetUserSimAuthToken with the card and the
 * profile, the scheme identification then SIM card, the actions to confirm; returns what
 * GetUserSimAuthInfo then shows (the activation code among it, where the service gives one).
 */
export async function enrolSimCard(
  client: ums.DssUmsSoapClient,
  userId: string,
  options: EnrolSimCardOptions,
  call?: SoapCallOptions,
): Promise<UserSimAuthInfo> {
  return enrol(client, userId, "simauth", options, call, {
    async assign(steps) {
      steps.policy = await policyOf(client, options.policy, call);
      steps.name = "choose the crypto provider profile";
      const providerId =
        options.profileId ??
        steps.policy.CryptoProviders?.CryptoProviderInfo?.find((p) => p?.Type === "GOST")?.Id;
      if (!providerId) throw new Error("the policy has no GOST crypto provider profile");
      steps.name = "SetUserSimAuthToken";
      await ums.setUserSimAuthToken(client, { userId, iccId: options.iccId, providerId }, call);
    },
    defaultConfirm: ["SignDocument"],
    async read(_, steps) {
      steps.name = "GetUserSimAuthInfo";
      const info = await ums.getUserSimAuthInfo(client, { userId }, call);
      return info.GetUserSimAuthInfoResult ?? {};
    },
  });
}

/** What {@link enrolMyDss} does. */
export interface EnrolMyDssOptions {
  /** Where the QR code goes: a phone number or an e-mail address. */
  contact: string;
  /** Default: `EmailAddress` when `contact` has an @, else `PhoneNumber`. */
  contactType?: "PhoneNumber" | "EmailAddress";
  /** The device's thumbprint, when the policy requires one (SetMobileAuthDeviceThumbprint; no REST route). */
  deviceThumbprint?: string;
  /** The scheme: default idonly on step 0, myDSS on step 1. */
  scheme?: readonly SchemeStep[];
  /** Actions to confirm in myDSS; default `["SignDocument"]`. */
  confirm?: readonly DSSActions[];
  /** The service's policy, when already read, for the method URIs (default: Table 56's). */
  policy?: UmsPolicy;
}

/**
 * Enrols a user in myDSS: SetUserMobileAuthToken (show the answer's QR code to the user), the
 * device thumbprint when given, the scheme identification then myDSS, and the actions to confirm.
 */
export async function enrolMyDss(
  client: ums.DssUmsSoapClient,
  userId: string,
  options: EnrolMyDssOptions,
  call?: SoapCallOptions,
): Promise<MobileAuthCreateInfo> {
  return enrol(client, userId, "mobile", options, call, {
    async assign(steps) {
      steps.name = "SetUserMobileAuthToken";
      const contactType =
        options.contactType ?? (options.contact.includes("@") ? "EmailAddress" : "PhoneNumber");
      const made = await ums.setUserMobileAuthToken(
        client,
        { userId, userContactInfo: options.contact, userContactInfoType: contactType },
        call,
      );
      if (options.deviceThumbprint !== undefined) {
        steps.name = "SetMobileAuthDeviceThumbprint";
        const { deviceThumbprint } = options;
        await ums.setMobileAuthDeviceThumbprint(client, { userId, deviceThumbprint }, call);
      }
      return made.SetUserMobileAuthTokenResult ?? {};
    },
    defaultConfirm: ["SignDocument"],
    read: async (made) => made,
  });
}

// ---------------------------------------------------------------------------------------------
// Finding, searching, locking, removing (§4.4.5-4.4.10)
// ---------------------------------------------------------------------------------------------

/** Whether a fault says the user does not exist (the `DSSFault` code `user_not_found` or `UserNotFound`). */
export function isUserNotFound(error: unknown): boolean {
  return error instanceof DssSoapFaultError && /^user_?not_?found$/i.test(error.dssCode ?? "");
}

/**
 * Finds a user by login (or another identifier) with GetUser, as §4.4.5-4.4.8 do; `undefined`
 * when nobody has it (a nil answer, or the `DSSFault` {@link isUserNotFound} recognises).
 */
export async function findUser(
  client: ums.DssUmsSoapClient,
  identifier: string | { type: IdentifierType; value: string },
  call?: SoapCallOptions,
): Promise<DssUserInfo | undefined> {
  const { type, value } =
    typeof identifier === "string" ? { type: "Login" as const, value: identifier } : identifier;
  try {
    return (
      (await ums.getUser(client, { type, identifierValue: value }, call)).GetUserResult ?? undefined
    );
  } catch (error) {
    if (isUserNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Locks (`true`) or unlocks (`false`) a user's account, as §4.4.8 does: SetUserProperty with
 * `AccountState` (the sample's `AccountLockedState` is not a member) and the value as
 * `xs:boolean`; returns the account as GetUserById then shows it.
 */
export async function setAccountLocked(
  client: ums.DssUmsSoapClient,
  userId: string,
  locked: boolean,
  call?: SoapCallOptions,
): Promise<DssUserInfo> {
  const steps = new Steps(userId);
  steps.name = "SetUserProperty AccountState";
  try {
    await ums.setUserProperty(
      client,
      { userId, property: { PropertyType: "AccountState", Value: locked } },
      call,
    );
    steps.name = "GetUserById";
    const user = (await ums.getUserById(client, { userId }, call)).GetUserByIdResult;
    if (!user) throw new Error("the service answered no account");
    return user;
  } catch (error) {
    throw new OperatorScenarioError(steps.name, userId, error);
  }
}

/** How {@link iterateUsers} and {@link iterateAuthnTokens} ask for pages. */
export interface SoapPagingOptions extends SoapCallOptions {
  /** Records per request (default 100). */
  pageSize?: number;
  /** The first position (default 0; positions as the REST helpers read them: 0-based, end excluded). */
  start?: number;
  /** Stop after this many records (default: all). */
  limit?: number;
}

/** The enumeration's names by code, from the REST spec's codes (the same enumerations, held to one another). */
const names = <T extends string>(codes: Readonly<Record<T, number>>) =>
  new Map(Object.entries(codes).map(([name, code]) => [code as number, name as T]));

/** A filter of the REST query builders as the SOAP interface sends it: names, a typed value. */
function soapFilter<C extends string>(
  filter: { Column?: number | string; Operation?: number | string; Value?: unknown },
  columns: Map<number, C>,
  operations: Map<number, FilterOperationEnum>,
  dateColumn?: C,
): { Column: C; Operation: FilterOperationEnum; Value: unknown } {
  const named = <T extends string>(map: Map<number, T>, key: number | string | undefined) =>
    typeof key === "string" ? [...map.values()].find((n) => n === key) : map.get(key ?? -1);
  const column = named(columns, filter.Column);
  const operation = named(operations, filter.Operation);
  if (column === undefined || operation === undefined) {
    throw new RangeError("The query has a column or operation this service does not have.");
  }
  const value =
    column === dateColumn && typeof filter.Value === "string"
      ? new Date(/[zZ]|[+-]\d\d:\d\d$/.test(filter.Value) ? filter.Value : `${filter.Value}Z`)
      : (filter.Value ?? null);
  return { Column: column, Operation: operation, Value: value };
}

async function* soapPages<T>(
  page: (start: number, end: number) => Promise<{ items: T[]; affected: number }>,
  options: SoapPagingOptions,
): AsyncGenerator<T> {
  const size = options.pageSize ?? 100;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError("pageSize must be a positive integer");
  let position = options.start ?? 0;
  let left = options.limit ?? Number.POSITIVE_INFINITY;
  while (left > 0) {
    const want = Math.min(size, left);
    const got = await page(position, position + want);
    const items = got.items.slice(0, want);
    if (items.length === 0) return;
    yield* items;
    position += items.length;
    left -= items.length;
    if (position >= got.affected) return;
  }
}

function callOf(options: SoapPagingOptions): SoapCallOptions {
  return {
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  };
}

/**
 * Every user a search selects, a page of GetUsers per request as the loop asks for more (§4.4.9):
 * the query is the REST helpers' `userQuery()` builder, its filters sent with the enumerations'
 * names and each value with its `xsi:type` (`xs:string`, `xs:int` for GroupId, `xs:dateTime`
 * for CreateDate).
 * @throws RangeError for a bad `pageSize`.
 */
export function iterateUsers(
  client: ums.DssUmsSoapClient,
  query: UserQuery = userQuery(),
  options: SoapPagingOptions = {},
): AsyncGenerator<DssUserInfo> {
  const columns = names<ColumnTypeEnum>(COLUMNS);
  const operations = names<FilterOperationEnum>(OPERATIONS);
  const filters: UserFilter[] = query.filters.map((f) =>
    soapFilter(f, columns, operations, "CreateDate"),
  );
  const call = callOf(options);
  return soapPages(async (start, end) => {
    const r = (
      await ums.getUsers(
        client,
        { request: { StartPosition: start, EndPosition: end, Filters: { UserFilter: filters } } },
        call,
      )
    ).GetUsersResult;
    const items = (r?.UserInfos?.DssUserInfo ?? []).filter((u): u is DssUserInfo => u !== null);
    return { items, affected: r?.AffectedCount ?? 0 };
  }, options);
}

/** Every authentication token a search selects (GetAuthnTokens, §4.4.10), as {@link iterateUsers}. */
export function iterateAuthnTokens(
  client: ums.DssUmsSoapClient,
  query: TokenQuery = tokenQuery(),
  options: SoapPagingOptions = {},
): AsyncGenerator<DssTokenInfo> {
  const columns = names<TokenColumnTypeEnum>(TOKEN_COLUMNS);
  const operations = names<FilterOperationEnum>(OPERATIONS);
  const filters: TokenFilter[] = query.filters.map((f) => soapFilter(f, columns, operations));
  const call = callOf(options);
  return soapPages(async (start, end) => {
    const r = (
      await ums.getAuthnTokens(
        client,
        { request: { StartPosition: start, EndPosition: end, Filters: { TokenFilter: filters } } },
        call,
      )
    ).GetAuthnTokensResult;
    const items = (r?.TokenInfos?.DssTokenInfo ?? []).filter((t): t is DssTokenInfo => t !== null);
    return { items, affected: r?.AffectedCount ?? 0 };
  }, options);
}

/** What {@link removeUser} deleted. */
export interface RemovedUser {
  /** The user's global id. */
  userId: string;
  /** The user's login. */
  login: string;
  /** Certificate requests the user had on the Signature Service, when `signServerFor` was given. */
  requests?: number;
  /** Certificates the user had on the Signature Service, when `signServerFor` was given. */
  certificates?: number;
}

/** How {@link removeUser} reaches the Signature Service. */
export interface RemoveUserOptions {
  /**
   * A Signature Service (REST) client acting for the user: the user's requests and certificates
   * are deleted with it first, since deleting the account leaves them (guide, lines 13211-13213),
   * as the REST helper does. Without it only the account is deleted.
   */
  signServerFor?(login: string): DssSignClient;
}

/**
 * Removes a user: finds the account (GetUserById or GetUser by login), deletes the user's
 * certificate requests and certificates on the Signature Service when `signServerFor` is given,
 * then DeleteUser.
 * @throws OperatorScenarioError naming the step that failed; the account stays when an earlier
 *   step fails.
 */
export async function removeUser(
  client: ums.DssUmsSoapClient,
  user: { userId: string } | { login: string },
  options: RemoveUserOptions = {},
  call?: SoapCallOptions,
): Promise<RemovedUser> {
  const steps = new Steps("userId" in user ? user.userId : undefined);
  steps.name = "find the user";
  try {
    const info =
      "userId" in user
        ? (await ums.getUserById(client, { userId: user.userId }, call)).GetUserByIdResult
        : await findUser(client, user.login, call);
    if (!info?.UserId) throw new Error("no such user");
    const removed: RemovedUser = { userId: info.UserId, login: info.Login ?? "" };
    if (options.signServerFor) {
      const sign = options.signServerFor(removed.login);
      steps.name = "list the user's requests and certificates";
      removed.requests = (await listRequests(sign, {}, call)).data.length;
      removed.certificates = (await listCertificates(sign, {}, call)).data.length;
      steps.name = "delete the user's certificate requests";
      await deleteRequest(sign, { path: { key: 0 } }, call);
      steps.name = "delete the user's certificates";
      await deleteCertificate(sign, { path: { key: 0 } }, call);
    }
    steps.name = "DeleteUser";
    await ums.deleteUser(client, { userId: removed.userId }, call);
    return removed;
  } catch (error) {
    throw new OperatorScenarioError(steps.name, steps.userId, error);
  }
}

// ---------------------------------------------------------------------------------------------
// An operator over SOAP
// ---------------------------------------------------------------------------------------------

/**
 * The operator scenarios bound to one SOAP client, with the method names of the REST helpers'
 * `DssOperator` (`registerUser` is {@link registerUserWithScheme} here).
 */
export interface UmsSoapOperator {
  /** The client the scenarios call through. */
  readonly client: ums.DssUmsSoapClient;
  /** {@link registerUserWithScheme} on the client. */
  registerUser(options: RegisterUserOptions, call?: SoapCallOptions): Promise<RegisteredUser>;
  /** {@link assignPhoneNumber} on the client. */
  assignPhoneNumber(
    userId: string,
    phoneNumber: string,
    call?: SoapCallOptions,
  ): Promise<UserPhoneInfo>;
  /** {@link enrolOtpToken} on the client. */
  enrolOtpToken(
    userId: string,
    options: EnrolOtpTokenOptions,
    call?: SoapCallOptions,
  ): Promise<UserOtpTokenInfo>;
  /** {@link enrolSimCard} on the client. */
  enrolSimCard(
    userId: string,
    options: EnrolSimCardOptions,
    call?: SoapCallOptions,
  ): Promise<UserSimAuthInfo>;
  /** {@link enrolMyDss} on the client. */
  enrolMyDss(
    userId: string,
    options: EnrolMyDssOptions,
    call?: SoapCallOptions,
  ): Promise<MobileAuthCreateInfo>;
  /** {@link findUser} on the client. */
  findUser(
    identifier: string | { type: IdentifierType; value: string },
    call?: SoapCallOptions,
  ): Promise<DssUserInfo | undefined>;
  /** Every user the query selects (default: all), as {@link iterateUsers} yields them. */
  searchUsers(query?: UserQuery, options?: SoapPagingOptions): AsyncGenerator<DssUserInfo>;
  /** {@link setAccountLocked} on the client. */
  setAccountLocked(userId: string, locked: boolean, call?: SoapCallOptions): Promise<DssUserInfo>;
  /** {@link removeUser} on the client. */
  removeUser(
    user: { userId: string } | { login: string },
    options?: RemoveUserOptions,
    call?: SoapCallOptions,
  ): Promise<RemovedUser>;
}

/** The operator scenarios on `client` (made by `createUmsSoapClient`), as one object. */
export function createUmsSoapOperator(client: ums.DssUmsSoapClient): UmsSoapOperator {
  return {
    client,
    registerUser: (options, call) => registerUserWithScheme(client, options, call),
    assignPhoneNumber: (userId, phone, call) => assignPhoneNumber(client, userId, phone, call),
    enrolOtpToken: (userId, options, call) => enrolOtpToken(client, userId, options, call),
    enrolSimCard: (userId, options, call) => enrolSimCard(client, userId, options, call),
    enrolMyDss: (userId, options, call) => enrolMyDss(client, userId, options, call),
    findUser: (identifier, call) => findUser(client, identifier, call),
    searchUsers: (query, options) => iterateUsers(client, query, options),
    setAccountLocked: (userId, locked, call) => setAccountLocked(client, userId, locked, call),
    removeUser: (user, options, call) => removeUser(client, user, options, call),
  };
}
