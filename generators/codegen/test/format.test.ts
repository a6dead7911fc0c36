import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitClient } from "../src/emit/client.js";
import { emitSchemas } from "../src/emit/schemas.js";
import { emitServer } from "../src/emit/server.js";
import { emitTypes } from "../src/emit/types.js";
import {
  formatTypeScriptFiles,
  formatWithNativeBiome,
  formatWithWasmBiome,
  nativeBiome,
} from "../src/format.js";
import { readOpenApi } from "../src/input/openapi.js";
import { parseYaml } from "../src/yaml.js";

/**
 * The generator formats with Biome's native binary when it is installed (one process for all of
 * an API's files) and with Biome's WebAssembly build otherwise: both must give the same bytes.
 */
const root = join(import.meta.dirname, "../../..");
const binary = nativeBiome();

async function emitted(): Promise<Map<string, string>> {
  const model = await readOpenApi(join(root, "specs/licence/openapi.yaml"), {
    name: "Licence",
    source: "specs/licence/openapi.yaml",
  });
  return new Map([
    ["types.gen.ts", emitTypes(model)],
    ["schemas.gen.ts", emitSchemas(model)],
    ["client.gen.ts", emitClient(model)],
    ["server.gen.ts", emitServer(model)],
    [
      "nested/odd.gen.ts",
      "export const  a = {b:1,   'c': [1,2,3]}\nexport function f( x:number ){return x}",
    ],
  ]);
}

describe("formatting generated code", () => {
  it("is installed with a native Biome binary of the WebAssembly build's version here", () => {
    expect(binary).toBeDefined();
  });

  it.skipIf(binary === undefined)(
    "gives the same bytes with the native binary as with the WebAssembly build",
    async () => {
      const files = await emitted();
      const native = formatWithNativeBiome(binary!, files)!;
      const wasm = formatWithWasmBiome(files);
      expect([...native.keys()]).toEqual([...files.keys()]);
      for (const [name, content] of wasm) expect(native.get(name), name).toBe(content);
      expect(native.get("nested/odd.gen.ts")).toBe(
        "export const a = { b: 1, c: [1, 2, 3] };\nexport function f(x: number) {\n  return x;\n}\n",
      );
    },
  );

  it("refuses code that does not parse, with either engine", () => {
    const broken = new Map([["broken.gen.ts", "export const = ;\n"]]);
    expect(() => formatWithWasmBiome(broken)).toThrow(/does not parse/);
    if (binary) expect(() => formatWithNativeBiome(binary, broken)).toThrow(/does not parse/);
    expect(() => formatTypeScriptFiles(broken)).toThrow(/does not parse/);
  });

  it("falls back to the WebAssembly build when the binary cannot be started", () => {
    const files = new Map([["a.gen.ts", "export const  a=1"]]);
    expect(formatWithNativeBiome(join(root, "no-such-biome"), files)).toBeUndefined();
    expect(formatTypeScriptFiles(files).get("a.gen.ts")).toBe("export const a = 1;\n");
  });
});

describe("reading YAML", () => {
  it("uses the core schema: no timestamps, YAML 1.1 words stay strings", () => {
    expect(parseYaml("a: 2024-01-01\nb: yes\nc: 0x1F\nd: ~\ne: 1.5e3\nf: 'x'\n", "t.yaml")).toEqual(
      {
        a: "2024-01-01",
        b: "yes",
        c: 31,
        d: null,
        e: 1500,
        f: "x",
      },
    );
  });

  it("refuses a duplicate key, naming the file", () => {
    expect(() => parseYaml("a: 1\na: 2\n", "dup.yaml")).toThrow(/dup\.yaml/);
  });
});
