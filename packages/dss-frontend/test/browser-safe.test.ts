import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// The form builders, the session tokens and the Fetch receiver load in a browser; the node:http
// listener does not.
browserEntryTests("@trustspec/dss-frontend", join(import.meta.dirname, ".."), [
  "@trustspec/dss-frontend/node",
]);
