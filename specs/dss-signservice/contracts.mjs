// The Sign Service's data contracts (../dss-common/DssCommon.xsd and the types of §2.6 that only
// this service uses, SignServiceTypes.xsd) against the REST Signature Service spec
// (../dss-signserver/openapi.yaml), which defines the same types of §2.6-2.7 as JSON (chapter 3
// takes them from chapter 2, §3.7). The comparison is ../dss-common/contract-check.mjs; this file
// holds what is particular to the Sign Service: which XSD type is which REST schema, which types
// only one interface has, and the table of the differences the guide itself makes between the two
// (each naming its defect in SignService.wsdl's header and the guide's lines).
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { compareContracts, xsdContracts } from "../dss-common/contract-check.mjs";
import { parseXml } from "./schemas.mjs";

/** XSD names the REST spec spells otherwise. */
export const RENAMED = {
  // Table 29's dictionary keys are a JSON object's properties in REST.
  SignatureParams: "SignatureParameters",
  // Table 27's dictionary keys likewise.
  RequestParams: "RequestParameters",
};

/** XSD types with no REST schema, and why. */
export const SOAP_ONLY = {
  CertificatePropertyType:
    "SetCertificateProperty's selector (§2.7.4); REST changes each property by its own route (§3.7.2)",
  CertificateProperty: "SetCertificateProperty's value holder (§2.6.3), SOAP only",
  DSSDecryptDocumentResponse:
    "DecryptDocument's result (§2.6.10); REST answers with the document (§3.7.5)",
  FontFamily: "§2.8's appearance templates: REST carries them as a Base64 JSON string",
  ColorDescription: "§2.8",
  SignatureRect: "§2.8",
  FontDescription: "§2.8",
  TextBlock: "§2.8",
  ImageBlock: "§2.8",
  PdfSignatureTemplate1: "§2.8",
  PdfSignatureTemplate2: "§2.8",
  PdfSignatureTemplate3: "§2.8",
};

/**
 * The known differences: a member only the XSD has (`soap`), only the REST spec has (`rest`), or
 * both under other names. The XSD follows the tables of §2.6, the REST spec the JSON chapter 3 and
 * the v1 REST document print. Line numbers: «КриптоПро DSS. Руководство разработчика»
 * ЖТЯИ.00096-02 97 01 («guide») and «REST API Сервиса Подписи v1 (для обратной совместимости)» («v1 doc»).
 *
 * Not a difference of contract: a REST member typed with an enumeration accepts its code or its
 * name (chapter 3 sends codes, e.g. CertificateStatus.Value 1, guide line 4716; the v1 responses
 * names, "ACTIVE", v1 doc line 448), where DataContractSerializer writes the name. The comparison
 * checks that the REST property references the enumeration, not how it is written.
 */
