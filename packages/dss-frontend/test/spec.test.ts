import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import * as operations from "../src/generated/operations.gen.js";
import { DSS_FORM_KINDS, parseBackpost, signFileForm } from "../src/index.js";
import { specDir } from "./support.js";

/**
 * The spec and the package agree: every operation of the spec has a builder, every post DSS makes
 * to backpost (the operations' callbacks, the document's webhooks) a result shape the receiver
 * parses, and the callbacks send each form's result to its `backpost` field.
 */
// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document, walked by the test
type Obj = Record<string, any>;
const doc = parse(readFileSync(join(specDir, "openapi.yaml"), "utf8")) as Obj;
const ops = Object.values(doc.paths as Obj).map((item) => (item as Obj).post as Obj);

/** The operation each kind of form posts to (signFile has two addresses). */
const KIND_OPERATIONS: Record<string, string[]> = {
  signFile: ["uploadFile", "uploadFileSignatureWizard"],
  signFiles: ["uploadFiles"],
  certificateRequest: ["uploadCertRequest"],
  installCertificate: ["uploadCertificate"],
  encryptFile: ["uploadEncryptFile"],
  decryptFile: ["uploadDecryptFile"],
};

describe("the spec (specs/dss-frontend)", () => {
  it("has the six endpoints of chapter 1 and §1.1's second address, each with a form body", () => {
    expect(ops.map((o) => o.operationId).sort()).toEqual(
      Object.values(KIND_OPERATIONS).flat().sort(),
    );
    for (const op of ops) {
      expect(Object.keys(op.requestBody.content), op.operationId).toEqual([
        "application/x-www-form-urlencoded",
      ]);
    }
    expect(Object.keys(KIND_OPERATIONS)).toEqual([...DSS_FORM_KINDS]);
    expect(
      Object.keys(operations)
        .filter((k) => k !== "operationList")
        .sort(),
    ).toEqual(Object.values(KIND_OPERATIONS).flat().sort());
  });

  it("sends every result to the form's backpost field, with the error post as the alternative", () => {
    for (const op of ops) {
      const callback = op.callbacks.backpost["{$request.body#/backpost}"] as Obj;
      expect(callback, op.operationId).toBeDefined();
      const schemaOf = (o: Obj) =>
        o.requestBody.content["application/x-www-form-urlencoded"].schema;
      const post = callback.post as Obj;
      const refs = post ? (schemaOf(post).oneOf ?? [schemaOf(post)]).map((s: Obj) => s.$ref) : [];
      expect(refs, op.operationId).toContain("#/components/schemas/BackpostError");
    }
  });

  it("lists each result shape once as a webhook, and the receiver parses each", () => {
    const webhooks = doc.webhooks as Obj;
    expect(Object.keys(webhooks)).toEqual([
      "signedFile",
      "signedPackage",
      "certificateRequest",
      "certificateInstalled",
      "encryptedFile",
      "decryptedFile",
      "error",
    ]);
    const sample: Record<string, [string, [string, string][], string?]> = {
      signedFile: [
        "signFile",
        [
          ["filename", "a"],
          ["filecontent", "AQ=="],
        ],
      ],
      signedPackage: [
        "signFiles",
        [
          ["result0", "AQ=="],
          ["error0", ""],
        ],
      ],
      certificateRequest: ["certificateRequest", [["reqcontent", "MAA="]]],
      certificateInstalled: ["installCertificate", [], "result=ok"],
      encryptedFile: [
        "encryptFile",
        [
          ["filename", "a"],
          ["filecontent", "AQ=="],
        ],
      ],
      decryptedFile: [
        "decryptFile",
        [
          ["filename", "a"],
          ["filecontent", "AQ=="],
        ],
      ],
      error: ["signFile", [["error", "x"]]],
    };
    for (const [name, item] of Object.entries(webhooks)) {
      const operation = (item.post ?? item.get) as Obj;
      const schema =
        operation.requestBody?.content["application/x-www-form-urlencoded"].schema.$ref;
      const fields = sample[name]![1].map(([n]) => n);
      if (schema) {
        const def = doc.components.schemas[String(schema).split("/").pop()!] as Obj;
        const names = def.properties ? Object.keys(def.properties) : fields;
        expect(
          fields.every((f) => names.includes(f)) || def["x-propertyNames"] || def.propertyNames,
          name,
        ).toBeTruthy();
      } else {
        expect(
          operation.parameters.map((p: Obj) => p.name),
          name,
        ).toEqual(["result"]);
      }
      const [kind, posted, query] = sample[name]!;
      expect(() =>
        parseBackpost(kind as never, posted, new URLSearchParams(query ?? "")),
      ).not.toThrow();
    }
  });

  it("addresses the front-end as the guide does", () => {
    expect(doc.servers[0].url).toBe("http://localhost/frontend");
    const form = signFileForm({
      frontendUrl: doc.servers[0].url,
      backpost: "http://localhost/PhpClient/result.php",
      file: { name: "filetosign.txt", content: new Uint8Array([1]) },
    });
    expect(form.action).toBe("http://localhost/frontend/uploadfile");
  });
});
