import { parseArgs } from "node:util";
import {
  describeStartError,
  type MockIo,
  parsePort,
  writeOptionFile,
} from "@trustspec/runtime/server";
import { toPem } from "../cms/index.js";
import { DSSActionsName } from "../generated/signserver/types.gen.js";
import { DEFAULT_OTP, type DssUserInit } from "./demo.js";
import { DssEmulator } from "./index.js";
import type { DssClient } from "./state.js";

const ACTIONS = Object.values(DSSActionsName).filter((a) => a !== "Issue");

const help = `Usage: trustspec-mock dss [options]

Runs an in-memory CryptoPro DSS: the identity centre (OAuth 2.0, confirmation service) under
/STS and the Signature Service REST API under /SignServer/rest/api, with a test CA made at start.
  --host <addr>              address to listen on (default 127.0.0.1)
  --port <n>                 port (default 8080; 0 picks a free one)
  --user <login:password>    a user with one certificate (repeatable)
  --operator <login:password>
                             an operator, who approves requests and acts for users by token
                             exchange (repeatable)
  --client <id[:secret]>     an OAuth client; without a secret a public one (repeatable)
  --otp <code>               the one-time password that confirms operations (default ${DEFAULT_OTP})
  --confirm <action>         an action that needs a confirmed transaction (repeatable):
                             ${ACTIONS.join(", ")}
  --mydss                    users confirm on the phone (myDSS): confirmations stay pending
  --auto-approve <ms>        with --mydss, approve each confirmation after this delay
  --ca-cert-out <file>       write the test CA's certificate (PEM), which every certificate
                             and signature of the emulator chains to
  --help                     this text

Without --user and --operator: the user demo (password demo) and the operator operator
(password operator). Without --client: the public client dss.sample. The authorize endpoints
take the user's login and password as HTTP Basic credentials (there is no login page).
Signatures are CMS with RSA keys of the test CA, not GOST.`;

/** Splits `login:password` (or `id:secret`) at the first colon. */
function pair(value: string, what: string): [string, string | undefined] {
  const colon = value.indexOf(":");
  const name = colon < 0 ? value : value.slice(0, colon);
  if (name === "") throw new Error(`${what} needs a name before the colon`);
  return [name, colon < 0 ? undefined : value.slice(colon + 1)];
}

/** `trustspec-mock dss`: serves the emulator until stopped; resolves to the exit code. */
export async function runDssMock(argv: string[], io: MockIo): Promise<number> {
  let values: ReturnType<typeof parse>["values"];
  let users: DssUserInit[] | undefined;
  let clients: DssClient[] | undefined;
  try {
    values = parse(argv).values;
    const mydss = values.mydss;
    const people = [
      ...(values.user ?? []).map((u) => ({ spec: u, role: "user" as const })),
      ...(values.operator ?? []).map((u) => ({ spec: u, role: "operator" as const })),
    ];
    if (people.length > 0) {
      users = people.map(({ spec, role }) => {
        const [login, password] = pair(spec, `--${role}`);
        if (password === undefined) throw new Error(`--${role} takes login:password`);
        return { login, password, role, ...(mydss ? { confirmation: "mydss" as const } : {}) };
      });
    } else if (mydss) {
      users = [
        { login: "demo", password: "demo", confirmation: "mydss" },
        { login: "operator", password: "operator", role: "operator" },
      ];
    }
    if (values.client && values.client.length > 0) {
      clients = values.client.map((spec) => {
        const [id, secret] = pair(spec, "--client");
        return secret === undefined || secret === "" ? { id } : { id, secret };
      });
    }
    for (const a of values.confirm ?? []) {
      if (!(ACTIONS as string[]).includes(a)) throw new Error(`--confirm: unknown action "${a}"`);
    }
    if (values["auto-approve"] !== undefined && !/^\d{1,7}$/.test(values["auto-approve"])) {
      throw new Error("--auto-approve must be a number of milliseconds");
    }
  } catch (e) {
    io.err(`trustspec-mock dss: ${e instanceof Error ? e.message : e}\n\n${help}`);
    return 2;
  }
  if (values.help) {
    io.out(help);
    return 0;
  }
  const port = parsePort(values.port);
  if (port === undefined) {
    io.err("trustspec-mock dss: --port must be a number from 0 to 65535");
    return 2;
  }
  let emulator: DssEmulator;
  let server: Awaited<ReturnType<DssEmulator["listen"]>>;
  try {
    emulator = new DssEmulator({
      ...(users ? { users } : {}),
      ...(clients ? { clients } : {}),
      ...(values.otp !== undefined ? { otp: values.otp } : {}),
      ...(values.confirm && values.confirm.length > 0
        ? { confirmActions: values.confirm as DSSActionsName[] }
        : {}),
      ...(values["auto-approve"] !== undefined
        ? { autoApproveMs: Number(values["auto-approve"]) }
        : {}),
    });
    server = await emulator.listen({ host: values.host, port });
    if (values["ca-cert-out"]) {
      try {
        await writeOptionFile(
          "--ca-cert-out",
          values["ca-cert-out"],
          toPem(emulator.caCertificate, "CERTIFICATE"),
        );
      } catch (e) {
        await server.close();
        throw e;
      }
    }
  } catch (e) {
    // A busy port, an address that cannot be bound, an unwritable --ca-cert-out: one line, exit 1.
    io.err(`trustspec-mock dss: ${describeStartError(e, { host: values.host, port })}`);
    return 1;
  }
  io.out(`listening on ${server.url}`);
  io.out(`  identity centre:   ${server.url}${emulator.stsPath}`);
  io.out(`  signature service: ${server.url}${emulator.signServerPath}`);
  await io.stopped;
  await server.close();
  await emulator.close();
  return 0;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      host: { type: "string", default: "127.0.0.1" },
      port: { type: "string", default: "8080" },
      user: { type: "string", multiple: true },
      operator: { type: "string", multiple: true },
      client: { type: "string", multiple: true },
      otp: { type: "string" },
      confirm: { type: "string", multiple: true },
      mydss: { type: "boolean", default: false },
      "auto-approve": { type: "string" },
      "ca-cert-out": { type: "string" },
      help: { type: "boolean", default: false },
    },
  });
}
