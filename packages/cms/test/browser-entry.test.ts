import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

// CMS and certificates run on Web Crypto; SHA-1 key identifiers come from @noble/hashes.
browserEntryTests("@trustspec/cms", join(import.meta.dirname, ".."));
