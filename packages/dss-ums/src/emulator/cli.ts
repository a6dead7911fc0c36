import { KeyObject } from "node:crypto";
import { toPem } from "@trustspec/dss/cms";
import type { DssClient, DssEmulatorOptions, DssUserInit } from "@trustspec/dss/server";
import {
  emulatorCommand,
  type MockIo,
  readOptionFileSync,
  splitAtColon,
  writeOptionFile,
} from "@trustspec/runtime/cli";
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
they register sign in there too. The SOAP service of the same users is at
/STS/UserManagement.svc (?wsdl): /cert with an operator's TLS client certificate (--https),
/token with a SAML token of the identity centre (/STS/Active.svc).`,
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
    https: {
      type: "boolean",
      default: false,
      help: "serve HTTPS with a server certificate from the test CA (for localhost and 127.0.0.1), asking clients for a certificate: the SOAP endpoint /cert takes the operator's. Trust the CA from --ca-cert-out (e.g. NODE_EXTRA_CA_CERTS=<file>); without --ca-cert-out it is printed",
    },
    "ca-cert-out": {
      type: "string",
      value: "<file>",
      help: "with --https, write the test CA's certificate (PEM) the HTTPS server certificate chains to",
    },
    "operator-cert-out": {
      type: "string",
      value: "<file>",
      help: "with --https beside the DSS emulator, write the first operator's certificate and private key (PEM), which the identity centre holds for it: present them to /cert",
    },
    "operator-cert": {
      type: "string",
      value: "<file>",
      help: "with --standalone, the operator's certificate (PEM) that /cert accepts",
    },
  },
  notes: `Errors answer {"Message": …, "ExceptionType": <cause>} (guide, §5.6.5).`,
  configure(values) {
    const dssOptions: DssEmulatorOptions = {};
    const https = values.https === true;
    const people: DssUserInit[] = [
      ...(values.operator ?? []).map((spec) => person(spec, "operator")),
      ...(values.user ?? []).map((spec) => person(spec, "user")),
    ];
    if (people.length > 0 || (https && !values.standalone)) {
      if (people.length === 0) people.push({ login: "demo", password: "demo" });
      if (!people.some((p) => p.role === "operator")) {
        people.push({ login: "operator", password: "operator", role: "operator" });
      }
      // Over HTTPS operators get a certificate, which the SOAP endpoint /cert takes.
      if (https) for (const p of people) if (p.role === "operator") p.certificate = true;
      dssOptions.users = people;
    }
    for (const option of ["ca-cert-out", "operator-cert-out"] as const) {
      if (values[option] !== undefined && !https) throw new Error(`--${option} goes with --https`);
    }
    if (values["operator-cert-out"] !== undefined && values.standalone) {
      throw new Error("--operator-cert-out goes with the DSS emulator, not --standalone");
    }
    if (values["operator-cert"] !== undefined && !values.standalone) {
      throw new Error("--operator-cert goes with --standalone");
    }
    const operatorCert =
      values["operator-cert"] === undefined
        ? undefined
        : readOptionFileSync("--operator-cert", values["operator-cert"], "a PEM certificate");
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
        ? {
            operators: [
              {
                token: values.token ?? DEFAULT_OPERATOR_TOKEN,
                login: "operator",
                ...(operatorCert !== undefined ? { certificate: operatorCert } : {}),
              },
            ],
          }
        : { dss: dssOptions }),
      ...(values.group && values.group.length > 0 ? { groups: values.group } : {}),
      ...(values["identifier-type"] && values["identifier-type"].length > 0
        ? { identifierTypes: values["identifier-type"] as IdentifierTypeName[] }
        : {}),
      ...(oathTokens.length > 0 ? { oathTokens } : {}),
    };
    return {
      options,
      seed,
      https,
      caCertOut: values["ca-cert-out"],
      operatorCertOut: values["operator-cert-out"],
    };
  },
  async start({ options, seed, https, caCertOut, operatorCertOut }, where) {
    const emulator = new DssUmsEmulator(options);
    if (seed > 0) emulator.seedUsers(seed);
    const server = await emulator.listen({ ...where, ...(https ? { https: true } : {}) });
    try {
      if (caCertOut) await writeOptionFile("--ca-cert-out", caCertOut, emulator.caCertificatePem);
      if (operatorCertOut) {
        await writeOptionFile("--operator-cert-out", operatorCertOut, operatorPem(emulator));
      }
    } catch (e) {
      await server.close();
      await emulator.close();
      throw e;
    }
    return {
      url: server.url,
      lines: [
        `  user management:   ${server.url}${emulator.umsPath}`,
        `  UMS over SOAP:     ${server.url}${emulator.soapPath}?wsdl (${soapEndpoints(https, emulator.dss !== undefined)})`,
        ...(emulator.dss
          ? [
              `  identity centre:   ${server.url}${emulator.dss.stsPath}`,
              `  signature service: ${server.url}${emulator.dss.signServerPath}`,
            ]
          : []),
        ...(https
          ? caCertOut
            ? [`  test CA (trust it for HTTPS): ${caCertOut}`]
            : [
                "  test CA (trust it for HTTPS; --ca-cert-out <file> writes it):",
                ...emulator.caCertificatePem.trimEnd().split("\n"),
              ]
          : []),
        ...(operatorCertOut
          ? [`  operator's certificate and key for /cert: ${operatorCertOut}`]
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

/** The SOAP endpoints a run serves: /cert over HTTPS, /token beside the DSS emulator. */
function soapEndpoints(https: boolean, dss: boolean): string {
  const cert = https ? "/cert" : "/cert needs --https";
  return dss ? `${cert}; /token` : `${cert}; /token needs the DSS emulator`;
}

/** The first operator's certificate and private key (PEM), as the DSS emulator holds them. */
function operatorPem(emulator: DssUmsEmulator): string {
  const dss = emulator.dss!;
  const operator = [...dss.state.users.values()].find((u) => u.role === "operator");
  const held = operator ? dss.state.certificatesOf(operator.login)[0] : undefined;
  if (!held?.privateKey) throw new Error("no operator holds a certificate");
  const key = KeyObject.from(held.privateKey).export({ type: "pkcs8", format: "pem" }) as string;
  return toPem(held.der, "CERTIFICATE") + key;
}

function person(spec: string, role: "user" | "operator"): DssUserInit {
  const [login, password] = splitAtColon(spec, `--${role}`);
  if (password === undefined) throw new Error(`--${role} takes login:password`);
  return { login, password, role };
}
