import { readFileSync } from "node:fs";
import { type MockCommand, type MockIo, processIo } from "@trustspec/runtime/cli";

export type { MockCommand, MockIo };

const commands: Record<string, { summary: string; load: () => Promise<MockCommand> }> = {
  licence: {
    summary: "1C licensing server (СЛК 3.0) external API, signed answers (default port 9099)",
    load: async () => (await import("@trustspec/licence/server")).runLicenceMock,
  },
  "dss-notification": {
    summary:
      "CryptoPro DSS notification service (SOAP 1.1 Notify): prints each notification as a JSON line (default port 8733)",
    load: async () => (await import("@trustspec/dss-notification/server")).runDssNotificationMock,
  },
  dss: {
    summary:
      "CryptoPro DSS: identity centre (OAuth 2.0, confirmation) and Signature Service REST (default port 8080)",
    load: async () => (await import("@trustspec/dss/server")).runDssMock,
  },
  "dss-ums": {
    summary:
      "CryptoPro DSS user management service: REST under /STS/ums, SOAP at /STS/UserManagement.svc (/cert with --https, /token), beside the DSS emulator (default port 8080)",
    load: async () => (await import("@trustspec/dss-ums/server")).runDssUmsMock,
  },
  suz: {
    summary:
      "Честный ЗНАК СУЗ: installation registration (X-Signature), ИС МДЛП and ГИС МТ sign-in, clientToken (default port 8090)",
    load: async () => (await import("@trustspec/suz/server")).runSuzMock,
  },
};

/** The version of @trustspec/mock, from its package.json as installed. */
export function version(): string {
  const manifest = JSON.parse(
    readFileSync(new URL("../package.json", import.meta.url), "utf8"),
  ) as { version: string };
  return manifest.version;
}

/** The `trustspec-mock` help text: the command line and the APIs it serves. */
export function usage(): string {
  const lines = [
    "Usage: trustspec-mock <api> [--host 127.0.0.1] [--port N] [options]",
    "       trustspec-mock --version",
    "",
    "Runs the emulator of one API until stopped. The first line printed is `listening on <url>`.",
    "`trustspec-mock <api> --help` lists the API's own options; `--version` prints the version.",
    "",
    "APIs:",
    ...Object.entries(commands).map(([name, c]) => `  ${name.padEnd(17)} ${c.summary}`),
  ];
  return lines.join("\n");
}

/** Runs `trustspec-mock`; resolves to the process exit code. */
export async function main(argv: string[], io?: Partial<MockIo>): Promise<number> {
  const [api, ...rest] = argv;
  const ours = processIo(io);
  const { out, err } = ours;
  if (api === "--version") {
    out(version());
    return 0;
  }
  if (!api || api === "--help" || api === "-h") {
    out(usage());
    return api ? 0 : 2;
  }
  const command = commands[api];
  if (!command) {
    err(`trustspec-mock: unknown API "${api}"\n\n${usage()}`);
    return 2;
  }
  return (await command.load())(rest, ours);
}
