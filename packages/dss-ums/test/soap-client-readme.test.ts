/**
 * The README's SOAP sample run as it is printed (its address changed to the emulator's) against
 * the UMS emulator beside the DSS emulator, as `trustspec-mock dss-ums` starts them, over plain
 * HTTP: the `/token` endpoint with the token the emulator's identity centre issues the operator.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { DssUmsEmulator } from "../src/server.js";

const pkg = join(import.meta.dirname, "..");
// Inside the package, so that `@trustspec/dss-ums/soap` resolves to it.
const dir = mkdtempSync(join(pkg, ".readme-soap-"));
let ums: DssUmsEmulator;
let server: Awaited<ReturnType<DssUmsEmulator["listen"]>>;

beforeAll(async () => {
  ums = await DssUmsEmulator.create({ dss: {} });
  server = await ums.listen();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await server?.close();
  await ums?.close();
});

it("the SOAP sample of the README runs against the emulator", { timeout: 120_000 }, async () => {
  const readme = readFileSync(join(pkg, "README.md"), "utf8");
  const section = /^## SOAP \(`UserManagement\.svc`\)\n([\s\S]*?)(?=^## )/m.exec(readme)?.[1] ?? "";
  const blocks = [...section.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1] ?? "");
  expect(blocks).toHaveLength(1);
  expect(blocks[0]).toContain('"http://127.0.0.1:8080"');
  writeFileSync(
    join(dir, "sample.mts"),
    blocks[0]!.replace('"http://127.0.0.1:8080"', JSON.stringify(server.url)),
  );
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=@trustspec/source", "--import", "tsx", join(dir, "sample.mts")],
    { cwd: pkg },
  );
  expect(stdout.trim().split("\n")).toEqual(["TOTP true", "anna"]);
  // The sample removed the user it registered.
  expect([...ums.state.users.values()].some((u) => u.login === "anna")).toBe(false);
});
