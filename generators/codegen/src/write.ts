import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface SyncResult {
  written: string[];
  removed: string[];
  /** In check mode: files that differ, are missing, or are stale. */
  drift: string[];
}

/**
 * Writes the generated files into `dir` and removes generated files it no longer produces;
 * with `check`, writes nothing and reports what would change.
 */
export async function syncDirectory(
  dir: string,
  files: Map<string, string>,
  check: boolean,
): Promise<SyncResult> {
  const result: SyncResult = { written: [], removed: [], drift: [] };
  const existing = await readdir(dir).catch(() => [] as string[]);
  for (const name of existing) {
    if (name.endsWith(".gen.ts") && !files.has(name)) {
      if (check) result.drift.push(`${name} (stale: no longer generated)`);
      else {
        await rm(join(dir, name));
        result.removed.push(name);
      }
    }
  }
  if (!check) await mkdir(dir, { recursive: true });
  for (const [name, content] of files) {
    const path = join(dir, name);
    const current = await readFile(path, "utf8").catch(() => undefined);
    if (current === content) continue;
    if (check) result.drift.push(current === undefined ? `${name} (missing)` : `${name} (differs)`);
    else {
      await writeFile(path, content);
      result.written.push(name);
    }
  }
  return result;
}
