import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// The UMS REST client loads in a browser; the emulator and the SOAP service are node:http.
browserEntryTests("@trustspec/dss-ums", join(import.meta.dirname, ".."), [
  "@trustspec/dss-ums/server",
]);
// The lite entry (the operations without validators) is a client entry too.
browserEntryTests("@trustspec/dss-ums/lite", join(import.meta.dirname, ".."));
