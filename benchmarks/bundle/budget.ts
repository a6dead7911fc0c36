/**
 * The size budget of the `listLicences` browser bundle (see sizes.ts for how it is measured):
 * fails when a configuration of the trustspec licence client grows beyond its budget. The budgets
 * are the sizes reached when they were set plus a small margin; lower them as the bundle shrinks.
 * Run by the repository's test command.
 */
import { bundleSize, kB, trustspecEntries } from "./sizes.js";

/** Gzip -9 bytes allowed per configuration. */
const budgets: Record<keyof typeof trustspecEntries, number> = {
  "validation and signature off": 10_300,
  "validation on + signature check (defaults)": 10_300,
  "lite entry, signature off": 4_850,
  "lite entry + signature check": 7_400,
};

let failed = false;
for (const [label, source] of Object.entries(trustspecEntries)) {
  const size = await bundleSize(source, import.meta.dirname);
  const budget = budgets[label as keyof typeof trustspecEntries];
  const verdict = size.gzip <= budget ? "within" : "OVER";
  if (size.gzip > budget) failed = true;
  console.log(
    `listLicences, ${label}: ${kB(size.gzip)} gzip -9 (${verdict} the budget of ${kB(budget)})`,
  );
}
if (failed) {
  console.error("A listLicences bundle grew beyond its budget (benchmarks/bundle/budget.ts).");
  process.exit(1);
}
