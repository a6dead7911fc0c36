// Checks the transcribed WSDL: it is well-formed, its three inline schemas compile together
// (libxml2's XSD validator, as WebAssembly), and a minimal Notify message validates against them.
import { readFileSync } from "node:fs";
import { validateXML } from "xmllint-wasm";
import { inlineSchemaDocuments } from "./schemas.mjs";

const wsdl = readFileSync(new URL("./NotificationService.wsdl", import.meta.url), "utf8");
const [main, ...rest] = inlineSchemaDocuments(wsdl);
if (!main) throw new Error("NotificationService.wsdl: no inline schema");
const message = `<Notify xmlns="http://dss.cryptopro.ru/sim/services/2015/11/"><opResult><OperationCode>100</OperationCode><ResultCode>0</ResultCode><UserIdentifier>+79990000000</UserIdentifier></opResult></Notify>`;
const result = await validateXML({
  xml: [{ fileName: "notify.xml", contents: message }],
  schema: [main],
  preload: rest,
});
if (!result.valid) {
  console.error(`NotificationService.wsdl: ${result.errors.map((e) => e.rawMessage).join("\n")}`);
  process.exit(1);
}
console.log(
  "specs/dss-notification: NotificationService.wsdl is well-formed and its schemas validate a Notify message",
);
