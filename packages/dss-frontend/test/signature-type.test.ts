import { validatorFor } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import {
  DssFormInputError,
  encodeSignatureType,
  parseSignatureType,
  type SignatureTypeValue,
  schemas,
} from "../src/index.js";

/** One value per Table 1 format, every parameter of it set. */
const TABLE_1_VALUES: [SignatureTypeValue, string][] = [
  [{ type: "XMLDSig", XMLDSigType: "XMLEnveloped" }, "XMLDSig:XMLDSigType=XMLEnveloped"],
  [{ type: "GOST3410", Hash: true }, "GOST3410:Hash=true"],
  [
    {
      type: "CAdES",
      CAdESType: "XLT1",
      IsDetached: false,
      TSPAddress: "http://tsp.example/tsp/tsp.srf?a=1",
      Hash: true,
    },
    "CAdES:CAdESType=XLT1;IsDetached=false;TSPAddress=http://tsp.example/tsp/tsp.srf?a=1;Hash=true",
  ],
  [
    {
      type: "PDF",
      PDFFormat: "CAdEST",
      TSPAddress: "http://tsp.example/",
      PDFReason: "Согласовано",
      PDFLocation: "Москва",
      PdfSignatureAppearance: "template text",
      PdfSignatureTemplateId: "7",
    },
    "PDF:PDFFormat=CAdEST;TSPAddress=http://tsp.example/;PDFReason=Согласовано;PDFLocation=Москва;PdfSignatureAppearance=template text;PdfSignatureTemplateId=7",
  ],
  [{ type: "MSOffice" }, "MSOffice"],
  [{ type: "CMS", IsDetached: true, Hash: false }, "CMS:IsDetached=true;Hash=false"],
];

describe("signaturetype (guide §1.1, Table 1)", () => {
  const validator = validatorFor(schemas);

  it.each(TABLE_1_VALUES)(
    "encodes %j, which the spec's grammar accepts, and reads it back",
    (value, text) => {
      const encoded = encodeSignatureType(value);
      expect(encoded).toBe(text);
      expect(validator.validate("SignatureTypeParameter", encoded)).toEqual([]);
      expect(validator.validate("SignatureTypeValue", value)).toEqual([]);
      expect(parseSignatureType(encoded)).toEqual(value);
    },
  );

  it("writes parameters in Table 1's order whatever the object's order", () => {
    expect(
      encodeSignatureType({ Hash: true, type: "CAdES", CAdESType: "BES" } as SignatureTypeValue),
    ).toBe("CAdES:CAdESType=BES;Hash=true");
  });

  it("reads the guide's own spellings: GOST3410:hash=true (lines 327, 393), gost3410:hash=true (line 841), paramN =valueN (line 292)", () => {
    for (const text of ["GOST3410:hash=true", "gost3410:hash=true", "GOST3410:Hash =TRUE"]) {
      expect(parseSignatureType(text)).toEqual({ type: "GOST3410", Hash: true });
      expect(validator.validate("SignatureTypeParameter", text)).toEqual([]);
    }
    expect(parseSignatureType("cades:cadestype=t")).toEqual({ type: "CAdES", CAdESType: "T" });
  });

  it.each([
    [{ type: "RSA" }, /unknown signature type/],
    [{ type: "gost3410" }, /unknown signature type/],
    [{ type: "GOST3410", IsDetached: true }, /GOST3410 has no parameter IsDetached/],
    [{ type: "CAdES", CAdESType: "A" }, /CAdESType must be one of BES, T, XLT1/],
    [{ type: "CMS", Hash: "yes" }, /Hash must be a boolean/],
    [{ type: "PDF", PDFReason: "a;b" }, /without ';'/],
    [{ type: "PDF", PDFLocation: "line\nbreak" }, /control characters/],
  ])("refuses %j", (value, message) => {
    expect(() => encodeSignatureType(value as unknown as SignatureTypeValue)).toThrow(
      DssFormInputError,
    );
    expect(() => encodeSignatureType(value as unknown as SignatureTypeValue)).toThrow(message);
  });

  it.each([
    ["DSA:hash=true", /unknown signature type/],
    ["GOST3410:Hash", /without '='/],
    ["GOST3410:Hash=maybe", /true or false/],
    ["GOST3410:Hash=true;Hash=false", /given twice/],
    ["CMS:CAdESType=BES", /no such parameter/],
  ])("refuses to read %s", (text, message) => {
    expect(() => parseSignatureType(text)).toThrow(message);
  });
});
