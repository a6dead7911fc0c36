#!/usr/bin/env node
// @ts-check
// Registers an installation of an integration solution in Честный ЗНАК СУЗ (the request signed
// with the participant's certificate), signs in through ИС МДЛП for a client token, and calls
// the СУЗ API with it.
//
//   node src/main.mjs --url http://127.0.0.1:8090 --oms-id <uuid> --cert cert.pem --key key.pem
//        [--mdlp-url <ИС МДЛП stand>] [--registration-key <key>] [--address <text>] [--name <text>]
//        [--extension pharma]
//   node src/main.mjs --url http://127.0.0.1:8090 --oms-id <uuid> --test-pki   (emulator only)
//
// The key is an unencrypted PKCS#8 PEM: GOST R 34.10-2012 (as OpenSSL's GOST engine writes it),
// RSA or EC P-256. ИС МДЛП credentials from MDLP_CLIENT_ID, MDLP_CLIENT_SECRET and, for
// PASSWORD, MDLP_USER_ID and MDLP_PASSWORD; without MDLP_PASSWORD the code is signed
// (SIGNED_CODE) and user_id is the certificate's thumbprint. Defaults: the client of the
// document's examples, which the trustspec emulator knows.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import {
  createGostTestCa,
  issueGostCertificate,
  SANDBOX_REGISTRATION_KEY,
  SoftwareSigner,
} from "@trustspec/suz";
import { connect, format } from "./connect.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8090" },
    "mdlp-url": { type: "string" },
    "oms-id": { type: "string" },
    "registration-key": { type: "string", default: SANDBOX_REGISTRATION_KEY },
    address: { type: "string", default: "г.Москва, ул. Ленинские горы, 1" },
    name: { type: "string" },
    extension: { type: "string", default: "pharma" },
    cert: { type: "string" },
    key: { type: "string" },
    "test-pki": { type: "boolean", default: false },
  },
});

async function signer() {
  if (values["test-pki"]) {
    // A throwaway GOST test CA and participant certificate: only the emulator accepts them.
    const ca = await createGostTestCa({ subject: "CN=Тестовый УЦ, C=RU" });
    const user = await issueGostCertificate(ca, { subject: "CN=ООО Пример, INNLE=7700000000" });
    return new SoftwareSigner({ certificate: user.certificate, privateKey: user.privateKey });
  }
  if (!values.cert || !values.key)
    throw new Error("give --cert and --key (or --test-pki for the emulator)");
  return SoftwareSigner.fromPem(
    readFileSync(values.cert, "utf8"),
    readFileSync(values.key, "utf8"),
  );
}

try {
  if (!values["oms-id"]) throw new Error("give --oms-id, the id of the СУЗ instance");
  const env = process.env;
  const result = await connect({
    suzUrl: values.url,
    mdlpUrl: values["mdlp-url"] ?? values.url,
    omsId: values["oms-id"],
    registrationKey: values["registration-key"],
    address: values.address,
    ...(values.name ? { name: values.name } : {}),
    extension: values.extension,
    signer: await signer(),
    mdlp: {
      clientId: env.MDLP_CLIENT_ID ?? "7df0d06f-6510-44fe-a378-76cb53e2605f",
      clientSecret: env.MDLP_CLIENT_SECRET ?? "49781b3a-19d5-4ad7-b1b6-abb57e598d41",
      ...(env.MDLP_USER_ID ? { userId: env.MDLP_USER_ID } : {}),
      ...(env.MDLP_PASSWORD !== undefined ? { password: env.MDLP_PASSWORD } : {}),
    },
  });
  console.log(format(result));
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
