import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import {
  type DSSActionsName,
  type DSSCAPolicy,
  type DSSPolicy,
  SignatureType,
} from "../../generated/signserver/types.gen.js";
import { actionPolicy } from "../actions.js";
import { type CaHandler, guard, type SignServerContext } from "./context.js";

/** The default policy of the emulator (guide, §2.6.7; example, lines 4807-4916). */
export function emulatorPolicy(init: {
  caHandlers: readonly CaHandler[];
  confirmation: "On" | "Off" | "NotSet";
  confirmActions: ReadonlySet<DSSActionsName>;
}): DSSPolicy {
  const namePolicy: DSSCAPolicy["NamePolicy"] = [
    ["2.5.4.3", "Общее имя", "CN", true, 11],
    ["2.5.4.10", "Организация", "O", false, 13],
    ["2.5.4.11", "Подразделение", "OU", false, 12],
    ["2.5.4.7", "Город", "L", false, 14],
    ["2.5.4.8", "Область", "S", false, 15],
    ["2.5.4.6", "Страна/регион", "C", false, 16],
    ["1.2.840.113549.1.9.1", "Электронная почта", "E", false, 17],
    ["1.2.643.3.131.1.1", "ИНН", "INN", false, 18],
    ["1.2.643.100.3", "СНИЛС", "СНИЛС", false, 23],
  ].map(([OID, Name, StringIdentifier, IsRequired, Order]) => ({
    OID: OID as string,
    Name: Name as string,
    StringIdentifier: StringIdentifier as string,
    IsRequired: IsRequired as boolean,
    Order: Order as number,
    Value: null,
  }));
  return {
    CAPolicy: init.caHandlers.map((h) => ({
      ID: h.id,
      Name: h.name,
      Active: true,
      AllowUserMode: true,
      SNChangesEnable: true,
      NamePolicy: namePolicy,
      EKUTemplates: {
        "Сертификат пользователя DSS": ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"],
      },
      CAType: 1,
    })),
    PinCodeMode: 2,
    TspServices: [],
    TransactionConfirmation: { On: 0, Off: 1, NotSet: 2 }[init.confirmation] as 0 | 1 | 2,
    AllowedSignatureTypes: [SignatureType.CMS, SignatureType.CAdES],
    ActionPolicy: actionPolicy(new Set(init.confirmActions)),
  };
}

/** The policy operation: the configured DSSPolicy, to any signed-in caller. */
export function policyHandlers(ctx: SignServerContext): Pick<DssSignHandlers, "getPolicy"> {
  return {
    getPolicy: ({ request }) =>
      guard(() => {
        ctx.who(request);
        return { status: 200, body: ctx.policy };
      }),
  };
}
