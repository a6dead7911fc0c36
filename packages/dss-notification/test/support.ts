import { readFileSync } from "node:fs";
import { join } from "node:path";
import { inlineSchemaDocuments } from "@trustspec-private/spec-dss-notification/schemas";
import { DOMParser, XMLSerializer } from "@xmldom/xmldom";
import { validateXML } from "xmllint-wasm";

export const repo = join(import.meta.dirname, "..", "..", "..");
export const wsdlText = readFileSync(
  join(repo, "specs", "dss-notification", "NotificationService.wsdl"),
  "utf8",
);
const [mainSchema, ...otherSchemas] = inlineSchemaDocuments(wsdlText);

/**
 * Validates one element's XML against the WSDL's schemas with libxml2 (xmllint, WebAssembly):
 * an implementation of XML Schema that is not ours.
 */
export async function validateAgainstXsd(xml: string): Promise<string[]> {
  const result = await validateXML({
    xml: [{ fileName: "message.xml", contents: xml }],
    schema: [mainSchema!],
    preload: otherSchemas,
  });
  return result.errors.map((e) => e.rawMessage ?? e.message);
}

/** The one element in a SOAP body, as standalone XML (its in-scope namespaces kept). */
export function bodyElement(envelope: string): string {
  const doc = new DOMParser().parseFromString(envelope, "text/xml");
  const body = doc.getElementsByTagNameNS("*", "Body")[0]!;
  let el = body.firstChild;
  while (el && el.nodeType !== 1) el = el.nextSibling;
  const clone = el!.cloneNode(true) as unknown as {
    setAttribute(n: string, v: string): void;
    hasAttribute(n: string): boolean;
  };
  // Namespaces declared on the envelope or body are copied onto the element.
  for (const holder of [doc.documentElement!, body]) {
    for (let i = 0; i < holder.attributes.length; i++) {
      const a = holder.attributes.item(i)!;
      if (a.name.startsWith("xmlns") && !clone.hasAttribute(a.name))
        clone.setAttribute(a.name, a.value);
    }
  }
  return new XMLSerializer().serializeToString(clone as never);
}

export const NOTIFY_ACTION =
  "http://dss.cryptopro.ru/sim/services/2015/11/INotificationService/Notify";

/** POSTs a SOAP 1.1 request body to a URL with the Notify SOAPAction (or the given headers). */
export async function post(
  url: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "text/xml; charset=utf-8",
      soapaction: `"${NOTIFY_ACTION}"`,
      ...headers,
    },
    body: body as BodyInit,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

export function envelope(body: string): string {
  return `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${body}</s:Body></s:Envelope>`;
}

export const TNS = "http://dss.cryptopro.ru/sim/services/2015/11/";
