import { parseArgs } from "node:util";
import type { DssClient, DssEmulatorOptions, DssUserInit } from "@trustspec/dss/server";
import { describeStartError, type MockIo, parsePort } from "@trustspec/runtime/server";
import { IdentifierTypeName } from "../generated/ums/types.gen.js";
import {
  DEFAULT_GROUPS,
  DEFAULT_OPERATOR_TOKEN,
  DssUmsEmulator,
  type DssUmsEmulatorOptions,
} from "./index.js";

const IDENTIFIER_TYPES = Object.values(IdentifierTypeName);

const help = `Usage: trustspec-mock dss-ums [options]

Runs an in-memory CryptoPro DSS user management service (UMS REST) under /STS/ums, beside the
DSS emulator (identity centre under /STS, Signature Service under /SignServer/rest/api) in the
same process: operators sign in at /STS/oauth/token and call the UMS with that token; the users
they register sign in there too.
  --host <addr>              address to listen on (default 127.0.0.1)
  --port <n>                 port (default 8080; 0 picks a free one)
  --operator <login:password>
                             an operator (repeatable; default operator:operator)
  --user <login:password>    a user who exists from the start (repeatable; default demo:demo)
  --client <id[:secret]>     an OAuth client; without a secret a public one (default dss.sample)
  --group <name>             a group of the identity centre (repeatable; default ${DEFAULT_GROUPS.join(", ")})
  --identifier-type <type>   an identifier type users are registered with (repeatable;
                             default all: ${IDENTIFIER_TYPES.join(", ")})
  --oath-token <serial[:TOTP]>
                             an OATH token imported unassigned (repeatable; HOTP unless :TOTP)
  --seed-users <n>           register n users user1 … un at start (for paging through searches)
  --standalone               run the UMS alone, authorising the fixed token of --token
  --token <token>            with --standalone, the operator's token (default ${DEFAULT_OPERATOR_TOKEN})
  --help                     this text

Errors answer {"Message": …, "ExceptionType": <cause>} (guide, §5.6.5).`;

/** Splits `login:password` (or `id:secret`) at the first colon. */
function pair(value: string, what: string): [string, string | undefined] {
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name === "") throw new Error(`${what} needs a name before the colon`);
  return [name, colon < 0 ? undefined : value.slice(colon + 1)];
}

/** `trustspec-mock dss-ums`: serves the emulator until stopped; resolves to the exit code. */
export async function runDssUmsMock(argv: string[], io: MockIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let options: DssUmsEmulatorOptions;
  let seed = 0;
  try {
    values = parse(argv).values;
    const dssOptions: DssEmulatorOptions = {};
    const people: DssUserInit[] = [
      ...(values.operator ?? []).map((spec) => person(spec, "operator")),
      ...(values.user ?? []).map((spec) => person(spec, "user")),
    ];
    if (people.length > 0) {
      if (!people.some((p) => p.role === "operator")) {
        people.push({ login: "operator", password: "operator", role: "operator" });
      }
      dssOptions.users = people;
    }
    if (values.client && values.client.length > 0) {
      dssOptions.clients = values.client.map((spec): DssClient => {
        const [id, secret] = pair(spec, "--client");
        return secret === undefined || secret === "" ? { id } : { id, secret };
      });
    }
    for (const t of values["identifier-type"] ?? []) {
      if (!(IDENTIFIER_TYPES as string[]).includes(t)) {
        throw new Error(`--identifier-type: unknown type "${t}"`);
      }
    }
    const oathTokens = (values["oath-token"] ?? []).map((spec) => {
      const [serial, kind] = pair(spec, "--oath-token");
      if (kind !== undefined && kind !== "TOTP" && kind !== "HOTP") {
        throw new Error("--oath-token takes serial, serial:HOTP or serial:TOTP");
      }
      return { serial, type: (kind ?? "HOTP") as "HOTP" | "TOTP" };
    });
    if (values["seed-users"] !== undefined) {
      if (!/^\d{1,6}$/.test(values["seed-users"])) throw new Error("--seed-users must be a number");
      seed = Number(values["seed-users"]);
    }
    if (values.token !== undefined && !values.standalone) {
      throw new Error("--token goes with --standalone");
    }
    if (values.standalone && (people.length > 0 || dssOptions.clients)) {
      throw new Error(
        "--standalone runs no identity centre: --user, --operator and --client do not apply",
      );
    }
    options = {
      ...(values.standalone
        ? { operators: [{ token: values.token ?? DEFAULT_OPERATOR_TOKEN, login: "operator" }] }
        : { dss: dssOptions }),
      ...(values.group && values.group.length > 0 ? { groups: values.group } : {}),
      ...(values["identifier-type"] && values["identifier-type"].length > 0
        ? { identifierTypes: values["identifier-type"] as IdentifierTypeName[] }
        : {}),
      ...(oathTokens.length > 0 ? { oathTokens } : {}),
    };
  } catch (e) {
    io.err(`trustspec-mock dss-ums: ${e instanceof Error ? e.message : e}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    io.out(help);
    return 0;
  }
  const port = parsePort(values.port);
  if (port === undefined) {
    io.err("trustspec-mock dss-ums: --port must be a number from 0 to 65535");
    return 2;
  }
  let emulator: DssUmsEmulator;
  let server: Awaited<ReturnType<DssUmsEmulator["listen"]>>;
  try {
    emulator = new DssUmsEmulator(options);
    if (seed > 0) emulator.seedUsers(seed);
    server = await emulator.listen({ host: values.host, port });
  } catch (e) {
    // A busy port, an address that cannot be bound: one line, exit 1.
    io.err(`trustspec-mock dss-ums: ${describeStartError(e, { host: values.host, port })}`);
    return 1;
  }
  io.out(`listening on ${server.url}`);
  io.out(`  user management:   ${server.url}${emulator.umsPath}`);
  if (emulator.dss) {
    io.out(`  identity centre:   ${server.url}${emulator.dss.stsPath}`);
    io.out(`  signature service: ${server.url}${emulator.dss.signServerPath}`);
  }
  await io.stopped;
  await server.close();
  await emulator.close();
  return 0;
}

function person(spec: string, role: "user" | "operator"): DssUserInit {
  const [login, password] = pair(spec, `--${role}`);
  if (password === undefined) throw new Error(`--${role} takes login:password`);
  return { login, password, role };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      operator: { type: "string", multiple: true },
      user: { type: "string", multiple: true },
      client: { type: "string", multiple: true },
      group: { type: "string", multiple: true },
      "identifier-type": { type: "string", multiple: true },
      "oath-token": { type: "string", multiple: true },
      "seed-users": { type: "string" },
      standalone: { type: "boolean", default: false },
      token: { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
}
