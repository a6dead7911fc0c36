#!/usr/bin/env node
// @ts-check
// Hosts the DSS notification service (SOAP 1.1, Notify) and logs each operation result DSS
// sends: the SIM-applet activation, its status, user authentication.
//
//   node src/main.mjs [--host 127.0.0.1] [--port 8733]
//   register http://<host>:<port>/ as the notification address in DSS
import { parseArgs } from "node:util";
import { listenNotificationReceiver } from "@trustspec/dss-notification/server";
import { formatNotification } from "./format.mjs";

const { values } = parseArgs({
  options: {
    host: { type: "string", default: "127.0.0.1" },
    port: { type: "string", default: "8733" },
  },
});

const server = await listenNotificationReceiver({
  host: values.host,
  port: Number(values.port),
  onNotification: (n) => console.log(formatNotification(n)),
  onFault: (fault) => console.error(`refused a request: ${fault.message}`),
});
console.log(`listening on ${server.url}/`);
const stop = () => server.close().then(() => process.exit(0));
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
