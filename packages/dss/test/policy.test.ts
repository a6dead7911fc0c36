import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { getPolicy } from "../src/generated/signserver/client.gen.js";
import type { DSSAction, DSSPolicy } from "../src/generated/signserver/types.gen.js";
import {
  actionName,
  actionsNeedingConfirmation,
  confirmationRequirement,
  globalConfirmationPolicy,
  needsConfirmation,
} from "../src/policy.js";
import { startSign } from "./flows-support.js";

/** The guide's policy example (lines 4807-4916), as repaired in specs/dss-signserver/examples. */
const examplesDir = new URL("../../../specs/dss-signserver/examples/", import.meta.url);
const index = JSON.parse(readFileSync(new URL("index.json", examplesDir), "utf8")) as {
  file: string;
  operationId: string;
  direction: string;
}[];
const policyFile = index.find(
  (e) => e.operationId === "getPolicy" && e.direction === "response",
)!.file;
const examplePolicy = JSON.parse(
  readFileSync(new URL(policyFile, examplesDir), "utf8"),
) as DSSPolicy;

const action = (Action: DSSAction["Action"], MfaRequired: boolean): DSSAction => ({
  Action,
  DisplayName: String(Action),
  Uri: `http://dss.cryptopro.ru/identity/claims/action/${String(Action)}`,
  MfaRequired,
});

describe("DSS actions", () => {
  it("accepts codes, names and numeric strings", () => {
    expect(actionName(2)).toBe("SignDocument");
    expect(actionName("SignDocument")).toBe("SignDocument");
    expect(actionName("signdocument")).toBe("SignDocument");
    expect(actionName("1024")).toBe("UnholdCertificate");
    expect(actionName(3)).toBeUndefined();
    expect(actionName("Sign")).toBeUndefined();
  });
});

describe("global confirmation policy", () => {
  it("reads the bool of old servers and the MfaPolicy code or name of new ones", () => {
    expect(globalConfirmationPolicy(examplePolicy.TransactionConfirmation)).toBe("On");
    expect([true, 0, "On"].map((v) => globalConfirmationPolicy(v as never))).toEqual([
      "On",
      "On",
      "On",
    ]);
    expect([false, 1, "Off"].map((v) => globalConfirmationPolicy(v as never))).toEqual([
      "Off",
      "Off",
      "Off",
    ]);
    expect([2, "NotSet", null, undefined].map((v) => globalConfirmationPolicy(v as never))).toEqual(
      ["NotSet", "NotSet", "NotSet", "NotSet"],
    );
  });
});

describe("whether an action needs confirmation", () => {
  it("answers for the guide's example policy: TransactionConfirmation 0 (On), ActionPolicy null", () => {
    expect(examplePolicy.ActionPolicy).toBeNull();
    expect(confirmationRequirement(examplePolicy, "SignDocument")).toEqual({
      required: true,
      reason: "global_on",
    });
    expect(needsConfirmation(examplePolicy, 8)).toBe(true);
  });

  it("ignores ActionPolicy when the global policy is On or Off", () => {
    const list = [action(2, false), action(8, true)];
    const on = { ...examplePolicy, TransactionConfirmation: "On" as const, ActionPolicy: list };
    const off = { ...examplePolicy, TransactionConfirmation: 1 as const, ActionPolicy: list };
    expect(needsConfirmation(on, "SignDocument")).toBe(true);
    expect(needsConfirmation(off, "DecryptDocument")).toBe(false);
    expect(confirmationRequirement(off, "DecryptDocument").reason).toBe("global_off");
  });

  it("reads MfaRequired under NotSet, whether the list names actions by code or by name", () => {
    const policy = {
      ...examplePolicy,
      TransactionConfirmation: 2 as const,
      ActionPolicy: [action(2, true), action("DecryptDocument", false), action(1024, true)],
    };
    expect(confirmationRequirement(policy, "SignDocument")).toEqual({
      required: true,
      reason: "action_policy",
      entry: policy.ActionPolicy[0],
    });
    expect(needsConfirmation(policy, 8)).toBe(false);
    expect(needsConfirmation(policy, "UnholdCertificate")).toBe(true);
    expect(confirmationRequirement(policy, "ChangePin")).toEqual({
      required: "unknown",
      reason: "not_listed",
    });
    expect(needsConfirmation(policy, "ChangePin")).toBe(false);
    expect(needsConfirmation(policy, "ChangePin", { whenUnknown: true })).toBe(true);
    expect(actionsNeedingConfirmation(policy)).toEqual(["SignDocument", "UnholdCertificate"]);
    expect(() => needsConfirmation(policy, "Teleport")).toThrow(TypeError);
  });

  it("works on the policy the generated getPolicy returns", async () => {
    const sign = await startSign({
      getPolicy: () => ({
        status: 200,
        body: {
          ...examplePolicy,
          TransactionConfirmation: "NotSet",
          ActionPolicy: [action("SignDocument", true)],
        },
      }),
    });
    const { data } = await getPolicy(sign);
    expect(needsConfirmation(data, "SignDocument")).toBe(true);
    expect(confirmationRequirement(data, "DeleteCertificate").required).toBe("unknown");
  });
});
