import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// The DSS clients (REST, OAuth, WS-Trust, confirmation) load in a browser; the certificate-
// presenting fetch over node:https is in ./node, the emulator in ./server.
browserEntryTests("@trustspec/dss", join(import.meta.dirname, ".."), [
  "@trustspec/dss/node",
  "@trustspec/dss/server",
]);
// The lite entry (REST operations without validators, the browser OAuth flows) is a client entry too.
browserEntryTests("@trustspec/dss/lite", join(import.meta.dirname, ".."));
