import type { DssClient, DssEmulatorOptions, DssUserInit } from "@trustspec/dss/server";
import { emulatorCommand, type MockIo, splitAtColon } from "@trustspec/runtime/cli";
import { IdentifierTypeName } from "../generated/ums/types.gen.js";
import {
  DEFAULT_GROUPS,
  DEFAULT_OPERATOR_TOKEN,
  DssUmsEmulator,
  type DssUmsEmulatorOptions,
} from "./index.js";

const IDENTIFIER_TYPES = Object.values(IdentifierTypeName);

const command = emulatorCommand({
  api: "dss-ums",
  about: `Runs an in-memory CryptoPro DSS user management service (UMS REST) under /STS/ums, beside the
DSS emulator (identity centre under /STS, Signature Service under /SignServer/rest/api) in the
same process: operators sign in at /STS/oauth/token and call the UMS with that token; the users
they register sign in there too.`,
  port: 8080,
  options: {
    operator: {
      type: "string",
      multiple: true,
      value: "<login:password>",
      help: "an operator (repeatable; default operator:operator)",
    },
    user: {
      type: "string",
      multiple: true,
      value: "<login:password>",
      help: "a user who exists from the start (repeatable; default demo:demo)",
    },
    client: {
      type: "string",
      multiple: true,
      value: "<id[:secret]>",
      help: "an OAuth client; without a secret a public one (default dss.sample)",
    },
    group: {
      type: "string",
      multiple: true,
      value: "<name>",
      help: `a group of the identity centre (repeatable; default ${DEFAULT_GROUPS.join(", ")})`,
    },
    "identifier-type": {
      type: "string",
      multiple: true,
      value: "<type>",
      help: `an identifier type users are registered with (repeatable; default all: ${IDENTIFIER_TYPES.join(", ")})`,
    },
    "oath-token": {
      type: "string",
      multiple: true,
      value: "<serial[:TOTP]>",
      help: "an OATH token imported unassigned (repeatable; HOTP unless :TOTP)",
    },
    "seed-users": {
      type: "string",
      value: "<n>",
      help: "register n users user1 … un at start (for paging through searches)",
    },
    standalone: {
      type: "boolean",
      default: false,
      help: "run the UMS alone, authorising the fixed token of --token",
    },
    token: {
      type: "string",
      value: "<token>",
      help: `with --standalone, the operator's token (default ${DEFAULT_OPERATOR_TOKEN})`,
    },
  },
  notes: `Errors answer {"Message": …, "ExceptionType": <cause>} (guide, §5.6.5).`,
  configure(values) {
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
        const [id, secret] = splitAtColon(spec, "--client");
        return secret === undefined || secret === "" ? { id } : { id, secret };
      });
    }
    for (const t of values["identifier-type"] ?? []) {
      if (!(IDENTIFIER_TYPES as string[]).includes(t)) {
        throw new Error(`--identifier-type: unknown type "${t}"`);
      }
    }
    const oathTokens = (values["oath-token"] ?? []).map((spec) => {
      const [serial, kind] = splitAtColon(spec, "--oath-token");
      if (kind !== undefined && kind !== "TOTP" && kind !== "HOTP") {
        throw new Error("--oath-token takes serial, serial:HOTP or serial:TOTP");
      }
      return { serial, type: (kind ?? "HOTP") as "HOTP" | "TOTP" };
    });
    let seed = 0;
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
    const options: DssUmsEmulatorOptions = {
      ...(values.standalone
        ? { operators: [{ token: values.token ?? DEFAULT_OPERATOR_TOKEN, login: "operator" }] }
        : { dss: dssOptions }),
      ...(values.group && values.group.length > 0 ? { groups: values.group } : {}),
      ...(values["identifier-type"] && values["identifier-type"].length > 0
        ? { identifierTypes: values["identifier-type"] as IdentifierTypeName[] }
        : {}),
      ...(oathTokens.length > 0 ? { oathTokens } : {}),
    };
    return { options, seed };
  },
  async start({ options, seed }, where) {
    const emulator = new DssUmsEmulator(options);
    if (seed > 0) emulator.seedUsers(seed);
    const server = await emulator.listen(where);
    return {
      url: server.url,
      lines: [
        `  user management:   ${server.url}${emulator.umsPath}`,
        ...(emulator.dss
          ? [
              `  identity centre:   ${server.url}${emulator.dss.stsPath}`,
              `  signature service: ${server.url}${emulator.dss.signServerPath}`,
            ]
          : []),
      ],
      async close() {
        await server.close();
        await emulator.close();
      },
    };
  },
});

/** `trustspec-mock dss-ums`: serves the emulator until stopped; resolves to the exit code. */
export function runDssUmsMock(argv: string[], io: MockIo): Promise<number> {
  return command(argv, io);
}

function person(spec: string, role: "user" | "operator"): DssUserInit {
  const [login, password] = splitAtColon(spec, `--${role}`);
  if (password === undefined) throw new Error(`--${role} takes login:password`);
  return { login, password, role };
}
