import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// The notification client loads in a browser; the receiver and the server stub are node:http.
browserEntryTests("@trustspec/dss-notification", join(import.meta.dirname, ".."), [
  "@trustspec/dss-notification/server",
]);
