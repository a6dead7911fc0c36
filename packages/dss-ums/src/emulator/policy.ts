import type {
  AuthnMethodDescription,
  CryptoProviderInfo,
  DSSActions,
  IdentifierTypeName,
  MfaPolicy,
  RdnInfo,
  UmsPolicy,
} from "../generated/ums/types.gen.js";

/**
 * Authentication method URIs (guide, Table 56, lines 5204-5269), and the operation of each
 * `assign…Method` / `remove…Method` pair.
 */
export const AUTH_METHODS = {
  idonly: "http://schemas.microsoft.com/ws/2012/09/identity/authenticationmethod/none",
  password: "http://dss.cryptopro.ru/identity/authenticationmethod/password",
  otpviasms: "http://dss.cryptopro.ru/identity/authenticationmethod/otpviasms",
  otpviaemail: "http://dss.cryptopro.ru/identity/authenticationmethod/otpviaemail",
  oath: "http://dss.cryptopro.ru/identity/authenticationmethod/oath",
  simauth: "http://dss.cryptopro.ru/identity/authenticationmethod/simauth",
  mobile: "http://dss.cryptopro.ru/identity/authenticationmethod/mobile",
} as const;

/** The short name of an authentication method of Table 56. */
export type AuthMethodName = keyof typeof AUTH_METHODS;

/**
 * The methods of the policy example (guide, lines 6977-7001), with their AuthnLevel: Table 56's
 * seven and the three only the example lists (certificate, saml, mtmo).
 */
export const POLICY_AUTH_METHODS: readonly AuthnMethodDescription[] = [
  { Identifier: AUTH_METHODS.idonly, Type: 1 },
  { Identifier: "http://dss.cryptopro.ru/identity/authenticationmethod/certificate", Type: 1 },
  { Identifier: AUTH_METHODS.password, Type: 1 },
  { Identifier: "http://dss.cryptopro.ru/identity/authenticationmethod/saml", Type: 1 },
  { Identifier: AUTH_METHODS.otpviasms, Type: 2 },
  { Identifier: AUTH_METHODS.oath, Type: 2 },
  { Identifier: AUTH_METHODS.simauth, Type: 2 },
  { Identifier: AUTH_METHODS.otpviaemail, Type: 2 },
  { Identifier: AUTH_METHODS.mobile, Type: 2 },
  { Identifier: "http://dss.cryptopro.ru/identity/authenticationmethod/mtmo", Type: 2 },
];

/** The eleven DSSActions flags, in table order (guide, Table 31, lines 2919-2948). */
export const ACTION_CODES: readonly DSSActions[] = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024];

/**
 * The subject name components of the policy example (guide, lines 7015-7079): Id, OID, display
 * name, string identifier, order, lengths; CN alone is required.
 */
export const DEFAULT_RDNS: readonly RdnInfo[] = (
  [
    [1, "1.2.643.100.1", "ОГРН", "OGRN", 16, 13, 13],
    [2, "1.2.643.100.5", "ОГРНИП", "OGRNIP", 15, 15, 15],
    [3, "1.2.643.100.3", "СНИЛС", "SNILS", 14, 11, 11],
    [4, "1.2.643.3.131.1.1", "ИНН", "INN", 13, 12, 12],
    [5, "1.2.840.113549.1.9.1", "Электронная почта", "E", 12, 0, 128],
    [6, "2.5.4.6", "Страна", "C", 11, 0, 2],
    [7, "2.5.4.8", "Область", "S", 10, 0, 128],
    [8, "2.5.4.7", "Город", "L", 9, 0, 128],
    [9, "2.5.4.10", "Организация", "O", 8, 0, 64],
    [10, "2.5.4.11", "Подразделение", "OU", 7, 0, 64],
    [11, "2.5.4.3", "Общее имя", "CN", 6, 0, 128],
    [12, "2.5.4.9", "Адрес", "Street", 5, 0, 30],
    [13, "2.5.4.12", "Должность", "T", 4, 0, 64],
    [14, "2.5.4.43", "Инициалы", "I", 3, 0, 5],
    [15, "2.5.4.42", "Имя", "G", 2, 0, 16],
    [16, "2.5.4.4", "Фамилия", "SN", 1, 0, 40],
  ] as const
).map(([Id, Oid, DisplayName, StringIdentifier, Order, MinLength, MaxLength]) => ({
  Id,
  Oid,
  DisplayName,
  StringIdentifier,
  Order,
  MinLength,
  MaxLength,
  Required: StringIdentifier === "CN",
  DefaultValue: null,
}));

/**
 * The crypto provider profile SIM cards are enrolled with unless told otherwise: the profile id of
 * the guide's SIM card examples (lines 7965-7967, 8012-8014). The policy example itself lists none.
 */
export const DEFAULT_CRYPTO_PROVIDERS: readonly CryptoProviderInfo[] = [
  {
    Id: "3e906aff-8639-463e-af59-07a44a96dd21",
    Name: "SimAuth GOST",
    Description: "Профиль мастер-ключа SIM-карт (ГОСТ) эмулятора trustspec",
    Type: 0,
  },
];

/** The identity centre's own name as an issuer of logins (guide, lines 7015, 7081, 7425). */
export const LOCAL_ISSUER = "realsts";

/** What the emulator's policy is made of. */
export interface PolicySettings {
  identifierTypes: readonly IdentifierTypeName[];
  groups: readonly string[];
  mode: MfaPolicy;
  allowUserRegistration: boolean;
  cryptoProviders: readonly CryptoProviderInfo[];
  identityProviders: readonly string[];
}

const IDENTIFIER_CODES: Record<IdentifierTypeName, 0 | 1 | 2> = {
  Login: 0,
  PhoneNumber: 1,
  Email: 2,
};

/** The UmsPolicy the emulator answers with (the shape and data of the guide's example). */
export function buildPolicy(s: PolicySettings): UmsPolicy {
  return {
    AvaliableIdentifierTypes: s.identifierTypes.map((t) => IDENTIFIER_CODES[t]),
    AuthenticationPolicy: {
      Mode: s.mode,
      EditableByUser: false,
      AuthMethods: POLICY_AUTH_METHODS.map((m) => ({ ...m })),
      OperationPolicy: ACTION_CODES.map((Action) => ({ Action, ConfirmationRequired: false })),
    },
    AllowUserRegistration: s.allowUserRegistration,
    Groups: [{ IdentityProviderName: LOCAL_ISSUER, GroupList: [...s.groups] }],
    Rdns: DEFAULT_RDNS.map((r) => ({ ...r })),
    IdentityProviders: [LOCAL_ISSUER, ...s.identityProviders].map((IssuerName) => ({
      Description: null,
      IssuerName,
      DisplayName: null,
    })),
    CryptoProviders: s.cryptoProviders.map((p) => ({ ...p })),
    MobileAuthSettings: { DeviceFingerprintRequired: false, KeyInfoDivideRequired: false },
  };
}
