import type { DssUmsSoapHandlers } from "../src/server.js";
import * as soap from "../src/soap.js";

/**
 * One call of each of the 30 operations of UserManagement.svc with values as the guide's
 * chapter 4 shows them (the REST examples' where chapter 4 has none), and a typed answer: the
 * contract tests send `input` through the public client and expect the handler to receive it
 * exactly and the caller to get `answer` exactly. Object-typed members travel with `xsi:type`.
 */

const USER = "19a9e99c-8490-4c7d-b984-ab78cbdae066";
const SIM = "http://dss.cryptopro.ru/identity/authenticationmethod/simauth";

type Ops = DssUmsSoapHandlers;
type Input<K extends keyof Ops> = Parameters<Ops[K]>[0]["message"];
type Answer<K extends keyof Ops> = Exclude<Awaited<ReturnType<Ops[K]>>, undefined>;
type Case<K extends keyof Ops> = {
  input: Input<K>;
  answer: Answer<K>;
  call(client: soap.UmsSoapClient, input: Input<K>): Promise<Answer<K>>;
};

const user: soap.DssUserInfo = {
  UserId: USER,
  Login: "SampleLogin",
  PhoneNumber: "+79150510528",
  Email: "test@cp.ru",
  PhoneConfirmed: true,
  EmailConfirmed: false,
  DisplayName: "Иван Иванов",
  DistinguishName: "CN=SampleCN, O=SampleOrg",
  AccountLocked: false,
  Group: "Default",
  CreationDate: "2024-03-01T10:15:30Z",
  LockoutDate: null,
  LastLoginDate: "2024-03-02T08:00:00Z",
};

