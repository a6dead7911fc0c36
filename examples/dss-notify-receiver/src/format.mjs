// @ts-check
import { isSuccess } from "@trustspec/dss-notification";

/**
 * One log line for a received notification: the operation and result with their codes and
 * names (guide 8.2.1.3, Tables 105 and 106), the user, and the additional data.
 * @param {import("@trustspec/dss-notification/server").ReceivedNotification} n
 */
export function formatNotification(n) {
  const r = n.result;
  if (!r) return `${n.receivedAt} notification without a result`;
  const op = `${n.operation ?? "operation"} (${r.OperationCode})`;
  const outcome = `${isSuccess(r) ? "succeeded" : "failed"}: ${n.outcome ?? "result"} (${r.ResultCode})`;
  const user = `user ${r.UserIdentifier ?? "-"}`;
  const service = r.ServiceIdentifier ? ` via ${r.ServiceIdentifier}` : "";
  const data = Object.entries(r.AdditionalData ?? {})
    .map(([k, v]) => ` [${k}]=${v ?? "null"}`)
    .join("");
  return `${n.receivedAt} ${op} ${outcome}, ${user}${service}${data}`;
}
