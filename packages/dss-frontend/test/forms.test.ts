import { validatorFor } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import * as operations from "../src/generated/operations.gen.js";
import {
  certificateRequestForm,
  DEFAULT_MAX_POST_BYTES,
  type DssForm,
  DssFormInputError,
  DssFormTooLargeError,
  decryptFileForm,
  encryptFileForm,
  formBody,
  fromBase64,
  installCertificateForm,
  parseSignatureType,
  renderAutoSubmitForm,
  schemas,
  signFileForm,
  signFilesForm,
  textToBase64,
  toBase64,
} from "../src/index.js";
import { examples, exampleText, printedForm } from "./support.js";

const frontendUrl = "https://dss.example/frontend";
const backpost = "https://app.example/dss/back?dss_state=abc";
const bytes = (...b: number[]) => new Uint8Array(b);
const text = (b: Uint8Array | undefined) => new TextDecoder().decode(b);
const field = (form: DssForm, name: string) =>
  form.fields.filter(([n]) => n === name).map(([, v]) => v);

/** The body the browser posts, read back as the server reads it. */
function posted(form: DssForm): URLSearchParams {
  return new URLSearchParams(formBody(form.fields));
}

describe("form builders", () => {
  it("§1.1: one document, Base64 of the bytes, the signature type encoded, documentInfo as Base64 of UTF-8", () => {
    const content = bytes(0, 1, 2, 250, 251, 255, 62, 63);
    const form = signFileForm({
      frontendUrl,
      backpost,
      file: { name: "договор №1.pdf", content },
      signatureType: { type: "CAdES", CAdESType: "BES", IsDetached: true },
      documentInfo: "Договор поставки\nСумма: 100 ₽",
    });
    expect(form.action).toBe("https://dss.example/frontend/uploadfile");
    expect(form.operationId).toBe("uploadFile");
    const body = posted(form);
    expect(fromBase64(body.get("filecontent")!)).toEqual(content);
    expect(body.get("filename")).toBe("договор №1.pdf");
    expect(body.get("backpost")).toBe(backpost);
    expect(body.get("signaturetype")).toBe("CAdES:CAdESType=BES;IsDetached=true");
    expect(text(fromBase64(body.get("documentInfo")!))).toBe("Договор поставки\nСумма: 100 ₽");
    expect(form.size).toBe(formBody(form.fields).length);
  });

  it("§1.1: the SignatureWizard address, and a front-end address with or without a trailing slash", () => {
    const file = { name: "a.txt", content: bytes(1) };
    expect(
      signFileForm({
        frontendUrl: "http://h/frontend/",
        backpost,
        file,
        address: "SignatureWizard/uploadfile",
      }).action,
    ).toBe("http://h/frontend/SignatureWizard/uploadfile");
    expect(signFileForm({ frontendUrl: "http://h", backpost, file }).action).toBe(
      "http://h/uploadfile",
    );
  });

  it("§1.3: documents and documentNames once per document, in order", () => {
    const form = signFilesForm({
      frontendUrl,
      backpost,
      files: [
        { name: "one.txt", content: bytes(1) },
        { name: "two.txt", content: bytes(2, 2) },
        { name: "three.txt", content: bytes(3, 3, 3) },
      ],
      signatureType: { type: "GOST3410", Hash: false },
    });
    expect(form.action).toBe("https://dss.example/frontend/SignatureWizard/UploadFiles");
    const body = posted(form);
    expect(body.getAll("documents").map((d) => fromBase64(d))).toEqual([
      bytes(1),
      bytes(2, 2),
      bytes(3, 3, 3),
    ]);
    expect(body.getAll("documentNames")).toEqual(["one.txt", "two.txt", "three.txt"]);
    expect(body.get("signaturetype")).toBe("GOST3410:Hash=false");
  });

  it("§1.5: the subject and the OIDs as Base64 of their UTF-8 text", () => {
    const subject = exampleText("1.5-subject-name.txt").trim();
    const form = certificateRequestForm({
      frontendUrl,
      backpost,
      subject,
      extendedKeyUsage: ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.4"],
    });
    const body = posted(form);
    expect(text(fromBase64(body.get("reqcontent")!))).toBe(subject);
    expect(text(fromBase64(body.get("reqeku")!))).toBe("1.3.6.1.5.5.7.3.2,1.3.6.1.5.5.7.3.4");
  });

  it("§1.7: a certificate given as DER or as PEM posts the same DER", () => {
    const der = bytes(0x30, 0x03, 0x02, 0x01, 0x05);
    const pem = `-----BEGIN CERTIFICATE-----\n${btoa(String.fromCharCode(...der))}\n-----END CERTIFICATE-----\n`;
    const a = installCertificateForm({ frontendUrl, backpost, certificate: der });
    const b = installCertificateForm({ frontendUrl, backpost, certificate: pem });
    expect(fromBase64(posted(a).get("certcontent")!)).toEqual(der);
    expect(a.fields).toEqual(b.fields);
  });

  it("§1.8, §1.9: encryptionType and decryptionType (no leading space) are sent only when given", () => {
    const file = { name: "doc.bin", content: bytes(9) };
    const enc = encryptFileForm({ frontendUrl, backpost, file, encryptionType: "CMS" });
    const dec = decryptFileForm({ frontendUrl, backpost, file, decryptionType: "CMS" });
    expect(enc.action).toBe("https://dss.example/frontend/EncryptionWizard/UploadFile");
    expect(dec.action).toBe("https://dss.example/frontend/DecryptionWizrd/UploadFile");
    expect(field(enc, "encryptionType")).toEqual(["CMS"]);
    expect(field(dec, "decryptionType")).toEqual(["CMS"]);
    expect(field(encryptFileForm({ frontendUrl, backpost, file }), "encryptionType")).toEqual([]);
  });

  it("every form the builders make matches its operation's body schema in the spec", () => {
    const file = { name: "f", content: bytes(1) };
    const forms = [
      signFileForm({
        frontendUrl,
        backpost,
        file,
        signatureType: { type: "MSOffice" },
        documentInfo: "x",
      }),
      signFilesForm({ frontendUrl, backpost, files: [file, file] }),
      certificateRequestForm({
        frontendUrl,
        backpost,
        subject: "CN=A",
        extendedKeyUsage: ["1.2.3"],
      }),
      installCertificateForm({ frontendUrl, backpost, certificate: bytes(0x30, 0) }),
      encryptFileForm({ frontendUrl, backpost, file, encryptionType: "CMS" }),
      decryptFileForm({ frontendUrl, backpost, file, decryptionType: "CMS" }),
    ];
    const validator = validatorFor(schemas);
    for (const form of forms) {
      const op = (operations as unknown as Record<string, (typeof operations)["uploadFile"]>)[
        form.operationId
      ]!;
      const body: Record<string, unknown> = {};
      for (const [name, value] of posted(form)) {
        body[name] =
          name === "documents" || name === "documentNames" ? posted(form).getAll(name) : value;
      }
      expect(validator.validate(op.requestBody!.schema!, body), form.operationId).toEqual([]);
      expect(new URL(form.action).pathname).toBe(`/frontend${op.path}`);
    }
  });

  it.each([
    ["a relative backpost", { backpost: "/back" }, "backpost"],
    ["a javascript: backpost", { backpost: "javascript:alert(1)" }, "backpost"],
    ["an ftp backpost", { backpost: "ftp://app.example/" }, "backpost"],
    ["a backpost with credentials", { backpost: "https://u:p@app.example/" }, "backpost"],
    ["a front-end that is not http(s)", { frontendUrl: "file:///etc" }, "frontendUrl"],
    ["an empty file name", { file: { name: " ", content: bytes(1) } }, "filename"],
    ["a file name with a line break", { file: { name: "a\nb", content: bytes(1) } }, "filename"],
    ["content that is not bytes", { file: { name: "a", content: "text" } }, "filecontent"],
    ["an empty documentInfo", { documentInfo: "" }, "documentInfo"],
  ])("refuses %s", (_what, change, fieldName) => {
    const options = {
      frontendUrl,
      backpost,
      file: { name: "a.txt", content: bytes(1) },
      ...change,
    };
    const error = (() => {
      try {
        signFileForm(options as Parameters<typeof signFileForm>[0]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DssFormInputError);
    expect((error as DssFormInputError).field).toBe(fieldName);
  });

  it("refuses a package without documents, an OID that is not one, a certificate that is not DER", () => {
    expect(() => signFilesForm({ frontendUrl, backpost, files: [] })).toThrow(DssFormInputError);
    expect(() =>
      certificateRequestForm({
        frontendUrl,
        backpost,
        subject: "CN=A",
        extendedKeyUsage: ["client auth"],
      }),
    ).toThrow(/not an OID/);
    expect(() =>
      certificateRequestForm({ frontendUrl, backpost, subject: "CN=A", extendedKeyUsage: [] }),
    ).toThrow(/at least one/);
    expect(() =>
      installCertificateForm({ frontendUrl, backpost, certificate: bytes(1, 2) }),
    ).toThrow(/not a DER/);
    expect(() => installCertificateForm({ frontendUrl, backpost, certificate: "not pem" })).toThrow(
      /PEM/,
    );
    // PEM armour around text that is not Base64: a typed error, not the platform's atob error.
    for (const body of ["MII=B", "MIIB=", "MI"]) {
      const certificate = `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----\n`;
      expect(() => installCertificateForm({ frontendUrl, backpost, certificate }), body).toThrow(
        DssFormInputError,
      );
    }
  });

  it("measures the post as the browser encodes it and refuses one over the limit", () => {
    // Base64 of 3n bytes is 4n characters; `+`, `/` and `=` become three characters each.
    const content = new Uint8Array(3000).fill(0xfb); // Base64 "+/v7…": every fourth character escaped
    const form = signFileForm({ frontendUrl, backpost, file: { name: "a", content } });
    expect(form.size).toBe(new TextEncoder().encode(formBody(form.fields)).length);
    expect(form.size).toBeGreaterThan(4000);
    expect(() =>
      signFileForm({
        frontendUrl,
        backpost,
        file: { name: "a", content },
        maxPostBytes: form.size,
      }),
    ).not.toThrow();
    let error: unknown;
    try {
      signFileForm({
        frontendUrl,
        backpost,
        file: { name: "a", content },
        maxPostBytes: form.size - 1,
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DssFormTooLargeError);
    expect(error).toMatchObject({ size: form.size, limit: form.size - 1 });
    expect(DEFAULT_MAX_POST_BYTES).toBe(4096 * 1024);
    expect(() =>
      signFilesForm({
        frontendUrl,
        backpost,
        files: [{ name: "big", content: new Uint8Array(3_200_000) }],
      }),
    ).toThrow(DssFormTooLargeError);
  });
});

describe("renderAutoSubmitForm", () => {
  const form = signFileForm({
    frontendUrl,
    backpost: 'https://app.example/back?x="><script>alert(1)</script>',
    file: { name: `"><img src=x onerror=alert(1)>'&`, content: bytes(1) },
  });

  it("escapes every attribute value, so hostile names and URLs stay text", () => {
    const html = renderAutoSubmitForm(form);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script>alert");
    expect(html).toContain('value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;&amp;"');
    expect(html.match(/<script/g)).toHaveLength(1);
  });

  it("holds each field once, in order, posting to the action, and carries the CSP nonce", () => {
    const html = renderAutoSubmitForm(form, { nonce: "n0nce", fragment: true });
    const unescapeHtml = (s: string) =>
      s
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    const inputs = [...html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)].map(
      (m) => [unescapeHtml(m[1]!), unescapeHtml(m[2]!)],
    );
    expect(inputs).toEqual(form.fields);
    expect(html).toContain(`action="${form.action}"`);
    expect(html).toContain('<script nonce="n0nce">');
    expect(html).not.toContain("<!doctype");
    expect(renderAutoSubmitForm(form)).toMatch(/^<!doctype html>\n<html lang="ru">/);
  });
});

describe("the guide's example forms (contract)", () => {
  const requests = examples().filter(
    (e) =>
      (e.direction === "request" && e.file.endsWith(".html")) || e.file === "php/send2sign.php",
  );
  const validator = validatorFor(schemas);

  it("are six: §1.1, §1.3, §1.5, §1.7, §1.8, §1.9, plus the PHP sample's", () => {
    expect(requests.map((e) => e.operationId)).toEqual([
      "uploadFile",
      "uploadFiles",
      "uploadCertRequest",
      "uploadCertificate",
      "uploadEncryptFile",
      "uploadDecryptFile",
      "uploadFile",
    ]);
  });

  it.each(
    examples()
      .filter((e) => e.direction === "request" && e.file.match(/\.(html|php)$/))
      .map((e) => [e.file, e] as const),
  )(
    "%s: its fields are the spec's for its operation, and the builder sends the same names",
    (_file, entry) => {
      const printed = printedForm(exampleText(entry.file));
      const op = (operations as unknown as Record<string, (typeof operations)["uploadFile"]>)[
        entry.operationId!
      ]!;
      const name = String((op.requestBody!.schema as { $ref: string }).$ref)
        .split("/")
        .pop()!;
      const schema = schemas.$defs[name] as {
        properties: Record<string, unknown>;
        required: string[];
      };
      // The §1.9 form's " decryptionType" (guide, line 644) is the one name that needs trimming.
      const names = printed.fields.map(([n]) => n.trim());
      expect(
        names.every((n) => n in schema.properties),
        names.join(),
      ).toBe(true);
      expect(schema.required.every((r) => names.includes(r))).toBe(true);
      const signaturetype = printed.fields.find(([n]) => n === "signaturetype")?.[1];
      if (signaturetype)
        expect(validator.validate("SignatureTypeParameter", signaturetype)).toEqual([]);

      // The builder, given what the example sends, sends the same field names.
      const backpostValue = printed.fields.find(([n]) => n === "backpost")![1];
      // The front-end's address is the action without the operation's path (in any case).
      const action = printed.action.trim();
      const suffix = action.toLowerCase().endsWith(op.path.toLowerCase());
      const frontendUrl = suffix ? action.slice(0, -op.path.length) : "http://localhost/frontend";
      const base = { frontendUrl, backpost: backpostValue };
      const file = { name: "filetosign.txt", content: bytes(1, 2, 3) };
      const sigType = signaturetype ? { signatureType: parseSignatureType(signaturetype) } : {};
      const info = names.includes("documentInfo") ? { documentInfo: "info" } : {};
      const built: Record<string, () => DssForm> = {
        uploadFile: () => signFileForm({ ...base, file, ...sigType, ...info }),
        uploadFiles: () => signFilesForm({ ...base, files: [file, file], ...sigType, ...info }),
        uploadCertRequest: () =>
          certificateRequestForm({ ...base, subject: "CN=A", extendedKeyUsage: ["1.2.3"] }),
        uploadCertificate: () => installCertificateForm({ ...base, certificate: bytes(0x30, 0) }),
        uploadEncryptFile: () => encryptFileForm({ ...base, file, encryptionType: "CMS" }),
        uploadDecryptFile: () => decryptFileForm({ ...base, file, decryptionType: "CMS" }),
      };
      const form = built[entry.operationId!]!();
      expect(form.fields.map(([n]) => n).sort()).toEqual([...names].sort());
      // The action: the text's path, which the examples of §1.8 and §1.9 do not use (defect 3).
      if (entry.operationId === "uploadEncryptFile" || entry.operationId === "uploadDecryptFile") {
        expect(printed.action).toBe("http://localhost/frontend/uploadencryptfile ");
      } else {
        expect(form.action.toLowerCase()).toBe(printed.action.toLowerCase());
      }
    },
  );
});

describe("Base64 helpers", () => {
  it("round-trip bytes and UTF-8 text, line breaks allowed", () => {
    const content = bytes(0, 0xfb, 0xff, 0xbf, 1);
    expect(fromBase64(toBase64(content))).toEqual(content);
    expect(text(fromBase64(textToBase64("Договор № 1")))).toBe("Договор № 1");
    const wrapped = textToBase64("x".repeat(100)).replace(/.{1,76}/g, "$&\r\n");
    expect(text(fromBase64(wrapped))).toBe("x".repeat(100));
    expect(fromBase64("")).toEqual(bytes());
  });

  it("refuse spaces and tabs, another alphabet and bad padding", () => {
    for (const bad of ["Zm9v Yg==", "Zm9v\tYg==", "Zm9v-g==", "Zg", "Zg=", "Zg==="]) {
      expect(fromBase64(bad), JSON.stringify(bad)).toBeUndefined();
    }
  });
});
