// Child process of the DSS benchmark: the DSS emulator and a bare node:http handler that does
// only what signing needs (parse the JSON body, make the same CAdES-BES CMS with the same kind of
// key, answer the Base64 string), side by side on 127.0.0.1. The ratio shows what the emulator's
// router, contract checks, token check and state cost on top of the signature itself.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestCa, issueCertificate, signCms } from "../src/cms/index.js";
import { DssEmulator } from "../src/emulator/index.js";

const ca = await createTestCa({ commonName: "bench CA", algorithm: "RSA" });
const signer = await issueCertificate(ca, { subject: "CN=bench", algorithm: "RSA" });
if (!signer.privateKey) throw new Error("no private key");
const key = { certificate: signer.certificate, privateKey: signer.privateKey };

const bare = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", () => {
    if (req.headers.authorization !== "Bearer bench") {
      res.writeHead(401).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { Content: string };
    signCms(new Uint8Array(Buffer.from(body.Content, "base64")), key).then((cms) => {
      const out = JSON.stringify(Buffer.from(cms).toString("base64"));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(out);
    });
  });
});
await new Promise<void>((r) => bare.listen(0, "127.0.0.1", r));

const dss = await DssEmulator.create({ ca, keyAlgorithm: "RSA", confirmation: "Off" });
const server = await dss.listen();
process.send?.({
  bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}`,
  emulator: `${server.url}/SignServer/rest/api`,
  token: dss.issueAccessToken("demo"),
});
