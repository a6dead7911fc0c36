import { readFile } from "node:fs/promises";
import type { Element } from "@xmldom/xmldom";
import type {
  ApiModel,
  SoapFaultModel,
  SoapModel,
  SoapOperationModel,
  XmlElementModel,
} from "../model.js";
import { servedWsdl } from "./wsdl-served.js";
import { child, children, key, parse, qname } from "./xml-dom.js";
import { baseModel, withReferencedSchemas, type XmlInputOptions, XS, XsdReader } from "./xsd.js";

/** The WSDL as served at `?wsdl`, with the schema documents served beside it (if any). */
function servedWsdlOf(
  text: string,
  options: XmlInputOptions,
): Pick<SoapModel, "wsdl" | "schemaDocuments"> {
  const served = servedWsdl(text, options.file, options.readText);
  return Object.keys(served.documents).length > 0
    ? { wsdl: served.wsdl, schemaDocuments: served.documents }
    : { wsdl: text };
}

/**
 * WSDL 1.1 input: the inline schemas are read by the XML Schema reader (`xsd.ts`), and the port
 * type and SOAP binding (1.1 or 1.2, document/literal) become the service's operations, with
 * their SOAPActions, WS-Addressing actions and the service's address.
 */

const WSDL = "http://schemas.xmlsoap.org/wsdl/";
const WSDL_SOAP11 = "http://schemas.xmlsoap.org/wsdl/soap/";
const WSDL_SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
const WSAW = [
  "http://www.w3.org/2006/05/addressing/wsdl",
  "http://www.w3.org/2007/05/addressing/metadata",
];
const WSP = ["http://www.w3.org/ns/ws-policy", "http://schemas.xmlsoap.org/ws/2004/09/policy"];
const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";

/**
 * Whether a binding uses WS-Addressing 1.0, by one rule: the binding holds `wsaw:UsingAddressing`
 * (WS-Addressing 1.0 WSDL Binding), or its policy (an inline `wsp:Policy` or a
 * `wsp:PolicyReference` to a policy of the document by `wsu:Id`) asserts `wsaw:UsingAddressing`
 * or `wsam:Addressing` (WS-Addressing 1.0 Metadata) among its own alternatives, not marked
 * `wsp:Optional`, and not nested inside another assertion (such as the bootstrap policy of a
 * secure conversation token, which governs another exchange). `wsaw:Action` attributes alone do
 * not count: WCF publishes them for bindings without addressing too (`basicHttpBinding`).
 */
function usesAddressing(binding: Element, root: Element): boolean {
  const isWsp = (el: Element, local: string) =>
    WSP.includes(el.namespaceURI ?? "") && el.localName === local;
  const elements = (el: Element) =>
    Array.from(el.childNodes).filter((n): n is Element => n.nodeType === 1);
  const asserts = (policy: Element, depth = 0): boolean =>
    depth < 16 &&
    elements(policy).some((el) => {
      if (isWsp(el, "Policy") || isWsp(el, "ExactlyOne") || isWsp(el, "All"))
        return asserts(el, depth + 1);
      if (isWsp(el, "PolicyReference")) {
        const target = policyById(el.getAttribute("URI") ?? "");
        return target !== undefined && asserts(target, depth + 1);
      }
      const optional = WSP.some((ns) => el.getAttributeNS(ns, "Optional") === "true");
      return (
        !optional &&
        ((el.namespaceURI === WSAW[0] && el.localName === "UsingAddressing") ||
          (el.namespaceURI === WSAW[1] && el.localName === "Addressing"))
      );
    });
  const policyById = (uri: string): Element | undefined => {
    if (!uri.startsWith("#")) return undefined;
    const id = uri.slice(1);
    return elements(root).find(
      (el) =>
        isWsp(el, "Policy") &&
        (el.getAttributeNS(WSU, "Id") === id || el.getAttribute("Name") === id),
    );
  };
  return asserts(binding);
}

/** Reads a WSDL 1.1 document (with its inline schemas) into the internal model. */
export async function readWsdl(file: string, options: XmlInputOptions): Promise<ApiModel> {
  return wsdlToModel(await readFile(file, "utf8"), { file, ...options });
}

