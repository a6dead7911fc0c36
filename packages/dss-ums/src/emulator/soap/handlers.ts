import { dssSoapFault } from "@trustspec/dss/server";
import {
  type HandlerContextParts,
  HttpError,
  handlerContext,
  type RawRequest,
} from "@trustspec/runtime/server";
import { type SoapFault, type SoapHandlerContext, XsiTyped } from "@trustspec/runtime/soap";
import type { DssUmsHandlers } from "../../generated/ums/server.gen.js";
import * as rest from "../../generated/ums/types.gen.js";
import type { DssUmsSoapHandlers } from "../../generated/ums-soap/server.gen.js";
import type * as soap from "../../generated/ums-soap/types.gen.js";
import { UmsEmulatorError } from "../errors.js";
import { AUTH_METHODS, type AuthMethodName } from "../policy.js";
import type { UmsState } from "../state.js";

/**
 * The 30 operations of the SOAP user management service (`IUserManagementService`, guide ch. 4)
 * over the REST service's handlers: each SOAP call becomes the REST operation's input, runs in the
 * same handler over the same state as the operator the endpoint's security found, and its answer
 * becomes the SOAP data contract (codes turned into member names, lists into `ArrayOf…`). A
 * refusal of the REST handler (its `ExceptionType` and message) becomes a fault with the
 * `DSSFault` detail: `Code` the `ExceptionType` (e.g. `UserNotFound`, `DuplicateIdentifier`),
 * `Message` the sentence. The two functions REST lacks (`SetMobileAuthDeviceThumbprint`,
 * `SetUserProperty` with `DisplayName`) change the state directly, where REST then shows them.
 */

/** What the SOAP handlers need besides the REST handlers and the state. */
export interface UmsSoapHandlerSource {
  /**
   * The raw request of a SOAP call whose caller the endpoint's security found to be an operator,
   * registered so that the REST handlers' `operatorOf` finds it; throws a `SoapFault` otherwise.
   */
  caller(ctx: SoapHandlerContext<unknown>): RawRequest;
}

/** The fault a UMS operation answers with: `DSSFault` with the code and message, HTTP 500. */
export function umsSoapFault(code: string, message: string): SoapFault {
  return dssSoapFault({ Code: code, Message: message });
}

/** A REST refusal as the SOAP fault of the same cause; anything else unchanged. */
function asFault(e: unknown): unknown {
  if (e instanceof UmsEmulatorError) return umsSoapFault(e.code, e.message);
  if (e instanceof HttpError) return umsSoapFault(e.exception, e.message);
  return e;
}

/** The method of Table 56 a URI names (compared without regard to case), or a fault. */
function methodOf(uri: string | null | undefined): AuthMethodName {
  const wanted = (uri ?? "").trim().toLowerCase();
  const found = (Object.entries(AUTH_METHODS) as [AuthMethodName, string][]).find(
    ([, u]) => u.toLowerCase() === wanted,
  );
  if (!found) {
    throw umsSoapFault(
      "UnknownAuthenticationMethod",
      `${uri ?? "(none)"} is not an authentication method of the service (guide, Table 56).`,
    );
  }
  return found[0];
}

/** The REST handlers of each method's assign/remove pair. */
const METHOD_HANDLERS: Record<AuthMethodName, [keyof DssUmsHandlers, keyof DssUmsHandlers]> = {
  idonly: ["assignIdOnlyMethod", "removeIdOnlyMethod"],
  password: ["assignPasswordMethod", "removePasswordMethod"],
  otpviasms: ["assignOtpViaSmsMethod", "removeOtpViaSmsMethod"],
  otpviaemail: ["assignOtpViaEmailMethod", "removeOtpViaEmailMethod"],
  oath: ["assignOathMethod", "removeOathMethod"],
  simauth: ["assignSimAuthMethod", "removeSimAuthMethod"],
  mobile: ["assignMobileAuthMethod", "removeMobileAuthMethod"],
};

/** The REST handler that deletes each method's authentication data (RemoveUserAuthenticationData). */
const DATA_HANDLERS: Partial<Record<AuthMethodName, keyof DssUmsHandlers>> = {
  otpviasms: "deletePhoneNumber",
  otpviaemail: "deleteEmail",
  oath: "deleteOathToken",
  simauth: "deleteSimAuth",
  mobile: "deleteMobileAuth",
};

