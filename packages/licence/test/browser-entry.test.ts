import { join } from "node:path";
import { browserEntryTests } from "@trustspec-private/test-support";

const here = join(import.meta.dirname, "..");
// The client verifies answer signatures on Web Crypto, so it loads in a browser; the emulator
// and the server stub sign with node:crypto and serve over node:http.
browserEntryTests("@trustspec/licence", here, ["@trustspec/licence/server"]);
// The lite entry, with or without its signature check, is a client entry too.
browserEntryTests("@trustspec/licence/lite", here);
// The runtime cannot depend on the test helpers (they depend on it): its client entries are
// checked here, from a package that depends on it. Its root offers `createClient(bundle)`, which
// compiles schemas with Ajv; `./core`, which generated clients import, carries no compiler.
browserEntryTests("@trustspec/runtime", here, ["@trustspec/runtime/server"], {
  compilesSchemas: true,
});
browserEntryTests("@trustspec/runtime/core", here);
