import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// The UMS REST client loads in a browser; the emulator and the SOAP service are node:http.
browserEntryTests("@trustspec/dss-ums", join(import.meta.dirname, ".."), [
  "@trustspec/dss-ums/server",
]);
