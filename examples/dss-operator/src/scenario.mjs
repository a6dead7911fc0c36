// @ts-check
// The operator scenario, as a function over a DssOperator (see main.mjs for the command line).
import { getAuthenticationScheme, getOperationPolicy, userQuery } from "@trustspec/dss-ums";

const METHOD_NAMES = {
  "http://dss.cryptopro.ru/identity/authenticationmethod/password": "password",
  "http://dss.cryptopro.ru/identity/authenticationmethod/otpviasms": "one-time password by SMS",
};

/**
 * Registers a user with a password (step 1) and one-time passwords by SMS (step 2), requires
 * confirmation of signing, finds the user by a filter, then removes the user's requests,
 * certificates and account. Returns the lines to print; never the password.
 *
 * @param {import("@trustspec/dss-ums").DssOperator} operator
 * @param {{ login: string; phone: string }} who
 * @returns {Promise<string[]>}
 */
export async function run(operator, who) {
  const lines = [];
  const made = await operator.registerUser({
    identifiers: { Login: who.login },
    phoneNumber: who.phone,
    scheme: [
      { method: "password", level: 1 },
      { method: "otpviasms", level: 2 },
    ],
    confirm: ["SignDocument"],
  });
  lines.push(`registered ${who.login}: user id ${made.userId}`);
  lines.push(
    `password: reset by the service, ${made.password?.length ?? 0} characters (not shown)`,
  );

  const path = { path: { id: made.userId } };
  const scheme = (await getAuthenticationScheme(operator.ums, path)).data;
  for (const step of scheme) {
    lines.push(
      `  step ${step.Level}: ${METHOD_NAMES[/** @type {keyof typeof METHOD_NAMES} */ (step.MethodUri)] ?? step.MethodUri}`,
    );
  }
  const policy = (await getOperationPolicy(operator.ums, path)).data;
  const confirmed = policy.filter((p) => p.ConfirmationRequired).map((p) => p.Action);
  lines.push(`  confirms: ${confirmed.join(", ")} (DSSActions flags; 2 = SignDocument)`);

  const query = userQuery().where("Login").equals(who.login).where("PhoneNumber").isSet();
  const found = [];
  for await (const user of operator.searchUsers(query)) found.push(user);
  lines.push(`found by filter (Login = ${who.login}, phone set): ${found.length}`);
  for (const user of found) {
    lines.push(
      `  ${user.Login}  ${user.PhoneNumber}  group ${user.Group}  created ${user.CreationDate}`,
    );
  }

  const removed = await operator.removeUser({ userId: made.userId });
  lines.push(
    `removed ${removed.login}: ${removed.requests} certificate requests, ${removed.certificates} certificates, then the account`,
  );
  const again = await operator.findUser(who.login);
  lines.push(again ? `still there: ${again.UserId}` : `${who.login} is no longer known`);
  return lines;
}
