import type { RawRequest } from "@trustspec/runtime/server";
import type { DssUmsHandlers } from "../generated/ums/server.gen.js";
import {
  DSSActions,
  type DSSActionsName,
  type IdentifierTypeName,
  type UmsPolicy,
  type UserIdentifiers,
} from "../generated/ums/types.gen.js";
import { UmsEmulatorError } from "./errors.js";
import { ACTION_CODES, type AuthMethodName } from "./policy.js";
import { page, pageBounds, tokenMatcher, userMatcher } from "./search.js";
import { dssDate, type UmsState } from "./state.js";

/** The operator a request comes from, as the authorisation step found it. */
export interface Operator {
  login: string;
  /** The groups the operator belongs to, the first one being where createUser puts users. */
  groups: readonly string[];
}

/** What the handlers need besides the state. */
export interface HandlerContextSource {
  /** The operator of an authorised request. */
  operatorOf(request: RawRequest): Operator;
  /** The policy to answer getPolicy with. */
  policy(): UmsPolicy;
}

const OK = { status: 200 as const };

/** The member name of a DSSActions value given as a flag or a name. */
function actionName(value: number | string): DSSActionsName {
  if (typeof value === "string") return value as DSSActionsName;
  return Object.entries(DSSActions).find(([, code]) => code === value)![0] as DSSActionsName;
}

/** The IdentifierType name of a query value in any letter case. */
function identifierType(text: string): IdentifierTypeName {
  const lower = text.toLowerCase();
  return lower === "login" ? "Login" : lower === "email" ? "Email" : "PhoneNumber";
}

