import { emulatorCommand, type MockIo, readOptionFileSync } from "@trustspec/runtime/cli";
import { ConfigurationError } from "@trustspec/runtime/core";
import { parseCertificate } from "../signing/gost/cms.js";
import {
  DEFAULT_MDLP_CLIENT,
  DEFAULT_MDLP_USER,
  SANDBOX_REGISTRATION_KEY,
  SuzEmulator,
  type SuzEmulatorOptions,
} from "./index.js";

const command = emulatorCommand({
  api: "suz",
  about: `Runs an in-memory Честный ЗНАК СУЗ with the ИС МДЛП and ГИС МТ (True API) sign-in, all on one
address: registration of installations (POST /api/v3/integration/connection, with the detached
CMS signature of the body in X-Signature: GOST R 34.10-2012, RSA or ECDSA), ИС МДЛП
(POST /api/v1/auth, POST /api/v1/token/{omsConnection}), ГИС МТ (GET /auth/key,
POST /auth/simpleSignIn/{omsConnection}) and GET /api/v2/{extension}/ping, which checks the
clientToken header.`,
  port: 8090,
  options: {
    "trusted-cert": {
      type: "string",
      multiple: true,
      value: "<pem-file>",
      help: "trust only signatures that chain to these CA certificates (repeatable; a file may hold several); default: any certificate",
    },
    "registration-key": {
      type: "string",
      multiple: true,
      value: "<key>",
      help: `an accepted X-RegistrationKey (repeatable; default the sandbox key ${SANDBOX_REGISTRATION_KEY})`,
    },
    "allow-unsigned": {
      type: "boolean",
      default: false,
      help: "accept registrations without X-Signature (pharmaceutical participants)",
    },
    "mdlp-client": {
      type: "string",
      multiple: true,
      value: "<id:secret>",
      help: `an ИС МДЛП client (repeatable; default the document's example ${DEFAULT_MDLP_CLIENT.clientId})`,
    },
    "mdlp-user": {
      type: "string",
      multiple: true,
      value: "<email:password>",
      help: `an ИС МДЛП PASSWORD user (repeatable; default ${DEFAULT_MDLP_USER.userId})`,
    },
    "mdlp-token-lifetime": {
      type: "string",
      value: "<min>",
      help: "life_time of ИС МДЛП tokens in minutes (default 30)",
    },
  },
  notes: "ГИС МТ tokens live 10 hours. A new token of an installation ends its previous one.",
  configure(values) {
    const options: SuzEmulatorOptions = {};
    if (values["trusted-cert"]?.length) {
      options.trustedCertificates = values["trusted-cert"].flatMap(pemCertificates);
    }
    if (values["registration-key"]?.length) options.registrationKeys = values["registration-key"];
    if (values["allow-unsigned"]) options.allowUnsignedRegistration = true;
    if (values["mdlp-client"]?.length) {
      options.mdlpClients = values["mdlp-client"].map((v) => {
        const [clientId, clientSecret] = pair(v, "--mdlp-client");
        return { clientId, clientSecret };
      });
    }
    if (values["mdlp-user"]?.length) {
      options.mdlpUsers = values["mdlp-user"].map((v) => {
        const [userId, password] = pair(v, "--mdlp-user");
        return { userId, password };
      });
    }
    const lifetime = values["mdlp-token-lifetime"];
    if (lifetime !== undefined) {
      if (!/^\d{1,6}$/.test(lifetime) || Number(lifetime) === 0) {
        throw new Error("--mdlp-token-lifetime must be a positive number of minutes");
      }
      options.mdlpTokenLifetimeMinutes = Number(lifetime);
    }
    return options;
  },
  async start(options, where, io) {
    const server = await new SuzEmulator({ ...options, log: (line) => io.err(line) }).listen(where);
    return {
      url: server.url,
      lines: [
        `  СУЗ registration and API: ${server.url}`,
        `  ИС МДЛП:                  ${server.url}`,
        `  ГИС МТ (True API):        ${server.url}`,
      ],
      close: () => server.close(),
    };
  },
});

/** `trustspec-mock suz`: serves the emulator until stopped; resolves to the exit code. */
export function runSuzMock(argv: string[], io: MockIo): Promise<number> {
  return command(argv, io);
}

/** `name:secret`, both parts present. */
function pair(value: string, what: string): [string, string] {
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1) throw new Error(`${what} takes name:secret`);
  return [value.slice(0, colon), value.slice(colon + 1)];
}

/** The DER certificates of a PEM file. */
function pemCertificates(file: string): Uint8Array[] {
  const text = readOptionFileSync("--trusted-cert", file, "a PEM file of CA certificates");
  const blocks = [
    ...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g),
  ];
  if (blocks.length === 0) {
    throw new ConfigurationError(
      "--trusted-cert",
      `--trusted-cert ${JSON.stringify(file)}: no PEM certificate in the file; pass a file with -----BEGIN CERTIFICATE----- blocks`,
    );
  }
  return blocks.map((m) => {
    const der = new Uint8Array(Buffer.from(m[1]!.replace(/\s+/g, ""), "base64"));
    try {
      parseCertificate(der);
    } catch (e) {
      throw new ConfigurationError(
        "--trusted-cert",
        `--trusted-cert ${JSON.stringify(file)}: a block is not an X.509 certificate (${e instanceof Error ? e.message.split("\n")[0] : String(e)}); pass a file of PEM certificates`,
        { cause: e },
      );
    }
    return der;
  });
}
