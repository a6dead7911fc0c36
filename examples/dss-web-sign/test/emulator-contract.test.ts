/**
 * The DSS emulator's web front-end against the spec of the HTTP form API (specs/dss-frontend):
 * forms built by @trustspec/dss-frontend's builders are posted over plain HTTP (a client with a
 * cookie jar, no browser), the pages gone through, and every post the front-end makes to backpost
 * — for each result shape of the spec — received on 127.0.0.1 and parsed by `parseBackpost`,
 * which refuses a missing, unexpected or repeated field and checks the fields against the spec's
 * schemas (BackpostFile, BackpostPackage, BackpostCertRequest, BackpostError). The redirect that
 * ends a certificate installation is parsed from its query.
 */
import { encryptCms, verifyCms } from "@trustspec/dss/cms";
import { DssEmulator } from "@trustspec/dss/server";
import {
  certificateRequestForm,
  type DssForm,
  type DssFormKind,
  decryptFileForm,
  encryptFileForm,
  installCertificateForm,
  parseBackpost,
  signFileForm,
  signFilesForm,
} from "@trustspec/dss-frontend";
import {
  alertOf,
  deliver,
  FormClient,
  type Page,
  startReceiver,
} from "@trustspec-private/test-support/dss-frontend";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const OTP = "424242";
const DOC = { name: "dogovor.txt", content: new TextEncoder().encode("Договор № 17\n") };

let dss: DssEmulator;
let frontendUrl: string;
let closeDss: () => Promise<void>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dss = await DssEmulator.create({
    keyAlgorithm: "ECDSA",
    otp: OTP,
    confirmActions: ["SignDocument", "SignDocuments", "CreateRequest", "DecryptDocument"],
  });
  const server = await dss.listen();
  frontendUrl = `${server.url}/frontend`;
  closeDss = async () => {
    await server.close();
    await dss.close();
  };
  receiver = await startReceiver();
});

afterAll(async () => {
  await receiver?.close();
  await closeDss?.();
});

/** Posts a built form to the front-end and signs in as demo; the page after the sign-in. */
async function post(client: FormClient, form: DssForm): Promise<Page> {
  const first = await client.post(
    form.action,
    form.fields.map(([n, v]) => [n, v]),
  );
  expect(first.status, alertOf(first)).toBe(200);
  return client.submit(first, { login: "demo", password: "demo" });
}

/** Submits a page and, on the one-time password page that follows, the password. */
async function confirmed(client: FormClient, page: Page, extra: Record<string, string> = {}) {
  const next = await client.submit(page, extra);
  return next.html.includes('name="otp"') ? client.submit(next, { otp: OTP }) : next;
}

/** What the front-end's page posted to backpost, as the receiver got it, parsed for `kind`. */
async function parsed(kind: DssFormKind, page: Page) {
  const before = receiver.received.length;
  await deliver(page);
  expect(receiver.received.length).toBe(before + 1);
  return parseBackpost(kind, receiver.received.at(-1)!.fields);
}

const backpost = (tag: string) => `${receiver.url}/back/${tag}?app=1`;
const demoCertificate = () => dss.state.certificatesOf("demo")[0]!;

