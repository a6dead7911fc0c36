import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The root entry runs in a browser: nothing it reaches, in this package or in the workspace
 * packages it imports, imports a Node module. Walks the import graph from src/index.ts through the
 * sources (`@trustspec/*` through their `@trustspec/source` entries).
 */
const packages = join(import.meta.dirname, "../..");

function sourceEntry(specifier: string): string | undefined {
  const m = /^@trustspec\/([^/]+)(\/.*)?$/.exec(specifier);
  if (!m) return undefined;
  const pkg = JSON.parse(readFileSync(join(packages, m[1]!, "package.json"), "utf8"));
  const entry = pkg.exports[m[2] ? `.${m[2]}` : "."]["@trustspec/source"];
  return join(packages, m[1]!, entry);
}

function reach(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    files.add(file);
    const code = readFileSync(file, "utf8");
    for (const m of code.matchAll(
      /(?:^|\n)\s*(?:import|export)\s(?:type\s)?[^;]*?from\s+"([^"]+)"|import\("([^"]+)"\)/g,
    )) {
      const statement = m[0];
      if (/^\s*(import|export)\s+type\s/.test(statement.trim())) continue;
      const specifier = (m[1] ?? m[2])!;
      if (specifier.startsWith(".")) {
        queue.push(resolve(dirname(file), specifier.replace(/\.js$/, ".ts")));
      } else {
        const workspace = sourceEntry(specifier);
        if (workspace) queue.push(workspace);
        else external.add(specifier);
      }
    }
  }
  return { files, external };
}

describe("the root entry", () => {
  it("reaches no node: module, only browser-safe libraries", () => {
    const { files, external } = reach(join(import.meta.dirname, "../src/index.ts"));
    expect([...files].some((f) => f.endsWith("runtime/src/index.ts"))).toBe(true);
    expect([...external].filter((s) => s.startsWith("node:") || !s.startsWith("ajv"))).toEqual([]);
  });

  it("the walk does see a Node import where there is one (the verify entry, through @trustspec/cms)", () => {
    expect([...reach(join(import.meta.dirname, "../src/verify.ts")).external]).toContain(
      "node:crypto",
    );
  });
});
