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
  // Files are read, compared and written concurrently; the lists keep the order of `files`.
  const outcomes = await Promise.all(
    [...files].map(async ([name, content]) => {
      const path = join(dir, name);
      const current = await readFile(path, "utf8").catch(() => undefined);
      if (current === content) return undefined;
      if (check) return current === undefined ? `${name} (missing)` : `${name} (differs)`;
      await writeFile(path, content);
      return name;
    }),
  );
  for (const outcome of outcomes) {
    if (outcome !== undefined) (check ? result.drift : result.written).push(outcome);
  }
  return result;
}
