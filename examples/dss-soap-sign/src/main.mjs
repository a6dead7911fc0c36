#!/usr/bin/env node
// @ts-check
// Signs a file through the CryptoPro DSS Sign Service's SOAP interface: a SAML token from the
// identity centre by WS-Trust (password, then a one-time password when the server asks), the
// signature made on the token/transport/nosc endpoint over HTTPS, written as <file>.sig (DER,
// detached CMS).
//
//   NODE_EXTRA_CA_CERTS=dss-ca.pem node src/main.mjs --url https://127.0.0.1:8443 --user demo FILE
//   password from DSS_PASSWORD, one-time password from DSS_OTP or asked on the terminal;
//   NODE_EXTRA_CA_CERTS names the CA that issued the server's TLS certificate, when it is not
//   one Node trusts already (the emulator's test CA: `trustspec-mock dss --https --ca-cert-out`).
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { signFileOverSoap } from "./sign.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: "https://127.0.0.1:8443" },
    user: { type: "string", default: "demo" },
    out: { type: "string" },
  },
});

const file = positionals[0];
if (!file) {
  console.error("usage: main.mjs [--url https://HOST[:PORT]] [--user LOGIN] [--out FILE.sig] FILE");
  process.exit(2);
}

/** @param {string} prompt */
async function askOtp(prompt) {
  const fromEnv = process.env.DSS_OTP;
  if (fromEnv !== undefined) return fromEnv;
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return (await rl.question(`${prompt}: `)).trim();
  } finally {
    rl.close();
  }
}

try {
  const result = await signFileOverSoap({
    baseUrl: values.url.replace(/\/+$/, ""),
    username: values.user,
    password: process.env.DSS_PASSWORD ?? values.user,
    askOtp,
    content: readFileSync(file),
    name: basename(file),
    log: (line) => console.log(line),
  });
  const out = values.out ?? `${file}.sig`;
  writeFileSync(out, result.der);
  console.log(`wrote ${out} (${result.der.byteLength} bytes, detached CMS)`);
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
