// Checks the Sign Service spec: SignService.wsdl and the XSD files it reaches are well-formed;
// the port type has the 23 operations of the guide's chapter 2 and every binding all of them,
// with the WS-SecurityPolicy its endpoint kind calls for; the schemas compile together
// (libxml2's XSD validator, as WebAssembly); the data contracts shared with the REST Signature
// Service (../dss-common/DssCommon.xsd, DSSRevRequest) have the REST spec's members, their types
// and the enumeration codes but for the differences contracts.mjs lists (contracts.test.mjs shows
// that drift is caught); and the example corpus holds:
// - examples/*.xml: Sign Service messages (SOAP 1.2), each body validated against the schemas and
//   its WS-Addressing action checked against the WSDL (the guide prints no Sign Service message);
// - examples/guide-6.3.1/*.xml: the four WS-Trust messages §6.3.1 of the guide prints (lines
//   10095-10450), re-joined where the PDF wraps lines. They are identity-centre messages, outside
//   this service's schemas: checked well-formed, with their defects named below;
// - examples/pdf-appearance/: example 1 of §2.8.5 (lines 3226-3340), the printed JSON and its
//   Base64 form, checked against the typed template of SignServiceTypes.xsd. Examples 2 and 3 are
//   printed truncated after their image data (lines 3340-3862) and are not fixtures.
import { readdirSync, readFileSync } from "node:fs";
import { validateXML } from "xmllint-wasm";
import { contractProblems } from "./contracts.mjs";
import { elementsNamed, parseXml, readSoap12, schemaSet } from "./schemas.mjs";

const WSDL = "http://schemas.xmlsoap.org/wsdl/";
const SOAP12 = "http://schemas.xmlsoap.org/wsdl/soap12/";
const WSP = "http://schemas.xmlsoap.org/ws/2004/09/policy";
const SP = "http://docs.oasis-open.org/ws-sx/ws-securitypolicy/200702";
const WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd";
const WSAW = "http://www.w3.org/2006/05/addressing/wsdl";
const XS = "http://www.w3.org/2001/XMLSchema";
const WSA = "http://www.w3.org/2005/08/addressing";
const TNS = "http://dss.cryptopro.ru/services/2014/06/";

const problems = [];
const check = (ok, what) => {
  if (!ok) problems.push(what);
};

/** The 23 operations of §2.1-2.5 (guide, lines 987-1920). */
const OPERATIONS = [
  "SignDocument",
  "SignDocuments",
  "EnhanceSignature",
  "EncryptDocument",
  "DecryptDocument",
  "GetCertificates",
  "GetCertificate",
  "GetCertificateContent",
  "SetCertificateProperty",
  "InstallCertificateBase64",
  "InstallCertificateDer",
  "DeleteCertificate",
  "GetRequests",
  "GetRequest",
  "DeleteRequest",
  "CreateRequest",
  "CreateRequestEx",
  "GetRequestContent",
  "GetRevokeRequests",
  "SetRequestStatus",
  "GetTransactionID",
  "GetDSSPolicy",
  "CreateTransactionToken",
];
/** The eight endpoints (guide, lines 930-973) and the policy each calls for. */
const ENDPOINTS = [
  "token",
  "token/nosc",
  "token/transport",
  "token/transport/nosc",
  "federation",
  "federation/nosc",
  "federation/transport",
  "federation/transport/nosc",
];

const wsdlUrl = new URL("./SignService.wsdl", import.meta.url);
const definitions = parseXml(readFileSync(wsdlUrl, "utf8"), "SignService.wsdl").documentElement;
check(definitions.getAttribute("targetNamespace") === TNS, "the target namespace");

// --- Port type, bindings, ports and policies ---------------------------------------------------
const portType = elementsNamed(definitions, WSDL, "portType").find(
  (p) => p.getAttribute("name") === "ISignService",
);
check(!!portType, "portType ISignService");
const actions = new Set();
const opNames = portType
  ? elementsNamed(portType, WSDL, "operation").map((o) => o.getAttribute("name"))
  : [];
