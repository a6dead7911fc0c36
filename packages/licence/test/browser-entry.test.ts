import { join } from "node:path";
import { browserEntryTests, bundledFiles } from "@trustspec-private/test-support";
import { describe, expect, it } from "vitest";

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

describe("@trustspec/runtime/core: what every generated client loads", () => {
  it("carries no ajv-formats module: the `uri` check has an entry of its own", {
    timeout: 120_000,
  }, async () => {
    const conditions = ["@trustspec/source"];
    const core = await bundledFiles("@trustspec/runtime/core", here, {
      platform: "node",
      conditions,
    });
    expect(core.filter((file) => file.includes("ajv"))).toEqual([]);
    // The same listing finds it behind the entry that has it, so the check can fail.
    const uri = await bundledFiles("@trustspec/runtime/format-uri", here, {
      platform: "node",
      conditions,
    });
    expect(uri.some((file) => file.includes("ajv-formats"))).toBe(true);
  });
});
