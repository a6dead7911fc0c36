// The data-contract comparison (contracts.mjs) catches drift: each case alters a copy of one
// description, in memory, and expects exactly the difference it made to be reported.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { parse as parseYaml, stringify } from "yaml";
import { contractProblems } from "./contracts.mjs";

const read = (file) => readFileSync(new URL(file, import.meta.url), "utf8");
const dssCommon = read("../dss-common/DssCommon.xsd");
const signServiceTypes = read("./SignServiceTypes.xsd");
const openapi = read("../dss-signserver/openapi.yaml");
/** The REST spec with one change made to its component schemas. */
const restWith = (change) => {
  const doc = parseYaml(openapi);
  change(doc.components.schemas);
  return stringify(doc);
};
const once = (text, from, to) => {
  assert.equal(text.split(from).length, 2, `${from} occurs once`);
  return text.replace(from, to);
};

test("the repository's descriptions differ only as the table allows", () => {
  const { problems, compared } = contractProblems();
  assert.deepEqual(problems, []);
  assert.ok(compared.types >= 14 && compared.enumerations >= 20);
});

test("a member renamed in the XSD is caught on both sides", () => {
  const { problems } = contractProblems({
    dssCommon: once(
      dssCommon,
      '<xs:element name="Url" type="xs:string"',
      '<xs:element name="URL" type="xs:string"',
    ),
  });
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0], /^TspService\.URL: the REST spec has no member URL/);
  assert.match(problems[1], /^TspService: the REST spec has the member Url, the XSD has not/);
});

test("a member added to the REST schema is caught", () => {
  const { problems } = contractProblems({
    openapi: restWith((s) => {
      s.DSSCertificate.properties.Thumbprint = { type: "string" };
    }),
  });
  assert.deepEqual(problems, [
    "DSSCertificate: the REST spec has the member Thumbprint, the XSD has not (it has CertificateAuthorityID, CertificateBase64, DName, ID, IsDefault, Status)",
  ]);
});

test("an enumeration code changed on either side is caught", () => {
  /** The REST spec with the code of member `i` of enum `name` changed to `value`. */
  const restCode = (name, i, value) =>
    restWith((s) => {
      s[name]["x-trustspec-enum"][i].value = value;
    });
  const registration =
    "Регистрация пользователя в УЦ</xs:documentation><xs:appinfo><ser:EnumerationValue>";
  const cases = [
    [
      { openapi: restCode("DSSCertificateStatusEnum", 4, 5) },
      "DSSCertificateStatusEnum.OUT_OF_ORDER: code 6 in the XSD, 5 in the REST spec",
    ],
    [
      { dssCommon: once(dssCommon, `${registration}16<`, `${registration}32<`) },
      "DSSRequestStatusEnum.REGISTRATION: code 32 in the XSD, 16 in the REST spec",
    ],
    // A code the XSD does not print must be the member's position (WCF's numbering).
    [
      { openapi: restCode("PinCodeMode", 2, 3) },
      "PinCodeMode.Allow: code not printed (position 2) in the XSD, 3 in the REST spec",
    ],
  ];
  for (const [texts, expected] of cases)
    assert.deepEqual(contractProblems(texts).problems, [expected]);
});

test("a member typed with another enumeration in REST is caught", () => {
  const { problems } = contractProblems({
    openapi: restWith((s) => {
      s.CertificateStatus.properties.Value = { $ref: "#/components/schemas/DSSRequestStatusEnum" };
    }),
  });
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(problems[0], /^CertificateStatus\.Value: typed DSSCertificateStatusEnum in the XSD/);
});

test("a member typed with another built-in type in REST is caught", () => {
  const { problems } = contractProblems({
    openapi: restWith((s) => {
      s.DSSCertificate.properties.ID = { type: "string" };
      s.RevocationInfo.properties.ApproveDate = { type: "string" };
    }),
  });
  assert.deepEqual(problems, [
    "DSSCertificate.ID: typed xs:int in the XSD, but the REST spec's property allows string/",
    "RevocationInfo.ApproveDate: typed xs:dateTime in the XSD, but the REST spec's property allows string/",
  ]);
});

test("an allowed difference that no longer occurs is reported as stale", () => {
  const { problems } = contractProblems({
    openapi: restWith((s) => {
      s.DSSCAPolicy.properties.EkuTemplates = s.DSSCAPolicy.properties.EKUTemplates;
      delete s.DSSCAPolicy.properties.EKUTemplates;
    }),
  });
  // The REST spec now follows Table 11: the members agree, and the table's entry must go.
  assert.equal(problems.length, 1, problems.join("\n"));
  assert.match(
    problems[0],
    /^DSSCAPolicy: the allowed difference EkuTemplates \/ EKUTemplates .* no longer occurs/,
  );
});

test("the types only the Sign Service's own XSD holds are compared too", () => {
  const { problems } = contractProblems({
    signServiceTypes: once(signServiceTypes, 'name="revInfo"', 'name="revisionInfo"'),
  });
  assert.equal(problems.length, 2, problems.join("\n"));
  assert.match(problems[0], /^DSSRevRequest\.revisionInfo: the REST spec has no member/);
  assert.match(
    problems[1],
    /^DSSRevRequest: the allowed difference revInfo \/ RevInfo .* no longer occurs/,
  );
});
