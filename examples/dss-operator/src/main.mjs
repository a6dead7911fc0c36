#!/usr/bin/env node
// @ts-check
// A DSS operator's round: register a user with a password and one-time passwords by SMS, require
// confirmation of signing, find the user by a filter, then remove the user's certificate
// requests, certificates and account.
//
//   node src/main.mjs --url http://127.0.0.1:8080 [--login anna] [--phone +79150000000]
//   operator credentials from DSS_OPERATOR / DSS_OPERATOR_PASSWORD (default operator/operator)
//
// Against the emulator: npx trustspec-mock dss-ums --port 8080
import { parseArgs } from "node:util";
import { createDssOperator } from "@trustspec/dss-ums";
import { run } from "./scenario.mjs";

const { values } = parseArgs({
  options: {
    url: { type: "string", default: "http://127.0.0.1:8080" },
    client: { type: "string", default: "dss.sample" },
    login: { type: "string", default: `dss-operator-example-${Date.now()}` },
    phone: { type: "string", default: "+79150000000" },
  },
});

const operator = createDssOperator({
  baseUrl: values.url,
  client: { clientId: values.client },
  operator: {
    username: process.env.DSS_OPERATOR ?? "operator",
    password: process.env.DSS_OPERATOR_PASSWORD ?? "operator",
  },
});

try {
  for (const line of await run(operator, { login: values.login, phone: values.phone }))
    console.log(line);
} catch (error) {
  console.error(error instanceof Error ? `${error.name}: ${error.message}` : error);
  process.exitCode = 1;
}
