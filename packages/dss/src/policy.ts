/**
 * Whether a Signature Service action needs confirmation, read from the server's policy
 * (generated `getPolicy`; guide, §6.2.1, lines 9697-9719; DSSPolicy, §2.6.7; DSSAction, §2.6.9;
 * MfaPolicy, §2.7.12; DSSActions, §2.7.13).
 */

import {
  type DSSAction,
  DSSActions,
  DSSActionsName,
  type DSSPolicy,
  MfaPolicy,
  type MfaPolicyName,
} from "./generated/signserver/types.gen.js";

/** An action as the spec models it: a DSSActions code (`2`) or name (`"SignDocument"`). */
export type DssActionRef = DSSActions | DSSActionsName;

const NAME_BY_CODE = new Map<number, DSSActionsName>(
  Object.entries(DSSActions).map(([name, code]) => [code, name as DSSActionsName]),
);
const NAME_BY_LOWER = new Map<string, DSSActionsName>(
  Object.values(DSSActionsName).map((name) => [name.toLowerCase(), name]),
);

/**
 * The DSSActions name of an action given by code or by name (names case-insensitively; a code
 * may also come as a numeric string). `undefined` for anything the enum does not know.
 */
export function actionName(action: DssActionRef | number | string): DSSActionsName | undefined {
  if (typeof action === "number") return NAME_BY_CODE.get(action);
  const trimmed = action.trim();
  if (/^\d+$/.test(trimmed)) return NAME_BY_CODE.get(Number(trimmed));
  return NAME_BY_LOWER.get(trimmed.toLowerCase());
}

/**
 * The global confirmation policy (DSSPolicy.TransactionConfirmation) as an MfaPolicy name. The
 * field was a bool before version 1.0.1162 (`true` = confirm, `false` = do not) and is an
 * MfaPolicy since, sent as a code (0 On, 1 Off, 2 NotSet) or a name. Unknown values count as
 * `NotSet`, which defers to the per-action policy.
 */
export function globalConfirmationPolicy(
  value: DSSPolicy["TransactionConfirmation"] | null | undefined,
): MfaPolicyName {
  if (value === true) return "On";
  if (value === false) return "Off";
  if (value === MfaPolicy.On || value === "On") return "On";
  if (value === MfaPolicy.Off || value === "Off") return "Off";
  return "NotSet";
}

/** Whether an action needs confirmation, and why. */
export type ConfirmationRequirement =
  /** The global policy is On: every action needs confirmation, whatever ActionPolicy says. */
  | { required: true; reason: "global_on" }
  /** The global policy is Off: no action needs confirmation. */
  | { required: false; reason: "global_off" }
  /** The global policy is NotSet and ActionPolicy lists the action: its MfaRequired decides. */
  | { required: boolean; reason: "action_policy"; entry: DSSAction }
  /**
   * The global policy is NotSet and ActionPolicy does not list the action (or is null): the
   * server decides from the claims of the user's token, which the client cannot see.
   */
  | { required: "unknown"; reason: "not_listed" };

/**
 * Whether `action` needs confirmation under `policy` (guide, lines 9697-9719): under a global
 * TransactionConfirmation of On or Off the answer is that; under NotSet, the ActionPolicy entry's
 * MfaRequired; with no entry, `unknown`.
 *
 * @throws TypeError when `action` is not a DSSActions code or name.
 */
export function confirmationRequirement(
  policy: Pick<DSSPolicy, "TransactionConfirmation" | "ActionPolicy">,
  action: DssActionRef | number | string,
): ConfirmationRequirement {
  const name = actionName(action);
  if (name === undefined) throw new TypeError(`unknown DSS action: ${String(action).slice(0, 40)}`);
  switch (globalConfirmationPolicy(policy.TransactionConfirmation)) {
    case "On":
      return { required: true, reason: "global_on" };
    case "Off":
      return { required: false, reason: "global_off" };
    default: {
      const entry = (policy.ActionPolicy ?? []).find((a) => actionName(a.Action) === name);
      return entry
        ? { required: entry.MfaRequired === true, reason: "action_policy", entry }
        : { required: "unknown", reason: "not_listed" };
    }
  }
}

/**
 * {@link confirmationRequirement} as a yes or no. When the policy leaves it to the user's token
 * (`unknown`), answers `whenUnknown`, by default `false`: the server then still asks for
 * confirmation if the token requires it, by refusing the unconfirmed call.
 *
 * @throws TypeError when `action` is not a DSSActions code or name.
 */
export function needsConfirmation(
  policy: Pick<DSSPolicy, "TransactionConfirmation" | "ActionPolicy">,
  action: DssActionRef | number | string,
  options: { whenUnknown?: boolean } = {},
): boolean {
  const { required } = confirmationRequirement(policy, action);
  return required === "unknown" ? (options.whenUnknown ?? false) : required;
}

/** Every DSSActions name whose confirmation the policy requires (`unknown` ones counted as `whenUnknown`). */
export function actionsNeedingConfirmation(
  policy: Pick<DSSPolicy, "TransactionConfirmation" | "ActionPolicy">,
  options: { whenUnknown?: boolean } = {},
): DSSActionsName[] {
  return Object.values(DSSActionsName).filter((name) => needsConfirmation(policy, name, options));
}
