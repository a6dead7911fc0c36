import {
  emulatorCommand,
  type MockIo,
  readOptionFile,
  writeOptionFile,
} from "@trustspec/runtime/cli";
import { ConfigurationError } from "@trustspec/runtime/core";
import { LicenceEmulator } from "./index.js";

const command = emulatorCommand({
  api: "licence",
  about: "Runs an in-memory 1C licensing server (СЛК 3.0 external API) that signs every answer.",
  port: 9099,
  options: {
    "signing-key": {
      type: "string",
      value: "<pem>",
      help: "sign with this RSA private key (PEM file)",
    },
    "public-key-out": {
      type: "string",
      value: "<file>",
      help: "write the public key that verifies the answers (PEM)",
    },
    user: { type: "string", value: "<name>", default: "admin", help: "Basic-auth user" },
    password: {
      type: "string",
      value: "<secret>",
      default: "admin",
      help: "Basic-auth password",
    },
    empty: {
      type: "boolean",
      default: false,
      help: "start without the demo licences, connection and session",
    },
  },
  notes: `Without --signing-key a fresh RSA-2048 key pair is made at start; it is not the vendor's key,
so clients must be given the public key (--public-key-out) to verify the answers.`,
  configure: (values) => values,
  async start(values, where) {
    // Read, checked and written here: an unreadable or invalid key file and an unwritable
    // --public-key-out end the start with one line, as a busy port does.
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
    return emulator.listen(where);
  },
});

/** `trustspec-mock licence`: serves the emulator until stopped; resolves to the exit code. */
export function runLicenceMock(argv: string[], io: MockIo): Promise<number> {
  return command(argv, io);
}
