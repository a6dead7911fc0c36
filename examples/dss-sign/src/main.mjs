#!/usr/bin/env node
// @ts-check
// Signs a file with the user's default certificate on a CryptoPro DSS server: obtains a token,
// confirms the signing transaction with a one-time password when the policy asks for it, writes
// the detached CMS signature as <file>.sig (DER) and verifies it.
//
//   node src/main.mjs --url http://127.0.0.1:8080 --user demo FILE
//   password from DSS_PASSWORD, one-time password from DSS_OTP or asked on the terminal
import { readFileSync, writeFileSync } from "node:fs";
import { basename } from "node:path";
import { createInterface } from "node:readline/promises";
import { parseArgs } from "node:util";
import { certificateBytes, signFile } from "./sign.mjs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    "sts-path": { type: "string", default: "/STS" },
    "sign-path": { type: "string", default: "/SignServer/rest/api" },
    user: { type: "string", default: "demo" },
    client: { type: "string", default: "dss.sample" },
    out: { type: "string" },
    "ca-cert": { type: "string" },
  },
});

const file = positionals[0];
if (!file) {
  console.error(
    "usage: main.mjs [--url URL] [--user LOGIN] [--client ID] [--out FILE.sig] [--ca-cert PEM] FILE",
  );
  process.exit(2);
}

const base = values.url.replace(/\/+$/, "");
const signUrl = `${base}${values["sign-path"]}`;

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
  const content = readFileSync(file);
  const result = await signFile({
    stsUrl: `${base}${values["sts-path"]}`,
    signUrl,
    resource: signUrl,
    clientId: values.client,
    username: values.user,
    password: () => process.env.DSS_PASSWORD ?? values.user,
    askOtp,
    content,
    name: basename(file),
    ...(values["ca-cert"] ? { trusted: [certificateBytes(readFileSync(values["ca-cert"]))] } : {}),
    log: (line) => console.log(line),
  });
  const out = values.out ?? `${file}.sig`;
  writeFileSync(out, result.der);
  console.log(`wrote ${out} (${result.der.byteLength} bytes, detached CMS)`);
  if (!result.verified) {
    console.error(
      `the signature does not verify: ${result.reason ?? "signed by another certificate"}`,
    );
    process.exitCode = 1;
  } else {
    console.log(`verified: signed by ${result.certificate.DName}`);
  }
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