export const ALLOWED = [
  {
    type: "DSSPolicy",
    soap: "AllowedSignatureType",
    rest: "AllowedSignatureTypes",
    why: "defect 12: Table 10 (guide, lines 2195-2203) vs the JSON example (guide, line 4916)",
  },
  {
    type: "DSSPolicy",
    rest: "CSPsPolicy",
    why: "defect 12: only the JSON example carries it (guide, lines 4904-4912); no table describes it",
  },
  {
    type: "DSSCAPolicy",
    soap: "EkuTemplates",
    rest: "EKUTemplates",
    why: "defect 15: Table 11 (guide, lines 2255-2262) vs the JSON example (guide, line 4855)",
  },
  {
    type: "RequestStatus",
    soap: "Status",
    rest: "Value",
    why: "defect 15: Table 16 (guide, line 2383) vs the v1 examples (v1 doc, lines 334, 384)",
  },
  {
    type: "RequestStatus",
    soap: "CertificateAuthorityID",
    rest: "caID",
    why: "defect 15: Table 16 (guide, lines 2390-2396) vs the v1 examples (v1 doc, lines 334, 384)",
  },
  {
    type: "DSSRevRequest",
    soap: "caID",
    rest: "CertificateAuthorityID",
    why: "defect 15: Table 15 (guide, lines 2361-2367) vs the v1 example (v1 doc, line 726)",
  },
  {
    type: "DSSRevRequest",
    soap: "revInfo",
    rest: "RevInfo",
    why: "defect 15: Table 15 (guide, line 2371) vs the v1 example (v1 doc, lines 728-738)",
  },
  {
    type: "DSSCertRequest",
    rest: "CertificateType",
    why: "defect 21: not in Table 4; the JSON examples send it (v1 doc, line 72; guide, line 12924)",
  },
  {
    type: "DSSCertRequest",
    rest: "GroupID",
    why: "defect 21: not in Table 4; only the v1 examples send it (v1 doc, line 82)",
  },
  {
    type: "DSSCertRequest",
    rest: "CspID",
    why: "defect 21: not in Table 4; only chapter 8's example sends it (guide, line 12942)",
  },
  {
    type: "RevocationInfo",
    rest: "DistName",
    why: "defect 21: removed in 1.0.1146 (guide, lines 16417-16419), still sent by the v1 example (v1 doc, line 733)",
  },
  {
    type: "RevocationInfo",
    rest: "SignedRequest",
    why: "defect 21: not in Table 8; only the v1 example sends it (v1 doc, line 737)",
  },
  {
    type: "SignatureParams",
    rest: "OriginalDocument",
    why: "defect 20: not in Table 29; chapter 8 sends it (guide, lines 13106, 13122-13126)",
  },
  {
    type: "DSSFault",
    soap: "Code",
    why: "defect 11: DSSFault is never defined (guide, line 2452); REST models it as an open object, the XSD infers its members",
  },
  {
    type: "DSSFault",
    soap: "Message",
    why: "defect 11: as Code",
  },
];

const read = (file) => readFileSync(new URL(file, import.meta.url), "utf8");

/**
 * The differences between the Sign Service's XSD data contracts and the REST spec that the table
 * does not allow. The texts default to the files of the repository; a test hands in altered copies.
 * @param {{ dssCommon?: string; signServiceTypes?: string; openapi?: string }} [texts]
 * @returns {{ problems: string[]; compared: { types: number; enumerations: number } }}
 */
export function contractProblems(texts = {}) {
  const soap = xsdContracts(
    parseXml(texts.dssCommon ?? read("../dss-common/DssCommon.xsd"), "DssCommon.xsd")
      .documentElement,
    parseXml(texts.signServiceTypes ?? read("./SignServiceTypes.xsd"), "SignServiceTypes.xsd")
      .documentElement,
  );
  const rest = parseYaml(texts.openapi ?? read("../dss-signserver/openapi.yaml")).components
    .schemas;
  const problems = [];
  const pairs = [];
  for (const [names, as] of [
    [soap.complexTypes.keys(), "type"],
    [soap.enumerations.keys(), "enum"],
  ]) {
    for (const xsd of names) {
      const name = RENAMED[xsd] ?? xsd;
      if (SOAP_ONLY[xsd]) {
        if (rest[name])
          problems.push(`${xsd}: listed as SOAP only, but the REST spec defines it: compare it`);
        continue;
      }
      const keys = as === "enum" && rest[name]?.type === "object";
      pairs.push({ xsd, rest: name, as: keys ? "keys" : as });
    }
  }
  for (const xsd of Object.keys(SOAP_ONLY))
    if (!soap.complexTypes.has(xsd) && !soap.enumerations.has(xsd))
      problems.push(`${xsd}: listed as SOAP only, but no XSD type has that name`);
  problems.push(
    ...compareContracts({
      soap,
      rest,
      pairs,
      codes: "printed-or-order",
      ordinalOrder: true,
      allowed: ALLOWED,
      label: "the REST spec",
    }),
  );
  return {
    problems,
    compared: {
      types: pairs.filter((p) => p.as === "type").length,
      enumerations: pairs.filter((p) => p.as !== "type").length,
    },
  };
}
