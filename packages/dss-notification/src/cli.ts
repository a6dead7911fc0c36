import { emulatorCommand, type MockIo } from "@trustspec/runtime/cli";
import { ConfigurationError } from "@trustspec/runtime/core";
import { listenNotificationReceiver } from "./receiver.js";

const command = emulatorCommand({
  api: "dss-notification",
  about: `Hosts the DSS notification service (SOAP 1.1, operation Notify) the way an application does:
every valid notification is answered with NotifyResponse and printed on stdout as one JSON line;
bad input is answered with a SOAP fault and printed nowhere.`,
  port: 8733,
  portNote: "the WSDL's design-time port",
  options: {
    "max-body-bytes": {
      type: "string",
      value: "<n>",
      default: "1048576",
      help: "largest accepted request",
    },
  },
  notes: "The service answers at /, its WSDL at /?wsdl.",
  configure(values) {
    const maxBodyBytes = /^\d{1,10}$/.test(values["max-body-bytes"])
      ? Number(values["max-body-bytes"])
      : Number.NaN;
    if (!(maxBodyBytes > 0)) {
      throw new ConfigurationError(
        "--max-body-bytes",
        "--max-body-bytes must be a positive number",
      );
    }
    return { maxBodyBytes };
  },
  async start({ maxBodyBytes }, where, io) {
    const server = await listenNotificationReceiver({
      ...where,
      maxBodyBytes,
      onNotification: (n) => io.out(JSON.stringify(n)),
    });
    return { url: `${server.url}/`, close: () => server.close() };
  },
});

/** `trustspec-mock dss-notification`: serves until stopped; resolves to the exit code. */
export function runDssNotificationMock(argv: string[], io: MockIo): Promise<number> {
  return command(argv, io);
}