/** The member name of an enumeration value given as a code or a name. */
function nameOf<E extends Record<string, number>>(e: E, value: number | string): keyof E & string {
  if (typeof value === "string") return value as keyof E & string;
  return (Object.keys(e).find((k) => e[k] === value) ?? String(value)) as keyof E & string;
}

/** A SOAP list (`ArrayOf…`): its items under `key`, or none at all. */
function list<K extends string, T>(key: K, items: readonly T[]): { [P in K]?: T[] } {
  return (items.length > 0 ? { [key]: [...items] } : {}) as { [P in K]?: T[] };
}

/** A filter value of `xs:anyType` as the REST filter takes it. */
function filterValue(value: unknown): string | number | boolean | null {
  const v = value instanceof XsiTyped ? value.value : value;
  if (v === null || v === undefined) return null;
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "bigint") return Number(v);
  if (v instanceof Date) return v.toISOString().replace(/Z$/, "");
  throw umsSoapFault("InvalidFilter", "A filter's Value is a string, a number or a boolean.");
}

function userOut(u: rest.DssUserInfo): soap.DssUserInfo {
  return { ...u };
}

function policyOut(p: rest.UmsPolicy): soap.UmsPolicy {
  const a = p.AuthenticationPolicy;
  return {
    AllowUserRegistration: p.AllowUserRegistration,
    AuthenticationPolicy: {
      AuthMethods: list(
        "AuthnMethodDescription",
        a.AuthMethods.map((m) => ({
          Identifier: m.Identifier,
          Type: nameOf(rest.AuthnLevel, m.Type),
        })),
      ),
      EditableByUser: a.EditableByUser,
      Mode: nameOf(rest.MfaPolicy, a.Mode),
      OperationPolicy: list("OperationPolicy", a.OperationPolicy.map(operationPolicyOut)),
    },
    AvaliableIdentifierTypes: list(
      "IdentifierType",
      p.AvaliableIdentifierTypes.map((t) => nameOf(rest.IdentifierType, t)),
    ),
    CryptoProviders: list(
      "CryptoProviderInfo",
      p.CryptoProviders.map((c) => ({
        Description: c.Description,
        Id: c.Id,
        Name: c.Name,
        Type: nameOf(rest.CryptoProviderProfileType, c.Type),
      })),
    ),
    Groups: list(
      "IdentityGroupInfo",
      p.Groups.map((g) => ({
        GroupList: list("string", g.GroupList),
        IdentityProviderName: g.IdentityProviderName,
      })),
    ),
    IdentityProviders: list(
      "IdentityProviderInfo",
      p.IdentityProviders.map((i) => ({
        Description: i.Description,
        DisplayName: i.DisplayName,
        IssuerName: i.IssuerName,
      })),
    ),
    ...(p.MobileAuthSettings ? { MobileAuthSettings: { ...p.MobileAuthSettings } } : {}),
    Rdns: list(
      "RdnInfo",
      p.Rdns.map((r) => ({ ...r })),
    ),
  };
}

function operationPolicyOut(o: rest.OperationPolicy): soap.OperationPolicy {
  return {
    Action: nameOf(rest.DSSActions, o.Action),
    ConfirmationRequired: o.ConfirmationRequired,
  };
}

function tokenOut(t: rest.DssTokenInfo): soap.DssTokenInfo {
  return {
    Id: t.Id,
    Parameters: { ...t.Parameters },
    Serial: t.Serial,
    TokenType: t.TokenType,
    UserName: t.UserName,
  };
}

/** A records request's bounds and filters as the REST search takes them. */
function recordsRequest<C extends string>(
  request: { StartPosition?: number; EndPosition?: number } | null | undefined,
  filters: readonly ({
    Column?: C;
    Operation?: soap.FilterOperationEnum;
    Value?: unknown;
  } | null)[],
): {
  StartPosition: number;
  EndPosition: number;
  Filters: {
    Column: C;
    Operation: soap.FilterOperationEnum;
    Value: string | number | boolean | null;
  }[];
} {
  if (!request) throw umsSoapFault("InvalidRange", "request is not given.");
  return {
    StartPosition: request.StartPosition ?? 0,
    EndPosition: request.EndPosition ?? 0,
    Filters: filters.map((f) => {
      if (!f?.Column || !f.Operation) {
        throw umsSoapFault("InvalidFilter", "Every filter names its Column and Operation.");
      }
      return { Column: f.Column, Operation: f.Operation, Value: filterValue(f.Value) };
    }),
  };
}

