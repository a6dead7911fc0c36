import { describe, expect, it } from "vitest";
import {
  BackpostRefusedError,
  DSS_FORM_KINDS,
  parseBackpost,
  safeFileName,
  toBase64,
} from "../src/index.js";
import { exampleText, printedForm } from "./support.js";

const bytes = (...b: number[]) => new Uint8Array(b);
const b64 = (...b: number[]) => toBase64(new Uint8Array(b));

function malformed(run: () => unknown): string {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(BackpostRefusedError);
    expect((e as BackpostRefusedError).reason).toBe("malformed");
    expect((e as BackpostRefusedError).status).toBe(400);
    return (e as Error).message;
  }
  throw new Error("not refused");
}

describe("parseBackpost: each result shape of the spec", () => {
  it("§1.2: the signed file", () => {
    expect(
      parseBackpost("signFile", [
        ["filename", "a.txt.sig"],
        ["filecontent", b64(1, 2)],
      ]),
    ).toEqual({
      kind: "signFile",
      result: "signed",
      file: { name: "a.txt.sig", safeName: "a.txt.sig", content: bytes(1, 2) },
    });
  });

  it("§1.8, §1.9: the encrypted and the decrypted file (a decrypted file may be empty)", () => {
    expect(
      parseBackpost("encryptFile", [
        ["filename", "a"],
        ["filecontent", b64(3)],
      ]),
    ).toMatchObject({
      result: "encrypted",
      file: { content: bytes(3) },
    });
    expect(
      parseBackpost("decryptFile", [
        ["filename", "a"],
        ["filecontent", ""],
      ]),
    ).toMatchObject({
      result: "decrypted",
      file: { content: bytes() },
    });
  });

  it("§1.4: the guide's example package — document 0 signed, document 1 failed", () => {
    const printed = printedForm(exampleText("1.4-backpost-package-form.html"));
    expect(printed.fields.map(([n]) => n)).toEqual(["result0", "error0", "result1", "error1"]);
    // The example's result0 «A45B23DF5N21544RN…» is a placeholder: put Base64 in its place.
    const fields = printed.fields.map(
      ([n, v]) => [n, n === "result0" ? b64(7, 7) : v] as [string, string],
    );
    expect(parseBackpost("signFiles", fields)).toEqual({
      kind: "signFiles",
      result: "signed",
      complete: false,
      documents: [
        { index: 0, signed: bytes(7, 7) },
        { index: 1, error: "Ошибка при подписи - неверный формат" },
      ],
    });
  });

  it("§1.4: a package signed whole, with the error fields absent", () => {
    const outcome = parseBackpost("signFiles", [
      ["result1", b64(2)],
      ["result0", b64(1)],
    ]);
    expect(outcome).toMatchObject({
      complete: true,
      documents: [{ signed: bytes(1) }, { signed: bytes(2) }],
    });
  });

  it("§1.6: the certificate request", () => {
    expect(parseBackpost("certificateRequest", [["reqcontent", b64(0x30, 0)]])).toEqual({
      kind: "certificateRequest",
      result: "request",
      request: bytes(0x30, 0),
    });
  });

  it("§1.7: the return after installing a certificate, with or without result=ok", () => {
    expect(parseBackpost("installCertificate", [], new URLSearchParams("result=ok"))).toEqual({
      kind: "installCertificate",
      result: "installed",
    });
    expect(parseBackpost("installCertificate", [], new URLSearchParams(""))).toMatchObject({
      result: "not-installed",
    });
  });

  it("§1.10: the error post, for any form", () => {
    for (const kind of DSS_FORM_KINDS) {
      expect(parseBackpost(kind, [["error", "Пользователь отменил операцию"]])).toEqual({
        kind,
        result: "error",
        message: "Пользователь отменил операцию",
      });
    }
  });
});

describe("parseBackpost refuses what is malformed", () => {
  it.each([
    [
      "broken Base64",
      "signFile",
      [
        ["filename", "a"],
        ["filecontent", "***"],
      ],
      /BackpostFile: \/filecontent/,
    ],
    [
      "Base64 with bad padding",
      "signFile",
      [
        ["filename", "a"],
        ["filecontent", "AAA"],
      ],
      /not Base64/,
    ],
    [
      "an empty signed file",
      "signFile",
      [
        ["filename", "a"],
        ["filecontent", ""],
      ],
      /empty/,
    ],
    ["a missing file name", "encryptFile", [["filecontent", "AA=="]], /missing filename/],
    [
      "an unexpected field",
      "signFile",
      [
        ["filename", "a"],
        ["filecontent", "AA=="],
        ["x", "1"],
      ],
      /unexpected "x"/,
    ],
    [
      "a repeated field",
      "signFile",
      [
        ["filename", "a"],
        ["filename", "b"],
        ["filecontent", "AA=="],
      ],
      /twice/,
    ],
    [
      "a package with a gap",
      "signFiles",
      [
        ["result0", "AA=="],
        ["result2", "AA=="],
      ],
      /no field for document 1/,
    ],
    [
      "a package with both result and error",
      "signFiles",
      [
        ["result0", "AA=="],
        ["error0", "x"],
      ],
      /both/,
    ],
    [
      "a package field that is not result<n> or error<n>",
      "signFiles",
      [["result01", "AA=="]],
      /Unexpected field/,
    ],
    ["an empty package", "signFiles", [], /no document/],
    ["a request that is not DER", "certificateRequest", [["reqcontent", b64(1, 2)]], /not a DER/],
    ["fields after an installation", "installCertificate", [["filename", "a"]], /no fields/],
  ] as const)("%s", (_what, kind, fields, message) => {
    expect(malformed(() => parseBackpost(kind, fields as unknown as [string, string][]))).toMatch(
      message,
    );
  });

  it("a package naming more documents than allowed", () => {
    expect(
      malformed(() =>
        parseBackpost("signFiles", [["result5", "AA=="]], undefined, { maxDocuments: 5 }),
      ),
    ).toMatch(/at most 5/);
  });

  it("messages never carry the values posted", () => {
    const message = malformed(() =>
      parseBackpost("signFile", [
        ["filename", "secret-name"],
        ["filecontent", "secret!"],
      ]),
    );
    expect(message).not.toContain("secret");
  });
});

describe("safeFileName", () => {
  it.each([
    ["../../etc/passwd", "passwd"],
    ["..\\..\\boot.ini", "boot.ini"],
    ["a\u0000b.txt", "ab.txt"],
    ["..", "document"],
    [".hidden", "hidden"],
    ["договор.pdf.sig", "договор.pdf.sig"],
  ])("%j → %j", (name, safe) => {
    expect(safeFileName(name)).toBe(safe);
  });
});
