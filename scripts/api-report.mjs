// The public-API report of a package: for each subpath export, what its built type declarations
// export, written by API Extractor to `api/<entry>.api.md` and committed, so that every change to
// what users can import shows in review.
//
//   node ../../scripts/api-report.mjs           (in a package folder) write the reports
//   node ../../scripts/api-report.mjs --check   fail when a report differs from the build
//
// Needs the package built (`dist/*.d.mts`).
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Extractor, ExtractorConfig, ExtractorLogLevel } from "@microsoft/api-extractor";

const check = process.argv.includes("--check");
const packageDir = resolve(".");
const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8"));
const reportFolder = join(packageDir, "api");
const temp = mkdtempSync(join(tmpdir(), "api-report-"));
mkdirSync(reportFolder, { recursive: true });

/** `.` → `index`, `./mocks` → `mocks`, with the ESM declaration file of each. */
const entries = Object.entries(pkg.exports ?? {})
  .filter(([path, target]) => path !== "./package.json" && typeof target === "object")
  .map(([path, target]) => ({
    name: path === "." ? "index" : path.slice(2).replaceAll("/", "-"),
    types: join(packageDir, target.import.types),
  }));

const quiet = { logLevel: ExtractorLogLevel.None, addToApiReportFile: false };
let failed = false;
try {
  for (const entry of entries) {
    const config = ExtractorConfig.prepare({
      configObject: {
        projectFolder: packageDir,
        mainEntryPointFilePath: entry.types,
        newlineKind: "lf",
        compiler: {
          overrideTsconfig: {
            compilerOptions: {
              module: "nodenext",
              moduleResolution: "nodenext",
              target: "es2022",
              lib: ["es2023", "dom"],
              types: ["node"],
              strict: true,
              skipLibCheck: true,
            },
            include: ["dist/*.d.mts"],
          },
        },
        apiReport: {
          enabled: true,
          reportFileName: `${entry.name}.api.md`,
          reportFolder,
          reportTempFolder: temp,
        },
        docModel: { enabled: false },
        dtsRollup: { enabled: false },
        tsdocMetadata: { enabled: false },
        messages: {
          compilerMessageReporting: { default: { logLevel: ExtractorLogLevel.Warning } },
          extractorMessageReporting: { default: quiet },
          tsdocMessageReporting: { default: quiet },
        },
      },
      configObjectFullPath: undefined,
      packageJsonFullPath: join(packageDir, "package.json"),
    });
    const result = Extractor.invoke(config, {
      localBuild: !check,
      messageCallback: (message) => {
        // Report-file notices are ours to print; compiler problems are printed as they come.
        if (
          message.messageId === "console-api-report-created" ||
          message.messageId === "console-api-report-changed" ||
          message.messageId === "console-api-report-copied" ||
          message.messageId === "console-api-report-not-copied" ||
          message.messageId === "console-api-report-unchanged"
        ) {
          message.handled = true;
        }
      },
    });
    const where = `${pkg.name}${entry.name === "index" ? "" : `/${entry.name}`}`;
    if (check && result.apiReportChanged) {
      console.error(
        `${where}: the public API differs from api/${entry.name}.api.md. Run \`pnpm api-report\` and commit the result.`,
      );
      failed = true;
    } else if (!result.succeeded) {
      console.error(`${where}: API Extractor failed (${result.errorCount} errors)`);
      failed = true;
    } else {
      console.log(`${where}: api/${entry.name}.api.md ${check ? "up to date" : "written"}`);
    }
  }
} finally {
  rmSync(temp, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
