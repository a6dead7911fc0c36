import { parseArgs } from "node:util";
import { ConfigurationError } from "@trustspec/runtime";
import {
  describeStartError,
  type MockIo,
  parsePort,
  readOptionFile,
  writeOptionFile,
} from "@trustspec/runtime/server";
import { LicenceEmulator } from "./index.js";

const help = `Usage: trustspec-mock licence [options]

Runs an in-memory 1C licensing server (СЛК 3.0 external API) that signs every answer.
  --host <addr>            address to listen on (default 127.0.0.1)
  --port <n>               port (default 9099; 0 picks a free one)
  --signing-key <pem>      sign with this RSA private key (PEM file)
  --public-key-out <file>  write the public key that verifies the answers (PEM)
  --user <name>            Basic-auth user (default admin)
  --password <secret>      Basic-auth password (default admin)
  --empty                  start without the demo licences, connection and session
  --help                   this text

Without --signing-key a fresh RSA-2048 key pair is made at start; it is not the vendor's key,
so clients must be given the public key (--public-key-out) to verify the answers.`;

/** `trustspec-mock licence`: serves the emulator until stopped; resolves to the exit code. */
export async function runLicenceMock(argv: string[], io: MockIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (e) {
    io.err(`trustspec-mock licence: ${e instanceof Error ? e.message : e}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    io.out(help);
    return 0;
  }
  const port = parsePort(values.port);
  if (port === undefined) {
    io.err(`trustspec-mock licence: --port must be a number from 0 to 65535`);
    return 2;
  }
  let server: Awaited<ReturnType<LicenceEmulator["listen"]>>;
  try {
    const keyFile = values["signing-key"];
    const signingKey = keyFile
      ? await readOptionFile("--signing-key", keyFile, "an RSA private key (PEM)")
      : undefined;
    let emulator: LicenceEmulator;
    try {
      emulator = new LicenceEmulator({
        demo: !values.empty,
        credentials: { username: values.user, password: values.password },
        ...(signingKey !== undefined ? { signingKey } : {}),
      });
    } catch (e) {
      if (keyFile === undefined) throw e;
      throw new ConfigurationError(
        "--signing-key",
        `--signing-key ${JSON.stringify(keyFile)}: not an RSA private key in PEM (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); pass the PEM file of an RSA private key, or leave the option out for a fresh key`,
        { cause: e },
      );
    }
    if (values["public-key-out"]) {
      await writeOptionFile(
        "--public-key-out",
        values["public-key-out"],
        emulator.publicKey.export({ type: "spki", format: "pem" }) as string,
      );
    }
    server = await emulator.listen({ host: values.host, port });
  } catch (e) {
    // An unreadable or invalid key file, an unwritable --public-key-out, a busy port: one line, exit 1.
    io.err(`trustspec-mock licence: ${describeStartError(e, { host: values.host, port })}`);
    return 1;
  }
  io.out(`listening on ${server.url}`);
  await io.stopped;
  await server.close();
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "9099" },
      "signing-key": { type: "string" },
      "public-key-out": { type: "string" },
      user: { type: "string", default: "admin" },
      password: { type: "string", default: "admin" },
      empty: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
}
