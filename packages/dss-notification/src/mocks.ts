/** MSW 2 handlers of the DSS notification service, speaking SOAP 1.1 envelopes through the server stub. */
export {
  createDssNotificationMockHandlers,
  type DssNotificationMockOptions,
  defaultDssNotificationHandlers,
} from "./generated/msw.gen.js";
