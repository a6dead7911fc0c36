import { parseArgs } from "node:util";
import { describeStartError, type MockIo, parsePort } from "@trustspec/runtime/server";
import { listenNotificationReceiver } from "./receiver.js";

const help = `Usage: trustspec-mock dss-notification [options]

Hosts the DSS notification service (SOAP 1.1, operation Notify) the way an application does:
every valid notification is answered with NotifyResponse and printed on stdout as one JSON line;
bad input is answered with a SOAP fault and printed nowhere.
  --host <addr>             address to listen on (default 127.0.0.1)
  --port <n>                port (default 8733, the WSDL's design-time port; 0 picks a free one)
  --max-body-bytes <n>      largest accepted request (default 1048576)
  --help                    this text

The service answers at /, its WSDL at /?wsdl.`;

/** `trustspec-mock dss-notification`: serves until stopped; resolves to the exit code. */
export async function runDssNotificationMock(argv: string[], io: MockIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (e) {
    io.err(`trustspec-mock dss-notification: ${e instanceof Error ? e.message : e}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    io.out(help);
    return 0;
  }
  const port = parsePort(values.port);
  if (port === undefined) {
    io.err("trustspec-mock dss-notification: --port must be a number from 0 to 65535");
    return 2;
  }
  const maxBody = /^\d{1,10}$/.test(values["max-body-bytes"])
    ? Number(values["max-body-bytes"])
    : Number.NaN;
  if (!(maxBody > 0)) {
    io.err("trustspec-mock dss-notification: --max-body-bytes must be a positive number");
    return 2;
  }
  let server: Awaited<ReturnType<typeof listenNotificationReceiver>>;
  try {
    server = await listenNotificationReceiver({
      host: values.host,
      port,
      maxBodyBytes: maxBody,
      onNotification: (n) => io.out(JSON.stringify(n)),
    });
  } catch (e) {
    io.err(
      `trustspec-mock dss-notification: ${describeStartError(e, { host: values.host, port })}`,
    );
    return 1;
  }
  io.out(`listening on ${server.url}/`);
  await io.stopped;
  await server.close();
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8733" },
      "max-body-bytes": { type: "string", default: "1048576" },
      help: { type: "boolean", default: false },
    },
  });
}
