import {
  emulatorCommand,
  type MockIo,
  splitAtColon,
  writeOptionFile,
} from "@trustspec/runtime/cli";
import { toPem } from "../cms/index.js";
import { DSSActionsName } from "../generated/signserver/types.gen.js";
import { DEFAULT_OTP, type DssUserInit } from "./demo.js";
import { DssEmulator, type DssEmulatorOptions } from "./index.js";

const ACTIONS = Object.values(DSSActionsName).filter((a) => a !== "Issue");

const command = emulatorCommand({
  api: "dss",
  about: `Runs an in-memory CryptoPro DSS: the identity centre (OAuth 2.0, confirmation service) under
/STS, the Signature Service REST API under /SignServer/rest/api and the SOAP Sign Service at
/SignServer/SignService.svc (its eight endpoints, the …/transport ones with --https; ?wsdl,
/mex), with a test CA made at start.`,
  port: 8080,
  options: {
    user: {
      type: "string",
      multiple: true,
      value: "<login:password>",
      help: "a user with one certificate (repeatable)",
    },
    operator: {
      type: "string",
      multiple: true,
      value: "<login:password>",
      help: "an operator, who approves requests and acts for users by token exchange (repeatable)",
    },
    client: {
      type: "string",
      multiple: true,
      value: "<id[:secret]>",
      help: "an OAuth client; without a secret a public one (repeatable)",
    },
    otp: {
      type: "string",
      value: "<code>",
      help: `the one-time password that confirms operations (default ${DEFAULT_OTP})`,
    },
    confirm: {
      type: "string",
      multiple: true,
      value: "<action>",
      help: `an action that needs a confirmed transaction (repeatable): ${ACTIONS.join(", ")}`,
    },
    mydss: {
      type: "boolean",
      default: false,
      help: "users confirm on the phone (myDSS): confirmations stay pending",
    },
    "auto-approve": {
      type: "string",
      value: "<ms>",
      help: "with --mydss, approve each confirmation after this delay",
    },
    "ca-cert-out": {
      type: "string",
      value: "<file>",
      help: "write the test CA's certificate (PEM), which every certificate, signature and the HTTPS server certificate of the emulator chain to",
    },
    https: {
      type: "boolean",
      default: false,
      help: "serve HTTPS with a server certificate from the test CA (for localhost and 127.0.0.1); clients may present a certificate. Trust the CA from --ca-cert-out (e.g. NODE_EXTRA_CA_CERTS=<file>); without --ca-cert-out it is printed",
    },
  },
  notes: `Without --user and --operator: the user demo (password demo) and the operator operator
(password operator). Without --client: the public client dss.sample. The authorize endpoints
take the user's login and password as HTTP Basic credentials (there is no login page).
Signatures are CMS with RSA keys of the test CA, not GOST.`,
  configure(values) {
    const options: DssEmulatorOptions = {};
    const people = [
      ...(values.user ?? []).map((spec) => ({ spec, role: "user" as const })),
      ...(values.operator ?? []).map((spec) => ({ spec, role: "operator" as const })),
    ];
    if (people.length > 0) {
      options.users = people.map(({ spec, role }): DssUserInit => {
        const [login, password] = splitAtColon(spec, `--${role}`);
        if (password === undefined) throw new Error(`--${role} takes login:password`);
        return {
          login,
          password,
          role,
          ...(values.mydss ? { confirmation: "mydss" as const } : {}),
        };
      });
    } else if (values.mydss) {
      options.users = [
        { login: "demo", password: "demo", confirmation: "mydss" },
        { login: "operator", password: "operator", role: "operator" },
      ];
    }
    if (values.client && values.client.length > 0) {
      options.clients = values.client.map((spec) => {
        const [id, secret] = splitAtColon(spec, "--client");
        return secret === undefined || secret === "" ? { id } : { id, secret };
      });
    }
    if (values.otp !== undefined) options.otp = values.otp;
    for (const a of values.confirm ?? []) {
      if (!(ACTIONS as string[]).includes(a)) throw new Error(`--confirm: unknown action "${a}"`);
    }
    if (values.confirm && values.confirm.length > 0) {
      options.confirmActions = values.confirm as DSSActionsName[];
    }
    const autoApprove = values["auto-approve"];
    if (autoApprove !== undefined) {
      if (!/^\d{1,7}$/.test(autoApprove)) {
        throw new Error("--auto-approve must be a number of milliseconds");
      }
      options.autoApproveMs = Number(autoApprove);
    }
    return { options, caCertOut: values["ca-cert-out"], https: values.https === true };
  },
  async start({ options, caCertOut, https }, where) {
    const emulator = new DssEmulator(options);
    const server = await emulator.listen({
      ...where,
      ...(https ? { https: { requestCert: true } } : {}),
    });
    if (caCertOut) {
      try {
        await writeOptionFile(
          "--ca-cert-out",
          caCertOut,
          toPem(emulator.caCertificate, "CERTIFICATE"),
        );
      } catch (e) {
        await server.close();
        throw e;
      }
    }
    return {
      url: server.url,
      lines: [
        `  identity centre:   ${server.url}${emulator.stsPath}`,
        `  signature service: ${server.url}${emulator.signServerPath}`,
        `  sign service SOAP: ${server.url}/SignServer/SignService.svc?wsdl`,
        `  web front-end:     ${server.url}/frontend`,
        ...(https
          ? caCertOut
            ? [`  test CA (trust it for HTTPS): ${caCertOut}`]
            : [
                "  test CA (trust it for HTTPS; --ca-cert-out <file> writes it):",
                ...emulator.caCertificatePem.trimEnd().split("\n"),
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

/** `trustspec-mock dss`: serves the emulator until stopped; resolves to the exit code. */
export function runDssMock(argv: string[], io: MockIo): Promise<number> {
  return command(argv, io);
}
