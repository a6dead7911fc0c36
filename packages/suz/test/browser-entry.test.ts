import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// The СУЗ client and its signing helpers load in a browser; the emulator is node:http.
browserEntryTests("@trustspec/suz", join(import.meta.dirname, ".."), ["@trustspec/suz/server"]);
// The lite entry (the operations without validators) is a client entry too.
browserEntryTests("@trustspec/suz/lite", join(import.meta.dirname, ".."));
