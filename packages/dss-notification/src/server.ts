/**
 * The server side of the DSS notification service: the generated server stub (implement
 * `Notify`, get a typed message), a ready receiver that hands each notification on typed, and
 * the `trustspec-mock dss-notification` command.
 */

export { SoapFault } from "@trustspec/runtime/soap";
export { runDssNotificationMock } from "./cli.js";
export * from "./generated/server.gen.js";
export { wsdl } from "./generated/soap.gen.js";
export {
  createNotificationReceiver,
  listenNotificationReceiver,
  type NotificationReceiverOptions,
  type ReceivedNotification,
} from "./receiver.js";
