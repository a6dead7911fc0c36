// Child process of the benchmark: the generated server stub (`createLicenceRouter` served by the
// runtime's `listen`) and bare node:http servers doing the same work by hand, side by side, all
// answering `GET /api/licences` with the same list of three licences. Asked with a message, it
// reports its CPU time, so the parent can measure the server CPU per request of each side.
//
// - stub: the stub as generated, request checks on (the `Licence-QueryID` header checked with its
//   compiled validator), answer check off (the stub's default);
// - bare: node:http that matches the method and path, reads the query, JSON.stringify-es the same
//   object and answers with the same status and headers (Content-Type, Content-Length);
// - stubChecked: the stub with `responseValidation: "strict"` (the answer checked against
//   LicenceList before it is sent);
// - bareChecked: the bare server that also checks the header and the answer with the same compiled
//   validators the stub uses.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { listen } from "@trustspec/runtime/server";
import {
  validateGetApiInfoLicenceQueryIDParam,
  validateLicenceList,
} from "../src/generated/validators.gen.js";
import { createLicenceRouter, formatLicenceError } from "../src/server.js";
import { sampleLicence } from "./sample.js";

const list = {
  Licences: [1, 2, 3].map((n) => ({ ...sampleLicence(), KeyNo: 7131765 + n })),
};

function bareHandler(checked: boolean) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    new URLSearchParams(q < 0 ? "" : url.slice(q + 1));
    if (req.method !== "GET" || (path !== "/api/licences" && path !== "/api/licences/")) {
      res.writeHead(404).end();
      return;
    }
    const queryId = req.headers["licence-queryid"];
    if (checked && queryId !== undefined && !validateGetApiInfoLicenceQueryIDParam(queryId)) {
      res.writeHead(400).end();
      return;
    }
    if (checked && !validateLicenceList(list)) {
      res.writeHead(500).end();
      return;
    }
    const body = Buffer.from(JSON.stringify(list));
    res.writeHead(200, {
      "content-type": "application/json;charset=utf-8",
      "content-length": String(body.byteLength),
    });
    res.end(body);
  };
}

async function bare(checked: boolean): Promise<string> {
  const server = createServer(bareHandler(checked));
  // The same idle keep-alive time as the runtime's `listen`.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/licences`;
}

async function stub(checked: boolean): Promise<string> {
  const router = createLicenceRouter(
    { listLicences: () => ({ status: 200, body: list }) },
    { formatError: formatLicenceError, ...(checked ? { responseValidation: "strict" } : {}) },
  );
  return `${(await listen(router)).url}/api/licences`;
}

process.on("message", () => {
  const cpu = process.cpuUsage();
  process.send?.({ cpuMicros: cpu.user + cpu.system });
});
process.send?.({
  stub: await stub(false),
  bare: await bare(false),
  stubChecked: await stub(true),
  bareChecked: await bare(true),
});
