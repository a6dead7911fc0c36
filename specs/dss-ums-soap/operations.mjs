// The operations of the user management SOAP service as the guide gives them («КриптоПро DSS.
// Руководство разработчика», ЖТЯИ.00096-02 97 01, chapter 4): what ./check-wsdl.mjs holds the WSDL
// to, and what the generated package's tests expect of the code generated from it.

/** The 30 operations of §4.1, in section order (lines 5026-5600): the contract. */
export const OPERATIONS = [
  "RegisterUser",
  "AddExternalLogin",
  "GetUser",
  "GetUserById",
  "SetUserPhoneNumber",
  "ResetPassword",
  "SetUserSimAuthToken",
  "SetUserOtpToken",
  "AssignAuthenticationMethod",
  "RemoveAuthenticationMethod",
  "GetUserAuthenticationScheme",
  "DeleteUser",
  "SetUserGroup",
  "SetUserOperationPolicy",
  "GetUserOperationPolicy",
  "SetUserDistinguishName",
  "SetUserProperty",
  "GetUsers",
  "GetPolicy",
  "SetUserMobileAuthToken",
  "UpdateUserMobileAuthToken",
  "SetMobileAuthDeviceThumbprint",
  "DeleteUserMobileAuthToken",
  "RemoveUserAuthenticationData",
  "GetUserPhoneInfo",
  "GetUserEmailInfo",
  "GetUserOtpTokenInfo",
  "GetUserSimAuthInfo",
  "GetUserMobileAuthInfo",
  "GetAuthnTokens",
];

/**
 * The chapter's list of functions as printed (lines 4942-5000): 29 names, two of them other than
 * the sections' and GetAuthnTokens left out (defect 1 of UserManagement.wsdl's header).
 */
export const LISTED = [
  ...OPERATIONS.slice(0, 27),
  "GetUserSimAuthTokenInfo",
  "GetUserMobileAuthTokenInfo",
];
