// `npx -y pnpm@10.34.9 trustspec-mock <api> [options]` from anywhere in the repository: the
// emulators' command line (`@trustspec/mock`), run from the checked-out TypeScript sources (the
// root script starts Node with tsx and the workspace's `@trustspec/source` condition), so it needs
// no build and always runs the code in the working tree. The published package runs the same
// `main` from its build. pnpm starts root scripts in the repository root; relative paths given to
// the emulator (`--public-key-out emulator.pem`, `--trusted-cert ca.pem`) are taken from the
// directory the command was typed in, as they would be for an installed `trustspec-mock`.
import { chdir, env } from "node:process";

const { INIT_CWD: typedIn } = env; // set by pnpm: the directory the command was typed in
if (typedIn) chdir(typedIn);

/** @type {{ main: (argv: string[]) => Promise<number> }} */
const mock = await import(new URL("../packages/mock/src/index.ts", import.meta.url).href);
process.exitCode = await mock.main(process.argv.slice(2));