describe("the emulator's posts to backpost parse against the spec", () => {
  it("signFile: filename and filecontent, a CMS over the document", async () => {
    const client = new FormClient();
    const form = signFileForm({
      frontendUrl,
      backpost: backpost("sign"),
      file: DOC,
      signatureType: { type: "CAdES", CAdESType: "BES", IsDetached: true },
      documentInfo: "Договор № 17",
    });
    const choice = await post(client, form);
    const outcome = await parsed(
      "signFile",
      await confirmed(client, choice, { certificate: String(demoCertificate().id) }),
    );
    expect(outcome.result).toBe("signed");
    if (outcome.kind !== "signFile" || outcome.result !== "signed") return;
    expect(outcome.file.name).toBe(DOC.name);
    const checked = await verifyCms(outcome.file.content, {
      content: DOC.content,
      trusted: [dss.caCertificate],
    });
    expect(checked.valid, checked.reason).toBe(true);
  });

  it("signFiles with a partial failure: result<n> and error<n> for every document", async () => {
    const client = new FormClient();
    const docs = ["первый", "второй", "третий"].map((t, i) => ({
      name: `${i}.txt`,
      content: new TextEncoder().encode(t),
    }));
    const form = signFilesForm({ frontendUrl, backpost: backpost("package"), files: docs });
    // The second document spoilt after building, as a broken page of an application would send it.
    let n = 0;
    const fields = form.fields.map(([name, value]): [string, string] =>
      name === "documents" && n++ === 1 ? [name, "не base64!"] : [name, value],
    );
    const choice = await post(client, { ...form, fields });
    const outcome = await parsed(
      "signFiles",
      await confirmed(client, choice, { signatureType: "CMS", detached: "true" }),
    );
    expect(outcome.kind === "signFiles" && outcome.result === "signed").toBe(true);
    if (outcome.kind !== "signFiles" || outcome.result !== "signed") return;
    expect(outcome.complete).toBe(false);
    expect(outcome.documents.map((d) => [d.index, d.signed !== undefined, d.error])).toEqual([
      [0, true, undefined],
      [1, false, "Ошибка при подписи - неверный формат"],
      [2, true, undefined],
    ]);
    for (const i of [0, 2]) {
      const checked = await verifyCms(outcome.documents[i]!.signed!, {
        content: docs[i]!.content,
        trusted: [dss.caCertificate],
      });
      expect(checked.valid, checked.reason).toBe(true);
    }
  });

  it("certificateRequest: reqcontent; then installCertificate: the redirect with result=ok", async () => {
    const client = new FormClient();
    const request = certificateRequestForm({
      frontendUrl,
      backpost: backpost("request"),
      subject: "CN=Иванов Иван, O=Банк",
      extendedKeyUsage: ["1.3.6.1.5.5.7.3.2"],
    });
    const choice = await post(client, request);
    const outcome = await parsed(
      "certificateRequest",
      await confirmed(client, choice, { caId: "2" }),
    );
    expect(outcome.kind === "certificateRequest" && outcome.result === "request").toBe(true);
    if (outcome.kind !== "certificateRequest" || outcome.result !== "request") return;
    const stored = [...dss.state.requests.values()].find((r) =>
      Buffer.from(r.der).equals(Buffer.from(outcome.request)),
    );
    expect(stored?.status).toBe("PENDING");

    const install = installCertificateForm({
      frontendUrl,
      backpost: backpost("install"),
      certificate: await dss.issueOutOfBandCertificate(stored!.id),
    });
    // Signed in already: the installation page at once.
    const page = await client.post(
      install.action,
      install.fields.map(([n, v]) => [n, v]),
    );
    const redirect = await client.submit(page);
    expect(redirect.status).toBe(303);
    const target = new URL(redirect.url);
    expect(`${target.origin}${target.pathname}`).toBe(`${receiver.url}/back/install`);
    expect(target.searchParams.get("app")).toBe("1");
    expect(parseBackpost("installCertificate", [], target.searchParams)).toEqual({
      kind: "installCertificate",
      result: "installed",
    });
    expect(stored!.status).toBe("ACCEPTED");
  });

  it("encryptFile and decryptFile: filename and filecontent, the document back", async () => {
    const client = new FormClient();
    const encrypt = encryptFileForm({ frontendUrl, backpost: backpost("encrypt"), file: DOC });
    const recipients = await post(client, encrypt);
    const encrypted = await parsed(
      "encryptFile",
      await client.submit(recipients, { recipient: String(demoCertificate().id) }),
    );
    expect(encrypted.result).toBe("encrypted");
    if (encrypted.kind !== "encryptFile" || encrypted.result !== "encrypted") return;
    expect(encrypted.file.name).toBe(DOC.name);

    const decrypt = decryptFileForm({
      frontendUrl,
      backpost: backpost("decrypt"),
      file: { name: DOC.name, content: encrypted.file.content },
    });
    const choice = await client.post(
      decrypt.action,
      decrypt.fields.map(([n, v]) => [n, v]),
    );
    const decrypted = await parsed(
      "decryptFile",
      await confirmed(client, choice, { certificate: String(demoCertificate().id) }),
    );
    expect(decrypted.result).toBe("decrypted");
    if (decrypted.kind !== "decryptFile" || decrypted.result !== "decrypted") return;
    expect(Buffer.from(decrypted.file.content).equals(Buffer.from(DOC.content))).toBe(true);
  });

  it("the error post (§1.10) of a cancelled operation, for every kind of form", async () => {
    // Any X.509 certificate makes an installation form; the user cancels before it is checked.
    const certificate = dss.caCertificate;
    const forms: [DssFormKind, DssForm][] = [
      ["signFile", signFileForm({ frontendUrl, backpost: backpost("e1"), file: DOC })],
      ["signFiles", signFilesForm({ frontendUrl, backpost: backpost("e2"), files: [DOC] })],
      [
        "certificateRequest",
        certificateRequestForm({
          frontendUrl,
          backpost: backpost("e3"),
          subject: "CN=Отказ",
          extendedKeyUsage: ["1.3.6.1.5.5.7.3.4"],
        }),
      ],
      [
        "installCertificate",
        installCertificateForm({ frontendUrl, backpost: backpost("e4"), certificate }),
      ],
      ["encryptFile", encryptFileForm({ frontendUrl, backpost: backpost("e5"), file: DOC })],
    ];
    for (const [kind, form] of forms) {
      const client = new FormClient();
      const choice = await post(client, form);
      const outcome = await parsed(kind, await client.submit(choice, { decision: "cancel" }));
      expect(outcome, kind).toEqual({
        kind,
        result: "error",
        message: "Операция отменена пользователем.",
      });
    }
    // And a failed one: a document none of the user's certificates can decrypt.
    const client = new FormClient();
    const envelope = await encryptCms(DOC.content, [dss.caCertificate]);
    const decrypt = decryptFileForm({
      frontendUrl,
      backpost: backpost("e6"),
      file: { name: DOC.name, content: envelope },
    });
    const outcome = await parsed("decryptFile", await post(client, decrypt));
    expect(outcome).toEqual({
      kind: "decryptFile",
      result: "error",
      message: "No certificate of the user can decrypt the document.",
    });
  });
});