/** Converts WSDL 1.1 text into the internal model: its inline schemas, and its SOAP service. */
export function wsdlToModel(text: string, options: XmlInputOptions): ApiModel {
  const root = parse(text, options.source);
  if (root.namespaceURI !== WSDL || root.localName !== "definitions") {
    throw new Error(`${options.source}: a wsdl:definitions root is expected`);
  }
  const tns = root.getAttribute("targetNamespace") ?? "";
  const types = child(root, WSDL, "types");
  const schemaEls = withReferencedSchemas(
    types ? children(types, XS, "schema") : [],
    options.file,
    options.source,
    options.readText,
  );
  const model = baseModel(options, root.getAttribute("name") || options.name);
  const result = new XsdReader(schemaEls, options.source, model.bundleId).read();
  model.schemas = result.schemas;
  model.xml = result.xml;

  const byName = (local: string) => (c: Element) => c.getAttribute("name") === local;
  const messages = children(root, WSDL, "message");
  const portTypes = children(root, WSDL, "portType");
  const bindings = children(root, WSDL, "binding");
  const service = child(root, WSDL, "service") ?? fail("no wsdl:service");
  const port =
    children(service, WSDL, "port").find((p) => {
      const b = bindings.find(
        byName(qname(p, p.getAttribute("binding") ?? "", options.source).local),
      );
      return b && (child(b, WSDL_SOAP11, "binding") || child(b, WSDL_SOAP12, "binding"));
    }) ?? fail("no port with a SOAP binding");
  const binding = bindings.find(
    byName(qname(port, port.getAttribute("binding")!, options.source).local),
  )!;
  const soap11 = child(binding, WSDL_SOAP11, "binding");
  const soapNs = soap11 ? WSDL_SOAP11 : WSDL_SOAP12;
  const soapBinding = soap11 ?? child(binding, WSDL_SOAP12, "binding")!;
  const bindingStyle = soapBinding.getAttribute("style") ?? "document";
  const portType =
    portTypes.find(
      byName(qname(binding, binding.getAttribute("type") ?? "", options.source).local),
    ) ?? fail("the binding's port type is missing");

  function fail(what: string): never {
    throw new Error(`${options.source}: ${what}`);
  }
  const elementOf = (messageRef: string, at: Element): XmlElementModel => {
    const m =
      messages.find(byName(qname(at, messageRef, options.source).local)) ??
      fail(`unknown message ${messageRef}`);
    const parts = children(m, WSDL, "part");
    if (parts.length !== 1 || !parts[0]!.getAttribute("element")) {
      fail(
        `message ${m.getAttribute("name")}: document/literal needs exactly one part with an element`,
      );
    }
    const el = qname(parts[0]!, parts[0]!.getAttribute("element")!, options.source);
    return result.elementTypes.get(key(el)) ?? fail(`unknown element ${key(el)}`);
  };
  const wsaw = (el: Element) => {
    for (const ns of WSAW) {
      const a = el.getAttributeNS(ns, "Action");
      if (a) return a;
    }
    return undefined;
  };

  const operations: SoapOperationModel[] = [];
  for (const bop of children(binding, WSDL, "operation")) {
    const name = bop.getAttribute("name")!;
    const pop =
      children(portType, WSDL, "operation").find(byName(name)) ??
      fail(`operation ${name} is not in the port type`);
    const soapOp = child(bop, soapNs, "operation");
    const style = soapOp?.getAttribute("style") ?? bindingStyle;
    if (style !== "document") fail(`${name}: only document style is supported`);
    for (const dir of ["input", "output"] as const) {
      const body = child(bop, WSDL, dir) && child(child(bop, WSDL, dir)!, soapNs, "body");
      if (body && (body.getAttribute("use") ?? "literal") !== "literal")
        fail(`${name}: only literal use is supported`);
    }
    const input = child(pop, WSDL, "input") ?? fail(`${name}: no input`);
    const output = child(pop, WSDL, "output");
    const op: SoapOperationModel = {
      name,
      action: soapOp?.getAttribute("soapAction") ?? "",
      input: elementOf(input.getAttribute("message")!, input),
    };
    const inputAction = wsaw(input);
    if (inputAction) op.inputAction = inputAction;
    if (output) {
      op.output = elementOf(output.getAttribute("message")!, output);
      const outputAction = wsaw(output);
      if (outputAction) op.outputAction = outputAction;
    }
    const faults = children(pop, WSDL, "fault").map((f) => {
      const fault: SoapFaultModel = {
        name: f.getAttribute("name") ?? "",
        element: elementOf(f.getAttribute("message") ?? "", f).name,
      };
      const action = wsaw(f);
      if (action) fault.action = action;
      return fault;
    });
    if (faults.length > 0) op.faults = faults;
    const d = child(pop, WSDL, "documentation");
    if (d?.textContent?.trim()) op.description = d.textContent.trim();
    operations.push(op);
  }
  const soap: SoapModel = {
    ...(usesAddressing(binding, root) ? { addressing: true } : {}),
    version: soap11 ? "1.1" : "1.2",
    serviceName: service.getAttribute("name") ?? options.name,
    portName: port.getAttribute("name") ?? "",
    bindingName: binding.getAttribute("name") ?? "",
    portType: portType.getAttribute("name") ?? "",
    targetNamespace: tns,
    operations,
    ...servedWsdlOf(text, options),
  };
  const address = child(port, soapNs, "address")?.getAttribute("location");
  if (address) {
    soap.address = address;
    model.servers = [{ url: address }];
  }
  model.soap = soap;
  return model;
}