/** The contact type of a myDSS enrolment (a string in the C# signature). */
function contactType(text: string | null | undefined): rest.UserContactInfoType {
  if (text === "PhoneNumber" || text === "EmailAddress") return text;
  throw umsSoapFault(
    "InvalidIdentifier",
    'userContactInfoType is "PhoneNumber" or "EmailAddress" (guide, §4.1.20).',
  );
}

/**
 * The handlers of the SOAP service. `handlers` are the REST handlers over `state` (the ones the
 * REST router runs), `source` finds and registers each call's operator.
 */
export function createUmsSoapHandlers(
  state: UmsState,
  handlers: DssUmsHandlers,
  source: UmsSoapHandlerSource,
): DssUmsSoapHandlers {
  type Ctx<K extends keyof DssUmsHandlers> = Parameters<DssUmsHandlers[K]>[0];
  type Reply = { status: number; body?: unknown };

  /** Runs a REST handler for a SOAP call; its 200 answer's body, a refusal as a `DSSFault`. */
  async function run<K extends keyof DssUmsHandlers>(
    ctx: SoapHandlerContext<unknown>,
    operation: K,
    parts: HandlerContextParts,
  ): Promise<unknown> {
    const input = handlerContext<Ctx<K>>(operation, source.caller(ctx), parts);
    try {
      const handler = handlers[operation] as (c: Ctx<K>) => Reply | Promise<Reply>;
      const reply = await handler(input);
      return reply.body;
    } catch (e) {
      throw asFault(e);
    }
  }

  /** Runs a state change the REST interface has no route for, its refusals as faults. */
  function direct<T>(ctx: SoapHandlerContext<unknown>, change: () => T): T {
    source.caller(ctx);
    try {
      return change();
    } catch (e) {
      throw asFault(e);
    }
  }

  const id = (userId: string | null | undefined) => ({ id: userId ?? "" });

  /** A myDSS enrolment or renewal (the two take the same arguments, §4.1.20-4.1.21). */
  const enrol = async (
    ctx: SoapHandlerContext<soap.SetUserMobileAuthToken>,
    operation: "setMobileAuth" | "updateMobileAuth",
  ) => {
    const m = ctx.message;
    const body: rest.MobileAuthTokenInfo = {
      UserContactInfo: m.userContactInfo ?? "",
      UserContactInfoType: contactType(m.userContactInfoType),
    };
    return (await run(ctx, operation, { path: id(m.userId), body })) as rest.MobileAuthUpdateInfoEx;
  };

  return {
    async RegisterUser(ctx) {
      const m = ctx.message;
      const body: rest.UserIdentifiers = {};
      for (const [type, value] of Object.entries(m.identifiers ?? {})) {
        if (value !== null) body[type as rest.IdentifierTypeName] = value;
      }
      const userId =
        m.groupName == null
          ? await run(ctx, "createUser", { body })
          : await run(ctx, "createUserInGroup", { path: { id: m.groupName }, body });
      return { RegisterUserResult: userId as string };
    },

    async AddExternalLogin(ctx) {
      const m = ctx.message;
      await run(ctx, "addExternalLogin", {
        path: id(m.userId),
        body: { Login: m.login ?? "", IssuerName: m.idpName ?? "" },
      });
      return {};
    },

    async GetUser(ctx) {
      const m = ctx.message;
      const query = { type: m.type ?? "Login", value: m.identifierValue ?? "" };
      const user = (await run(ctx, "getUserByIdentifier", { query })) as rest.DssUserInfo;
      return { GetUserResult: userOut(user) };
    },

    async GetUserById(ctx) {
      const user = (await run(ctx, "getUserById", {
        path: id(ctx.message.userId),
      })) as rest.DssUserInfo;
      return { GetUserByIdResult: userOut(user) };
    },

    async SetUserPhoneNumber(ctx) {
      const m = ctx.message;
      await run(ctx, "setPhoneNumber", { path: id(m.userId), body: m.phoneNumber ?? "" });
      return {};
    },

    async ResetPassword(ctx) {
      const password = await run(ctx, "resetPassword", { path: id(ctx.message.userId) });
      return { ResetPasswordResult: password as string };
    },

    async SetUserSimAuthToken(ctx) {
      const m = ctx.message;
      const body: rest.SimAuthTokenInfo = {
        IccId: m.iccId ?? "",
        ...(m.providerId != null && m.providerId !== "" ? { ProfileId: m.providerId } : {}),
      };
      await run(ctx, "setSimAuth", { path: id(m.userId), body });
      return {};
    },

    async SetUserOtpToken(ctx) {
      const m = ctx.message;
      const first = m.firstOtp ?? "";
      // §4.1.8 (lines 5180-5182): a TOTP token is given its one OTP twice, where REST takes
      // SecondOtp null (Table 92). A repeated OTP is the TOTP form unless the serial is a known
      // HOTP token, which the REST rule then refuses (two different passwords).
      const known = state.tokenBySerial(m.serial ?? "");
      const repeated = m.secondOtp == null || m.secondOtp === first;
      const second = repeated && known?.type !== "HOTP" ? null : (m.secondOtp ?? null);
      await run(ctx, "setOathToken", {
        path: id(m.userId),
        body: { Serial: m.serial ?? "", FirstOtp: first, SecondOtp: second },
      });
      return {};
    },

    async AssignAuthenticationMethod(ctx) {
      const m = ctx.message;
      const [assign] = METHOD_HANDLERS[methodOf(m.methodUri)];
      await run(ctx, assign, { path: id(m.userId), query: { level: m.level ?? 0 } });
      return {};
    },

    async RemoveAuthenticationMethod(ctx) {
      const m = ctx.message;
      const [, remove] = METHOD_HANDLERS[methodOf(m.methodUri)];
      await run(ctx, remove, { path: id(m.userId) });
      return {};
    },

    async GetUserAuthenticationScheme(ctx) {
      const scheme = (await run(ctx, "getAuthenticationScheme", {
        path: id(ctx.message.userId),
      })) as rest.AuthenticationInfo[];
      return {
        GetUserAuthenticationSchemeResult: list(
          "AuthenticationInfo",
          scheme.map((s) => ({ Level: s.Level, MethodUri: s.MethodUri })),
        ),
      };
    },

    async DeleteUser(ctx) {
      await run(ctx, "deleteUser", { path: id(ctx.message.userId) });
      return {};
    },

    async SetUserGroup(ctx) {
      const m = ctx.message;
      await run(ctx, "setGroup", { path: id(m.userId), body: m.groupName ?? "" });
      return {};
    },

    async SetUserOperationPolicy(ctx) {
      const m = ctx.message;
      await run(ctx, "setOperationPolicy", {
        path: id(m.userId),
        body: [...(m.operations?.DSSActions ?? [])],
      });
      return {};
    },

    async GetUserOperationPolicy(ctx) {
      const all = (await run(ctx, "getOperationPolicy", {
        path: id(ctx.message.userId),
      })) as rest.OperationPolicy[];
      return { GetUserOperationPolicyResult: list("OperationPolicy", all.map(operationPolicyOut)) };
    },

    async SetUserDistinguishName(ctx) {
      const m = ctx.message;
      const body: Record<string, string> = {};
      for (const [key, value] of Object.entries(m.components ?? {})) {
        if (value === null) {
          throw umsSoapFault("InvalidDistinguishedName", `The component ${key} has no value.`);
        }
        body[key] = value;
      }
      await run(ctx, "setDistinguishedName", { path: id(m.userId), body });
      return {};
    },

    async SetUserProperty(ctx) {
      const m = ctx.message;
      const property = m.property;
      const raw = property?.Value instanceof XsiTyped ? property.Value.value : property?.Value;
      switch (property?.PropertyType) {
        case "DisplayName": {
          // No REST route sets it; REST shows it as DssUserInfo.DisplayName.
          if (raw != null && typeof raw !== "string") {
            throw umsSoapFault("InvalidProperty", "DisplayName takes a string (xs:string).");
          }
          direct(ctx, () => state.setDisplayName(state.user(m.userId ?? ""), raw ?? null));
          return {};
        }
        case "AccountState": {
          const lock =
            raw === true || raw === "true"
              ? true
              : raw === false || raw === "false"
                ? false
                : undefined;
          if (lock === undefined) {
            throw umsSoapFault(
              "InvalidProperty",
              "AccountState takes a boolean (xs:boolean): true locks.",
            );
          }
          await run(ctx, "setLockout", { path: id(m.userId), query: { lock } });
          return {};
        }
        default:
          throw umsSoapFault("InvalidProperty", "PropertyType is DisplayName or AccountState.");
      }
    },

    async GetUsers(ctx) {
      const r = ctx.message.request;
      const body = recordsRequest(r, r?.Filters?.UserFilter ?? []);
      const found = (await run(ctx, "searchUsers", { body })) as rest.UserRecordsResponse;
      return {
        GetUsersResult: {
          AffectedCount: found.AffectedCount,
          TotalCount: found.TotalCount,
          UserInfos: list("DssUserInfo", found.UserInfos.map(userOut)),
        },
      };
    },

    async GetPolicy(ctx) {
      const policy = (await run(ctx, "getPolicy", {})) as rest.UmsPolicy;
      return { GetPolicyResult: policyOut(policy) };
    },

    async SetUserMobileAuthToken(ctx) {
      const made = await enrol(ctx, "setMobileAuth");
      return {
        SetUserMobileAuthTokenResult: {
          ExternalUserId: made.ExternalUserId ?? null,
          KeyExpirationTime: made.KeyExpirationTime,
          QrCode: made.QrCode,
        },
      };
    },

    async UpdateUserMobileAuthToken(ctx) {
      const made = await enrol(ctx, "updateMobileAuth");
      return {
        UpdateUserMobileAuthTokenResult: {
          KeyExpirationTime: made.KeyExpirationTime,
          QrCode: made.QrCode,
        },
      };
    },

    SetMobileAuthDeviceThumbprint(ctx) {
      const m = ctx.message;
      // No REST route sets it; REST shows it among the myDSS token's Parameters (searchAuthnTokens).
      direct(ctx, () =>
        state.setMobileDeviceThumbprint(state.user(m.userId ?? ""), m.deviceThumbprint ?? ""),
      );
      return {};
    },

    async DeleteUserMobileAuthToken(ctx) {
      await run(ctx, "deleteMobileAuth", { path: id(ctx.message.userId) });
      return {};
    },

    async RemoveUserAuthenticationData(ctx) {
      const m = ctx.message;
      const method = methodOf(m.methodUri);
      const handler = DATA_HANDLERS[method];
      if (!handler) {
        throw umsSoapFault(
          "AuthenticationDataMissing",
          `The ${method} method keeps no authentication data of the user.`,
        );
      }
      await run(ctx, handler, { path: id(m.userId) });
      return {};
    },

    async GetUserPhoneInfo(ctx) {
      const info = (await run(ctx, "getPhoneNumber", {
        path: id(ctx.message.userId),
      })) as rest.UserPhoneInfo;
      return {
        GetUserPhoneInfoResult: { Confirmed: info.Confirmed, PhoneNumber: info.PhoneNumber },
      };
    },

    async GetUserEmailInfo(ctx) {
      const info = (await run(ctx, "getEmail", {
        path: id(ctx.message.userId),
      })) as rest.UserEmailInfo;
      return { GetUserEmailInfoResult: { Confirmed: info.Confirmed, Email: info.Email } };
    },

    async GetUserOtpTokenInfo(ctx) {
      const info = (await run(ctx, "getOathToken", {
        path: id(ctx.message.userId),
      })) as rest.UserOtpTokenInfo;
      return { GetUserOtpTokenInfoResult: { Serial: info.Serial, Type: info.Type } };
    },

    async GetUserSimAuthInfo(ctx) {
      const info = (await run(ctx, "getSimAuth", {
        path: id(ctx.message.userId),
      })) as rest.UserSimAuthInfo;
      return {
        GetUserSimAuthInfoResult: {
          ActivationCode: info.ActivationCode ?? null,
          IccId: info.IccId,
          ...(info.LastKnownStatus !== undefined ? { LastKnownStatus: info.LastKnownStatus } : {}),
          PhoneNumber: info.PhoneNumber,
          ProfileId: info.ProfileId,
        },
      };
    },

    async GetUserMobileAuthInfo(ctx) {
      const info = (await run(ctx, "getMobileAuth", {
        path: id(ctx.message.userId),
      })) as rest.UserMobileAuthInfo;
      return {
        GetUserMobileAuthInfoResult: {
          KeyExpirationTime: info.KeyExpirationTime,
          UserId: info.UserId,
        },
      };
    },

    async GetAuthnTokens(ctx) {
      const r = ctx.message.request;
      const body = recordsRequest(r, r?.Filters?.TokenFilter ?? []);
      const found = (await run(ctx, "searchAuthnTokens", { body })) as rest.TokenRecordsResponse;
      return {
        GetAuthnTokensResult: {
          AffectedCount: found.AffectedCount,
          TokenInfos: list("DssTokenInfo", found.TokenInfos.map(tokenOut)),
          TotalCount: found.TotalCount,
        },
      };
    },
  };
}
