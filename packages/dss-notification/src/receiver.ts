import { listen, type Router } from "@trustspec/runtime/server";
import type { SoapServerOptions } from "@trustspec/runtime/soap";
import { operationCodeName, resultCodeName } from "./codes.js";
import { createDssNotificationServer } from "./generated/server.gen.js";
import type { DssOperationResultMessage } from "./generated/types.gen.js";

/** One notification as the receiver hands it on: the message, plus the codes' names. */
export interface ReceivedNotification {
  /** When the receiver got it (ISO 8601). */
  receivedAt: string;
  /** The message; `null` when the Notify element came without `opResult` (the WSDL allows it). */
  result: DssOperationResultMessage | null;
  /** The operation code's name (Table 105), when the code is documented. */
  operation?: string;
  /** The result code's name (Table 106), when the code is documented. */
  outcome?: string;
}

/** Settings of the notification receiver: the SOAP server's settings plus the notification callback. */
export interface NotificationReceiverOptions extends SoapServerOptions {
  /** Called for every notification, before the answer is sent; a throw answers a fault. */
  onNotification(notification: ReceivedNotification): void | Promise<void>;
  /** The clock (default `Date.now`). */
  now?: () => number;
}

/**
 * The notification service an application hosts for DSS: every `Notify` call is checked against
 * the WSDL, handed to `onNotification` typed, and answered with `NotifyResponse`.
 */
export function createNotificationReceiver(options: NotificationReceiverOptions): Router {
  const { onNotification, now = Date.now, ...server } = options;
  return createDssNotificationServer(
    {
      async Notify({ message }) {
        const result = message.opResult ?? null;
        const n: ReceivedNotification = { receivedAt: new Date(now()).toISOString(), result };
        if (result) {
          const operation = operationCodeName(result.OperationCode);
          const outcome = resultCodeName(result.ResultCode);
          if (operation) n.operation = operation;
          if (outcome) n.outcome = outcome;
        }
        await onNotification(n);
        return {};
      },
    },
    server,
  );
}

/** Serves a receiver on node:http (127.0.0.1 and a free port by default). */
export function listenNotificationReceiver(
  options: NotificationReceiverOptions & { host?: string; port?: number },
) {
  const { host, port, ...rest } = options;
  return listen(createNotificationReceiver(rest), {
    ...(host ? { host } : {}),
    ...(port !== undefined ? { port } : {}),
  });
}