check(
  JSON.stringify(opNames) === JSON.stringify(OPERATIONS),
  `ISignService's operations are the guide's 23 (found ${opNames.length}: ${opNames.join(", ")})`,
);
for (const op of portType ? elementsNamed(portType, WSDL, "operation") : []) {
  for (const dir of ["input", "output", "fault"]) {
    const el = elementsNamed(op, WSDL, dir)[0];
    check(!!el, `${op.getAttribute("name")}: wsdl:${dir}`);
    const action = el?.getAttributeNS(WSAW, "Action");
    if (action) actions.add(action);
  }
}
const policies = new Map(
  elementsNamed(definitions, WSP, "Policy").map((p) => [p.getAttributeNS(WSU, "Id"), p]),
);
const descendants = (el, ns, local) => Array.from(el.getElementsByTagNameNS(ns, local));
const bindings = new Map(
  elementsNamed(definitions, WSDL, "binding").map((b) => [b.getAttribute("name"), b]),
);
const service = elementsNamed(definitions, WSDL, "service")[0];
check(service?.getAttribute("name") === "SignService", "service SignService");
const ports = service ? elementsNamed(service, WSDL, "port") : [];
check(
  ports[0]?.getAttribute("name") === "WSHttpBinding_ISignService",
  "the first port is WSHttpBinding_ISignService (§7.2.3)",
);
const addresses = [];
for (const path of ENDPOINTS) {
  const port = ports.find((p) =>
    elementsNamed(p, SOAP12, "address")[0]
      ?.getAttribute("location")
      ?.endsWith(`/SignService.svc/${path}`),
  );
  if (!port) {
    check(false, `a port for the endpoint ${path}`);
    continue;
  }
  const location = elementsNamed(port, SOAP12, "address")[0].getAttribute("location");
  addresses.push(location);
  const transport = path.includes("transport");
  const session = !path.endsWith("nosc");
  check(location.startsWith(transport ? "https:" : "http:"), `${path}: the address scheme`);
  const binding = bindings.get(port.getAttribute("binding").replace(/^tns:/, ""));
  if (!binding) {
    check(false, `${path}: its binding`);
    continue;
  }
  check(!!elementsNamed(binding, SOAP12, "binding")[0], `${path}: a SOAP 1.2 binding`);
  const bops = elementsNamed(binding, WSDL, "operation").map((o) => o.getAttribute("name"));
  check(JSON.stringify(bops) === JSON.stringify(OPERATIONS), `${path}: the binding's operations`);
  const ref = elementsNamed(binding, WSP, "PolicyReference")[0]?.getAttribute("URI") ?? "";
  const policy = policies.get(ref.replace(/^#/, ""));
  if (!policy) {
    check(false, `${path}: its policy ${ref}`);
    continue;
  }
  const all = elementsNamed(elementsNamed(policy, WSP, "ExactlyOne")[0], WSP, "All")[0];
  const top = (local) => elementsNamed(all, SP, local)[0];
  // The token a binding's assertion names: a session's SecureConversationToken, else the issued one.
  const checkToken = (assertion, role) => {
    const [local, what] = session
      ? ["SecureConversationToken", "a secure conversation token"]
      : ["IssuedToken", "the issued token"];
    const policy = assertion && elementsNamed(assertion, WSP, "Policy")[0];
    check(
      !!policy && !!elementsNamed(policy, SP, local)[0],
      `${path}: the ${role} token is ${what}`,
    );
  };
  if (transport) {
    check(!!top("TransportBinding"), `${path}: a TransportBinding`);
    check(descendants(top("TransportBinding"), SP, "HttpsToken").length === 1, `${path}: HTTPS`);
    const endorsing = top("EndorsingSupportingTokens");
    check(!!endorsing, `${path}: an endorsing supporting token`);
    checkToken(endorsing, "endorsing");
  } else {
    const sym = top("SymmetricBinding");
    check(!!sym, `${path}: a SymmetricBinding`);
    checkToken(sym && descendants(sym, SP, "ProtectionToken")[0], "protection");
    for (const dir of ["input", "output"]) {
      const uri =
        elementsNamed(
          elementsNamed(elementsNamed(binding, WSDL, "operation")[0], WSDL, dir)[0],
          WSP,
          "PolicyReference",
        )[0]?.getAttribute("URI") ?? "";
      const parts = policies.get(uri.replace(/^#/, ""));
      check(
        !!parts && descendants(parts, SP, "EncryptedParts").length === 1,
        `${path}: the ${dir} message's signed and encrypted parts`,
      );
    }
  }
  const issued = descendants(policy, SP, "IssuedToken");
  check(issued.length === 1, `${path}: one issued token`);
  const issuer = issued[0] && elementsNamed(issued[0], SP, "Issuer")[0];
  check(
    path.startsWith("federation") === !!issuer,
    `${path}: the issuer is named iff the endpoint is federation`,
  );
  check(
    issued[0] &&
      descendants(issued[0], "http://docs.oasis-open.org/ws-sx/ws-trust/200512", "KeyType")[0]
        ?.textContent === "http://docs.oasis-open.org/ws-sx/ws-trust/200512/SymmetricKey",
    `${path}: a symmetric proof key`,
  );
}

// --- The shared data contracts against the REST spec -------------------------------------------
const contracts = contractProblems();
problems.push(...contracts.problems);

// --- Schemas and the Sign Service messages ------------------------------------------------------
const { main, preload } = schemaSet(wsdlUrl);
async function validate(name, xml) {
  const result = await validateXML({
    xml: [{ fileName: name, contents: xml }],
    schema: [main],
    preload,
  });
  check(result.valid, `${name}: ${result.errors.map((e) => e.rawMessage).join("; ")}`);
}
const examplesDir = new URL("./examples/", import.meta.url);
const messages = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".xml"))
  .sort();
const covered = new Set();
for (const file of messages) {
  const m = readSoap12(readFileSync(new URL(file, examplesDir), "utf8"), file);
  check(m.isEnvelope, `${file}: a SOAP 1.2 envelope`);
  check(
    !!m.action && actions.has(m.action),
    `${file}: the action ${m.action} is one of the WSDL's`,
  );
  if (!m.payload) {
    check(false, `${file}: an empty body`);
    continue;
  }
  if (m.isFault) {
    check(m.fault?.localName === "DSSFault", `${file}: the fault detail is a DSSFault`);
    if (m.fault) await validate(file, m.standalone(m.fault));
  } else {
    check(m.payload.namespaceURI === TNS, `${file}: the body is a Sign Service message`);
    if (OPERATIONS.includes(m.payload.localName)) covered.add(m.payload.localName);
    await validate(file, m.standalone(m.payload));
  }
}

for (const op of OPERATIONS) check(covered.has(op), `examples: no request of ${op}`);

// --- §6.3.1: the WS-Trust messages the guide prints ---------------------------------------------
const guideDir = new URL("./examples/guide-6.3.1/", import.meta.url);
const guide = Object.fromEntries(
  readdirSync(guideDir)
    .filter((f) => f.endsWith(".xml"))
    .map((f) => [f, parseXml(readFileSync(new URL(f, guideDir), "utf8"), f).documentElement]),
);
check(Object.keys(guide).length === 4, "§6.3.1 prints four messages");
const text = (root, ns, local) => descendants(root, ns, local).map((e) => e.textContent.trim());
const WST = "http://docs.oasis-open.org/ws-sx/ws-trust/200512";
const WST14 = "http://docs.oasis-open.org/ws-sx/ws-trust/200802";
const rst = guide["1-rst-issue.xml"];
// The RST asks for a token for a Sign Service endpoint: it must be one of this WSDL's addresses.
check(
  rst && addresses.includes(text(rst, WSA, "Address")[0]),
  "example 1's AppliesTo is a port address of SignService.wsdl",
);
// Defect: examples 2-4 answer for http://localhost/SignService/, not the address example 1 asked for.
for (const f of [
  "2-rstr-challenge.xml",
  "3-rstr-challenge-response.xml",
  "4-rstrc-issue-final.xml",
]) {
  check(
    guide[f] && text(guide[f], WSA, "Address")[0] === "http://localhost/SignService/",
    `${f}: the recorded AppliesTo defect`,
  );
}
// Defect: the challenge carries RefID, the answer RefId (WS-Trust 1.4 names it RefId).
const challenge =
  guide["2-rstr-challenge.xml"] &&
  descendants(guide["2-rstr-challenge.xml"], WST14, "TextChallenge")[0];
const answer =
  guide["3-rstr-challenge-response.xml"] &&
  descendants(guide["3-rstr-challenge-response.xml"], WST14, "TextChallengeResponse")[0];
check(
  challenge?.hasAttribute("RefID") && !challenge.hasAttribute("RefId"),
  "example 2: the recorded RefID defect",
);
check(answer?.hasAttribute("RefId"), "example 3 answers with RefId");
check(
  challenge?.getAttribute("RefID") === answer?.getAttribute("RefId"),
  "examples 2 and 3 share the challenge id",
);
// Defect: example 4 prints the token as «....» and an empty BinarySecret (content removed).
const final = guide["4-rstrc-issue-final.xml"];
check(
  final && text(final, WST, "RequestedSecurityToken")[0] === "....",
  "example 4: the token is elided",
);
check(final && text(final, WST, "BinarySecret")[0] === "", "example 4: the proof key is elided");
check(
  final && text(final, WST, "KeySize")[0] === "256",
  "example 4: a 256-bit key, as the policies ask",
);

// --- §2.8.5: example 1 against the typed template ----------------------------------------------
const pdfDir = new URL("./examples/pdf-appearance/", import.meta.url);
const printed = JSON.parse(readFileSync(new URL("example-1.json", pdfDir), "utf8"));
const encoded = JSON.parse(
  Buffer.from(
    readFileSync(new URL("example-1.base64.txt", pdfDir), "utf8").trim(),
    "base64",
  ).toString("utf8"),
);
// Defect: the Base64 form names another signer in Content[2].Text than the printed JSON.
check(
  printed.Content[2].Text === "Кому выдан: Иванов Иван Иванович",
  "example 1: the printed signer",
);
check(
  encoded.Content[2].Text === "Кому выдан: Козырев Алексей Олегович",
  "example 1: the recorded Base64 signer defect",
);
encoded.Content[2].Text = printed.Content[2].Text;
check(
  JSON.stringify(encoded) === JSON.stringify(printed),
  "example 1: the Base64 form is the printed JSON otherwise",
);
const typesDoc = parseXml(
  readFileSync(new URL("./SignServiceTypes.xsd", import.meta.url), "utf8"),
  "SignServiceTypes.xsd",
).documentElement;
const complex = new Map(
  elementsNamed(typesDoc, XS, "complexType").map((t) => [t.getAttribute("name"), t]),
);
const simple = new Map(
  elementsNamed(typesDoc, XS, "simpleType").map((t) => [t.getAttribute("name"), t]),
);
function conforms(value, type, where) {
  const local = type.replace(/^(tns|xs):/, "");
  if (type.startsWith("xs:")) {
    check(
      local === "int" ? Number.isInteger(value) : typeof value === "string",
      `${where}: ${JSON.stringify(value)} is not ${type}`,
    );
    return;
  }
  if (simple.has(local)) {
    const values = descendants(simple.get(local), XS, "enumeration").map((e) =>
      e.getAttribute("value"),
    );
    check(values.includes(value), `${where}: ${JSON.stringify(value)} is not a ${local}`);
    return;
  }
  const t = complex.get(local);
  if (!t) return check(false, `${where}: unknown type ${type}`);
  const members = descendants(t, XS, "element");
  if (local.startsWith("ArrayOf")) {
    check(Array.isArray(value), `${where}: an array`);
    for (const [i, v] of (value ?? []).entries())
      conforms(v, members[0].getAttribute("type"), `${where}[${i}]`);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    const m = members.find((e) => e.getAttribute("name") === k);
    if (!m) {
      check(false, `${where}.${k}: not a member of ${local}`);
      continue;
    }
    if (v === null) check(m.getAttribute("nillable") === "true", `${where}.${k}: null`);
    else conforms(v, m.getAttribute("type"), `${where}.${k}`);
  }
}
conforms(printed, `tns:PdfSignatureTemplate${printed.TemplateId}`, "example-1.json");

if (problems.length > 0) {
  console.error(`specs/dss-signservice:\n  ${problems.join("\n  ")}`);
  process.exit(1);
}
console.log(
  `specs/dss-signservice: SignService.wsdl is well-formed, has ${OPERATIONS.length} operations on ${ENDPOINTS.length} policy-bearing ports, its ${contracts.compared.types} data types and ${contracts.compared.enumerations} enumerations shared with the REST spec match it but for the listed differences, its schemas compile and validate ${messages.length} messages (a request of each operation), §6.3.1's ${Object.keys(guide).length} messages hold with their defects named, and §2.8.5's example 1 fits its template`,
);