/** The handlers of every operation, over the emulator's state. */
export function createUmsHandlers(state: UmsState, source: HandlerContextSource): DssUmsHandlers {
  const groupAllowed = (operator: Operator, group: string) => {
    if (!operator.groups.includes(group)) {
      throw new UmsEmulatorError(
        "GroupNotAllowed",
        `The operator ${operator.login} does not belong to the group "${group}" (guide, lines 9294-9296).`,
      );
    }
  };
  const create = (identifiers: UserIdentifiers, group: string) =>
    state.createUser(identifiers as Partial<Record<IdentifierTypeName, string>>, group).id;
  const assign =
    (method: AuthMethodName) => (ctx: { path: { id: string }; query: { level: number } }) => {
      state.assignMethod(state.user(ctx.path.id), method, ctx.query.level);
      return OK;
    };
  const remove = (method: AuthMethodName) => (ctx: { path: { id: string } }) => {
    state.removeMethod(state.user(ctx.path.id), method);
    return OK;
  };

  return {
    getPolicy: () => ({ status: 200, body: source.policy() }),

    createUser: (ctx) => {
      const operator = source.operatorOf(ctx.request);
      const group = operator.groups[0];
      if (group === undefined) {
        throw new UmsEmulatorError(
          "GroupNotAllowed",
          `The operator ${operator.login} belongs to no group.`,
        );
      }
      return { status: 200, body: create(ctx.body, group) };
    },
    createUserInGroup: (ctx) => {
      const group = ctx.path.id;
      if (!state.options.groups.includes(group)) {
        throw new UmsEmulatorError(
          "GroupNotFound",
          `There is no group "${group}" (see the policy's Groups).`,
        );
      }
      groupAllowed(source.operatorOf(ctx.request), group);
      return { status: 200, body: create(ctx.body, group) };
    },
    deleteUser: (ctx) => {
      state.deleteUser(ctx.path.id);
      return OK;
    },
    getUserById: (ctx) => ({ status: 200, body: state.info(state.user(ctx.path.id)) }),
    getUserByIdentifier: (ctx) => {
      const type = identifierType(ctx.query.type);
      const user = state.find(type, ctx.query.value);
      if (!user) {
        throw new UmsEmulatorError("UserNotFound", `No user has this ${type}.`);
      }
      return { status: 200, body: state.info(user) };
    },
    listExternalLogins: (ctx) => ({
      status: 200,
      body: state.externalLogins(state.user(ctx.path.id)),
    }),
    addExternalLogin: (ctx) => {
      state.addExternalLogin(state.user(ctx.path.id), ctx.body.Login, ctx.body.IssuerName);
      return OK;
    },

    getPhoneNumber: (ctx) => {
      const u = state.user(ctx.path.id);
      return { status: 200, body: { PhoneNumber: u.phone, Confirmed: u.phoneConfirmed } };
    },
    setPhoneNumber: (ctx) => {
      state.setPhone(state.user(ctx.path.id), ctx.body);
      return OK;
    },
    deletePhoneNumber: (ctx) => {
      state.deletePhone(state.user(ctx.path.id));
      return OK;
    },
    getEmail: (ctx) => {
      const u = state.user(ctx.path.id);
      return { status: 200, body: { Email: u.email, Confirmed: u.emailConfirmed } };
    },
    setEmail: (ctx) => {
      state.setEmail(state.user(ctx.path.id), ctx.body);
      return OK;
    },
    deleteEmail: (ctx) => {
      state.deleteEmail(state.user(ctx.path.id));
      return OK;
    },

    getOathToken: (ctx) => {
      const token = state.oathToken(state.user(ctx.path.id));
      return { status: 200, body: { Serial: token.serial, Type: token.type } };
    },
    setOathToken: (ctx) => {
      const b = ctx.body;
      state.setOathToken(state.user(ctx.path.id), b.Serial, b.FirstOtp, b.SecondOtp);
      return OK;
    },
    deleteOathToken: (ctx) => {
      state.deleteOathToken(state.user(ctx.path.id));
      return OK;
    },

    getSimAuth: (ctx) => {
      const u = state.user(ctx.path.id);
      const sim = state.simCard(u);
      return {
        status: 200,
        body: {
          IccId: sim.iccId,
          ProfileId: sim.profileId,
          PhoneNumber: u.phone,
          ActivationCode: sim.activationCode,
          LastKnownStatus: sim.lastKnownStatus,
        },
      };
    },
    setSimAuth: (ctx) => {
      state.setSimCard(state.user(ctx.path.id), ctx.body.IccId, ctx.body.ProfileId);
      return OK;
    },
    deleteSimAuth: (ctx) => {
      state.deleteSimCard(state.user(ctx.path.id));
      return OK;
    },
    activateSimAuth: (ctx) => ({
      status: 200,
      body: state.activateSimCard(state.user(ctx.path.id)),
    }),

    getMobileAuth: (ctx) => {
      const key = state.mobileKey(state.user(ctx.path.id));
      return {
        status: 200,
        body: { UserId: key.externalUserId, KeyExpirationTime: dssDate(key.keyExpiration) },
      };
    },
    setMobileAuth: (ctx) => {
      const b = ctx.body;
      const made = state.setMobileKey(
        state.user(ctx.path.id),
        b.UserContactInfo,
        b.UserContactInfoType,
        b.NeedXmlKeyInfo ? { pin: b.KeyInfoPinCode } : undefined,
        false,
      );
      return {
        status: 200,
        body: {
          ExternalUserId: made.key.externalUserId,
          QrCode: made.qrCode,
          KeyExpirationTime: dssDate(made.key.keyExpiration),
          ...(made.xmlKeyInfo ? { XmlKeyInfo: made.xmlKeyInfo } : {}),
        },
      };
    },
    updateMobileAuth: (ctx) => {
      const b = ctx.body;
      const made = state.setMobileKey(
        state.user(ctx.path.id),
        b.UserContactInfo,
        b.UserContactInfoType,
        b.NeedXmlKeyInfo ? { pin: b.KeyInfoPinCode } : undefined,
        true,
      );
      return {
        status: 200,
        body: {
          ExternalUserId: made.key.externalUserId,
          QrCode: made.qrCode,
          KeyExpirationTime: dssDate(made.key.keyExpiration),
          ...(made.xmlKeyInfo ? { XmlKeyInfo: made.xmlKeyInfo } : {}),
        },
      };
    },
    deleteMobileAuth: (ctx) => {
      state.deleteMobileKey(state.user(ctx.path.id));
      return OK;
    },

    getAuthenticationScheme: (ctx) => ({
      status: 200,
      body: state.scheme(state.user(ctx.path.id)),
    }),
    assignIdOnlyMethod: assign("idonly"),
    removeIdOnlyMethod: remove("idonly"),
    assignPasswordMethod: assign("password"),
    removePasswordMethod: remove("password"),
    assignOtpViaSmsMethod: assign("otpviasms"),
    removeOtpViaSmsMethod: remove("otpviasms"),
    assignOtpViaEmailMethod: assign("otpviaemail"),
    removeOtpViaEmailMethod: remove("otpviaemail"),
    assignOathMethod: assign("oath"),
    removeOathMethod: remove("oath"),
    assignSimAuthMethod: assign("simauth"),
    removeSimAuthMethod: remove("simauth"),
    assignMobileAuthMethod: assign("mobile"),
    removeMobileAuthMethod: remove("mobile"),

    getOperationPolicy: (ctx) => {
      const u = state.user(ctx.path.id);
      return {
        status: 200,
        body: ACTION_CODES.map((Action) => ({
          Action,
          ConfirmationRequired: u.confirm.has(actionName(Action)),
        })),
      };
    },
    setOperationPolicy: (ctx) => {
      const u = state.user(ctx.path.id);
      u.confirm = new Set(ctx.body.map(actionName));
      return OK;
    },

    setLockout: (ctx) => {
      state.setLocked(state.user(ctx.path.id), ctx.query.lock);
      return OK;
    },
    setDistinguishedName: (ctx) => {
      state.setDistinguishedName(state.user(ctx.path.id), ctx.body as Record<string, string>);
      return OK;
    },
    getGroup: (ctx) => ({ status: 200, body: state.user(ctx.path.id).group }),
    setGroup: (ctx) => {
      const u = state.user(ctx.path.id);
      if (!state.options.groups.includes(ctx.body)) {
        throw new UmsEmulatorError(
          "GroupNotFound",
          `There is no group "${ctx.body}" (see the policy's Groups).`,
        );
      }
      groupAllowed(source.operatorOf(ctx.request), ctx.body);
      state.setGroup(u, ctx.body);
      return OK;
    },
    resetPassword: (ctx) => ({ status: 200, body: state.resetPassword(state.user(ctx.path.id)) }),

    searchUsers: (ctx) => {
      const [start, end] = pageBounds(ctx.body.StartPosition, ctx.body.EndPosition);
      const matches = userMatcher(state, ctx.body.Filters ?? []);
      const found = page(state.users.values(), matches, start, end);
      return {
        status: 200,
        body: {
          UserInfos: found.items.map((u) => state.info(u)),
          TotalCount: found.total,
          AffectedCount: found.affected,
        },
      };
    },
    searchAuthnTokens: (ctx) => {
      const [start, end] = pageBounds(ctx.body.StartPosition, ctx.body.EndPosition);
      const found = page(state.tokens.values(), tokenMatcher(ctx.body.Filters ?? []), start, end);
      return {
        status: 200,
        body: {
          TokenInfos: found.items.map((t) => state.tokenInfo(t)),
          TotalCount: found.total,
          AffectedCount: found.affected,
        },
      };
    },
  };
}