/** The cases, by operation name. */
export const CASES: { [K in keyof Ops]: Case<K> } = {
  RegisterUser: {
    input: { identifiers: { Login: "SampleLogin", Email: "test@cp.ru" }, groupName: "Default" },
    answer: { RegisterUserResult: USER },
    call: soap.registerUser,
  },
  AddExternalLogin: {
    input: { userId: USER, login: "ext-login", idpName: "SampleSts" },
    answer: {},
    call: soap.addExternalLogin,
  },
  GetUser: {
    input: { type: "Login", identifierValue: "SampleLogin" },
    answer: { GetUserResult: user },
    call: soap.getUser,
  },
  GetUserById: {
    input: { userId: USER },
    answer: { GetUserByIdResult: { ...user, AccountLocked: true } },
    call: soap.getUserById,
  },
  SetUserPhoneNumber: {
    input: { userId: USER, phoneNumber: "88000000000" },
    answer: {},
    call: soap.setUserPhoneNumber,
  },
  ResetPassword: {
    input: { userId: USER },
    answer: { ResetPasswordResult: "Kq7!pZr2" },
    call: soap.resetPassword,
  },
  SetUserSimAuthToken: {
    input: {
      userId: USER,
      iccId: "1234567890123456789",
      providerId: "6f1d1d3b-7a7e-4b32-8d55-0b1f2a3c4d5e",
    },
    answer: {},
    call: soap.setUserSimAuthToken,
  },
  SetUserOtpToken: {
    input: { userId: USER, serial: "A000001", firstOtp: "755224", secondOtp: "287082" },
    answer: {},
    call: soap.setUserOtpToken,
  },
  AssignAuthenticationMethod: {
    input: { userId: USER, methodUri: SIM, level: 2 },
    answer: {},
    call: soap.assignAuthenticationMethod,
  },
  RemoveAuthenticationMethod: {
    input: { userId: USER, methodUri: SIM },
    answer: {},
    call: soap.removeAuthenticationMethod,
  },
  GetUserAuthenticationScheme: {
    input: { userId: USER },
    answer: {
      GetUserAuthenticationSchemeResult: {
        AuthenticationInfo: [
          {
            MethodUri: "http://schemas.microsoft.com/ws/2012/09/identity/authenticationmethod/none",
            Level: 1,
          },
          { MethodUri: SIM, Level: 2 },
        ],
      },
    },
    call: soap.getUserAuthenticationScheme,
  },
  DeleteUser: { input: { userId: USER }, answer: {}, call: soap.deleteUser },
  SetUserGroup: {
    input: { userId: USER, groupName: "NewGroup" },
    answer: {},
    call: soap.setUserGroup,
  },
  SetUserOperationPolicy: {
    input: { userId: USER, operations: { DSSActions: ["SignDocument", "CreateRequest"] } },
    answer: {},
    call: soap.setUserOperationPolicy,
  },
  GetUserOperationPolicy: {
    input: { userId: USER },
    answer: {
      GetUserOperationPolicyResult: {
        OperationPolicy: [
          { Action: "SignDocument", ConfirmationRequired: true },
          { Action: "CreateRequest", ConfirmationRequired: false },
        ],
      },
    },
    call: soap.getUserOperationPolicy,
  },
  SetUserDistinguishName: {
    input: { userId: USER, components: { 11: "SampleCN", 9: "SampleOrg" } },
    answer: {},
    call: soap.setUserDistinguishName,
  },
  SetUserProperty: {
    input: { userId: USER, property: { PropertyType: "AccountState", Value: true } },
    answer: {},
    call: soap.setUserProperty,
  },
  GetUsers: {
    input: {
      request: {
        StartPosition: 0,
        EndPosition: 100,
        Filters: {
          UserFilter: [
            { Column: "Login", Operation: "Like", Value: "%Sample%" },
            { Column: "GroupId", Operation: "Equal", Value: 2 },
            { Column: "CreateDate", Operation: "Greater", Value: new Date("2024-01-01T00:00:00Z") },
          ],
        },
      },
    },
    answer: {
      GetUsersResult: { UserInfos: { DssUserInfo: [user] }, TotalCount: 12, AffectedCount: 1 },
    },
    call: soap.getUsers,
  },
  GetPolicy: {
    input: {},
    answer: {
      GetPolicyResult: {
        AvaliableIdentifierTypes: { IdentifierType: ["Login", "Email", "PhoneNumber"] },
        AllowUserRegistration: false,
        AuthenticationPolicy: {
          Mode: "On",
          EditableByUser: false,
          AuthMethods: {
            AuthnMethodDescription: [
              {
                Identifier: "http://dss.cryptopro.ru/identity/authenticationmethod/password",
                Type: "Primary",
              },
              { Identifier: SIM, Type: "Secondary" },
            ],
          },
          OperationPolicy: {
            OperationPolicy: [{ Action: "SignDocument", ConfirmationRequired: true }],
          },
        },
        Groups: {
          IdentityGroupInfo: [
            { IdentityProviderName: "SampleSts", GroupList: { string: ["Default", "NewGroup"] } },
          ],
        },
        CryptoProviders: {
          CryptoProviderInfo: [
            {
              Id: "6f1d1d3b-7a7e-4b32-8d55-0b1f2a3c4d5e",
              Name: "GOST profile",
              Description: "ГОСТ Р 34.10-2012",
              Type: "GOST",
            },
          ],
        },
      },
    },
    call: soap.getPolicy,
  },
  SetUserMobileAuthToken: {
    input: { userId: USER, userContactInfo: "+79150510528", userContactInfoType: "PhoneNumber" },
    answer: {
      SetUserMobileAuthTokenResult: {
        ExternalUserId: "pc-0001",
        QrCode: "iVBORw0KGgo=",
        KeyExpirationTime: "2025-03-01T10:15:30Z",
      },
    },
    call: soap.setUserMobileAuthToken,
  },
  UpdateUserMobileAuthToken: {
    input: { userId: USER, userContactInfo: "test@cp.ru", userContactInfoType: "EmailAddress" },
    answer: {
      UpdateUserMobileAuthTokenResult: {
        QrCode: "iVBORw0KGgo=",
        KeyExpirationTime: "2025-04-01T10:15:30Z",
      },
    },
    call: soap.updateUserMobileAuthToken,
  },
  SetMobileAuthDeviceThumbprint: {
    input: { userId: USER, deviceThumbprint: "3F2A9C" },
    answer: {},
    call: soap.setMobileAuthDeviceThumbprint,
  },
  DeleteUserMobileAuthToken: {
    input: { userId: USER },
    answer: {},
    call: soap.deleteUserMobileAuthToken,
  },
  RemoveUserAuthenticationData: {
    input: { userId: USER, methodUri: SIM },
    answer: {},
    call: soap.removeUserAuthenticationData,
  },
  GetUserPhoneInfo: {
    input: { userId: USER },
    answer: { GetUserPhoneInfoResult: { PhoneNumber: "+79150510528", Confirmed: true } },
    call: soap.getUserPhoneInfo,
  },
  GetUserEmailInfo: {
    input: { userId: USER },
    answer: { GetUserEmailInfoResult: { Email: "test@cp.ru", Confirmed: false } },
    call: soap.getUserEmailInfo,
  },
  GetUserOtpTokenInfo: {
    input: { userId: USER },
    answer: { GetUserOtpTokenInfoResult: { Serial: "A000001", Type: "HOTP" } },
    call: soap.getUserOtpTokenInfo,
  },
  GetUserSimAuthInfo: {
    input: { userId: USER },
    answer: {
      GetUserSimAuthInfoResult: {
        IccId: "1234567890123456789",
        ProfileId: "6f1d1d3b-7a7e-4b32-8d55-0b1f2a3c4d5e",
        PhoneNumber: "+79150510528",
      },
    },
    call: soap.getUserSimAuthInfo,
  },
  GetUserMobileAuthInfo: {
    input: { userId: USER },
    answer: {
      GetUserMobileAuthInfoResult: { UserId: "pc-0001", KeyExpirationTime: "2025-03-01T10:15:30Z" },
    },
    call: soap.getUserMobileAuthInfo,
  },
  GetAuthnTokens: {
    input: {
      request: {
        StartPosition: 0,
        EndPosition: 100,
        Filters: {
          TokenFilter: [
            { Column: "Serial", Operation: "Like", Value: "%001%" },
            { Column: "TokenType", Operation: "Equal", Value: "HOTP" },
          ],
        },
      },
    },
    answer: {
      GetAuthnTokensResult: {
        TokenInfos: {
          DssTokenInfo: [
            {
              Id: 7,
              Serial: "A000001",
              UserName: "SampleLogin",
              TokenType: "HOTP",
              Parameters: { Digits: "6", Crypto: "SHA1" },
            },
          ],
        },
        TotalCount: 3,
        AffectedCount: 1,
      },
    },
    call: soap.getAuthnTokens,
  },
};

/** The 30 operation names, in the order of the cases. */
export const OPERATIONS = Object.keys(CASES) as (keyof Ops)[];

/** Calls an operation's case through `client`. */
export function callCase<K extends keyof Ops>(client: soap.UmsSoapClient, op: K) {
  const c = CASES[op] as Case<K>;
  return c.call(client, c.input);
}

/**
 * Handlers that record what each operation received (`received`) and answer its case's answer;
 * `seen` is called with every handler context (e.g. to record the caller).
 */
export function recordingHandlers(
  received: Map<string, unknown>,
  seen: (ctx: Parameters<Ops["GetPolicy"]>[0]) => void = () => {},
): Ops {
  const handlers: Record<string, (ctx: Parameters<Ops["GetPolicy"]>[0]) => unknown> = {};
  for (const op of OPERATIONS) {
    handlers[op] = (ctx) => {
      received.set(op, ctx.message);
      seen(ctx);
      return CASES[op].answer;
    };
  }
  return handlers as unknown as Ops;
}
