/**
 * The forms a web application posts to the DSS front-end («КриптоПро DSS. Руководство
 * разработчика», ЖТЯИ.00096-02 97 01, ch. 1, lines 240-666), read and checked before anything is
 * shown to the user. A form that cannot be acted on is refused with a {@link FrontendInputError},
 * whose text the error page shows; nothing is posted back for it.
 */
import { fromBase64 } from "@trustspec/runtime/core";
import { describeCertificate, listCmsRecipients } from "../../cms/index.js";
import {
  type SignatureParameters,
  SignatureType,
  type SignatureTypeName,
} from "../../generated/signserver/types.gen.js";

/** What a form asks the front-end to do. */
export type FrontendOperation =
  | "sign"
  | "signPackage"
  | "certRequest"
  | "installCertificate"
  | "encrypt"
  | "decrypt";

/** A form the front-end refuses: the text is for the user, it never repeats a secret. */
export class FrontendInputError extends Error {
  readonly status: number;
  constructor(message: string, status = 400) {
    super(message);
    this.name = "FrontendInputError";
    this.status = status;
  }
}

/** A signature type as `signaturetype` gives it (guide, §1.1, lines 289-295; Table 1). */
export interface RequestedSignatureType {
  type: SignatureTypeName;
  parameters: SignatureParameters;
  /** The field as posted, for the confirmation page. */
  text: string;
}

/** One document of a package; `error` when its content cannot be read (posted as errorN). */
export interface PackageDocument {
  name: string;
  content?: Uint8Array;
  error?: string;
}

/** A form read and checked. */
export type FrontendUpload = { backpost: string } & (
  | {
      operation: "sign";
      filename: string;
      content: Uint8Array;
      signatureType?: RequestedSignatureType;
      documentInfo?: string;
    }
  | {
      operation: "signPackage";
      documents: PackageDocument[];
      signatureType?: RequestedSignatureType;
      documentInfo?: string;
    }
  | {
      operation: "certRequest";
      /** The subject as posted (decoded), e.g. `CN=Иванов Иван Иванович, O=…`. */
      subject: string;
      distinguishedName: Record<string, string>;
      eku: string[];
    }
  | { operation: "installCertificate"; certificate: Uint8Array; subject: string; issuer: string }
  | { operation: "encrypt"; filename: string; content: Uint8Array }
  | { operation: "decrypt"; filename: string; content: Uint8Array }
);

/**
 * Table 1's parameters per signature type (lines 1022-1243), by lower-case name: the REST name
 * each becomes and the values it takes (`undefined`: a URL for TSPAddress, any text otherwise).
 * MSOffice takes none («Отсутствуют»).
 */
const TABLE_1: Partial<
  Record<
    SignatureTypeName,
    Record<string, { name: keyof SignatureParameters; values?: readonly string[] }>
  >
> = {
  XMLDSig: {
    xmldsigtype: { name: "XMLDsigType", values: ["XMLEnveloped", "XMLEnveloping", "XMLTemplate"] },
  },
  GOST3410: { hash: { name: "Hash", values: ["True", "False"] } },
  CAdES: {
    cadestype: { name: "CADESType", values: ["BES", "T", "XLT1"] },
    isdetached: { name: "IsDetached", values: ["True", "False"] },
    tspaddress: { name: "TSPAddress" },
    hash: { name: "Hash", values: ["True", "False"] },
  },
  PDF: {
    pdfformat: { name: "PDFFormat", values: ["CMS", "CAdEST", "CAdES"] },
    tspaddress: { name: "TSPAddress" },
    pdfreason: { name: "PDFReason" },
    pdflocation: { name: "PDFLocation" },
    pdfsignatureappearance: { name: "PdfSignatureAppearance" },
    pdfsignaturetemplateid: { name: "PdfSignatureTemplateId" },
  },
  CMS: {
    isdetached: { name: "IsDetached", values: ["True", "False"] },
    hash: { name: "Hash", values: ["True", "False"] },
  },
};

/** Parameters whose value is free text (the others without a list are URLs). */
const FREE_TEXT = new Set([
  "pdfreason",
  "pdflocation",
  "pdfsignatureappearance",
  "pdfsignaturetemplateid",
]);

/** Table 1's spelling of the parameter names, for messages. */
const PARAMETER_TITLES: Record<string, string> = {
  xmldsigtype: "XMLDSigType",
  hash: "Hash",
  cadestype: "CAdESType",
  isdetached: "IsDetached",
  tspaddress: "TSPAddress",
  pdfformat: "PDFFormat",
  pdfreason: "PDFReason",
  pdflocation: "PDFLocation",
  pdfsignatureappearance: "PdfSignatureAppearance",
  pdfsignaturetemplateid: "PdfSignatureTemplateId",
};

/**
 * Reads `signaturetype` = `type:param1=value1;…paramN =valueN` (lines 289-295): the type by its
 * SignatureType name in any case (the PHP sample sends `gost3410`, line 841), parameters separated
 * by `;`, spaces around names and values ignored (the guide writes `paramN =valueN`), names and
 * enumerated values in any case.
 */
export function parseSignatureType(text: string): RequestedSignatureType {
  const colon = text.indexOf(":");
  const typeText = (colon < 0 ? text : text.slice(0, colon)).trim();
  const entries = Object.keys(SignatureType) as SignatureTypeName[];
  const type = entries.find((name) => name.toLowerCase() === typeText.toLowerCase());
  if (!type) {
    throw new FrontendInputError(
      `Неизвестный тип подписи «${typeText}» в поле signaturetype: ожидается один из ${entries.join(", ")}.`,
    );
  }
  const parameters: SignatureParameters = {};
  const allowed = TABLE_1[type] ?? {};
  const seen = new Set<string>();
  const rest = colon < 0 ? "" : text.slice(colon + 1);
  for (const part of rest.split(";")) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      throw new FrontendInputError(
        `Параметр подписи «${part.trim()}» в поле signaturetype не имеет вида имя=значение.`,
      );
    }
    const key = part.slice(0, eq).trim().toLowerCase();
    const value = part.slice(eq + 1).trim();
    const spec = allowed[key];
    if (!spec) {
      const names = Object.keys(allowed).map((k) => PARAMETER_TITLES[k] ?? k);
      throw new FrontendInputError(
        `Параметр «${part.slice(0, eq).trim()}» не определён для типа подписи ${type} (Таблица 1)${
          names.length > 0 ? `; допустимы: ${names.join(", ")}` : ""
        }.`,
      );
    }
    if (seen.has(key)) {
      throw new FrontendInputError(`Параметр ${PARAMETER_TITLES[key]} указан дважды.`);
    }
    seen.add(key);
    let canonical = value;
    if (spec.values) {
      const match = spec.values.find((v) => v.toLowerCase() === value.toLowerCase());
      if (!match) {
        throw new FrontendInputError(
          `Значение «${value}» параметра ${PARAMETER_TITLES[key]} недопустимо: ожидается ${spec.values.join(" или ")}.`,
        );
      }
      canonical = match;
    } else if (!FREE_TEXT.has(key) && !isHttpUrl(value)) {
      throw new FrontendInputError(`${PARAMETER_TITLES[key]} должен быть адресом http(s).`);
    }
    (parameters as Record<string, string>)[spec.name] = canonical;
  }
  return { type, parameters, text: text.trim() };
}

/** Fields of a form, by name without surrounding spaces and case (`" decryptionType"`, line 644). */
class FormFields {
  readonly #fields = new Map<string, string[]>();

  constructor(params: URLSearchParams) {
    for (const [k, v] of params) {
      const key = k.trim().toLowerCase();
      const list = this.#fields.get(key);
      if (list) list.push(v);
      else this.#fields.set(key, [v]);
    }
  }

  all(name: string): string[] {
    return this.#fields.get(name.toLowerCase()) ?? [];
  }

  optional(name: string): string | undefined {
    const values = this.all(name);
    if (values.length > 1) throw new FrontendInputError(`Поле ${name} указано несколько раз.`);
    const v = values[0];
    return v === undefined || v.trim() === "" ? undefined : v;
  }

  required(name: string): string {
    const v = this.optional(name);
    if (v === undefined) throw new FrontendInputError(`Не указано обязательное поле ${name}.`);
    return v;
  }
}

/** Largest accepted `backpost` URL, file name and documents in a package. */
const MAX_URL = 2048;
const MAX_NAME = 255;
const MAX_DOCUMENTS = 100;

/** Reads a form posted to an upload path of the front-end. */
export function parseUpload(
  operation: FrontendOperation | "encryptOrDecrypt",
  body: Uint8Array,
  contentType: string | undefined,
): FrontendUpload {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "application/x-www-form-urlencoded") {
    throw new FrontendInputError(
      "Форма должна отправляться методом POST в кодировке application/x-www-form-urlencoded (как формы руководства, разд. 1).",
      415,
    );
  }
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new FrontendInputError("Тело запроса не является текстом в UTF-8.");
  }
  const f = new FormFields(new URLSearchParams(text));
  const backpost = backpostOf(f.required("backpost"));
  // The example form of §1.9 posts to uploadencryptfile like §1.8's, with decryptionType.
  const op =
    operation === "encryptOrDecrypt"
      ? f.all("decryptionType").length > 0
        ? "decrypt"
        : "encrypt"
      : operation;
  switch (op) {
    case "sign":
      return {
        operation: op,
        backpost,
        filename: fileName(f.required("filename"), "filename"),
        content: base64Of(f.required("filecontent"), "filecontent"),
        ...signatureTypeOf(f),
        ...documentInfoOf(f),
      };
    case "signPackage":
      return {
        operation: op,
        backpost,
        documents: packageOf(f),
        ...signatureTypeOf(f),
        ...documentInfoOf(f),
      };
    case "certRequest": {
      const subject = base64Text(f.required("reqcontent"), "reqcontent");
      const eku = base64Text(f.required("reqeku"), "reqeku")
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");
      for (const oid of eku) {
        if (!/^\d+(\.\d+)+$/.test(oid)) {
          throw new FrontendInputError(`reqeku: «${oid}» не является объектным идентификатором.`);
        }
      }
      return { operation: op, backpost, subject, distinguishedName: parseSubject(subject), eku };
    }
    case "installCertificate": {
      const certificate = base64Of(f.required("certcontent"), "certcontent");
      let info: ReturnType<typeof describeCertificate>;
      try {
        info = describeCertificate(certificate);
      } catch {
        throw new FrontendInputError("certcontent не является сертификатом X.509.");
      }
      return { operation: op, backpost, certificate, subject: info.subject, issuer: info.issuer };
    }
    case "encrypt":
    case "decrypt": {
      const field = op === "encrypt" ? "encryptionType" : "decryptionType";
      const kind = f.optional(field);
      // Table 3 names one type, spelt with a Cyrillic С (line 1426); the forms send `cms`.
      if (kind !== undefined && kind.trim().toLowerCase().replace(/^с/, "c") !== "cms") {
        throw new FrontendInputError(
          `Неизвестный тип шифрования «${kind}» в поле ${field}: поддерживается только CMS (Таблица 3).`,
        );
      }
      const content = base64Of(f.required("filecontent"), "filecontent");
      if (op === "decrypt") {
        try {
          listCmsRecipients(content);
        } catch {
          throw new FrontendInputError("filecontent не является зашифрованным документом CMS.");
        }
      }
      return {
        operation: op,
        backpost,
        filename: fileName(f.required("filename"), "filename"),
        content,
      };
    }
  }
}

function backpostOf(value: string): string {
  const v = value.trim();
  if (v.length > MAX_URL) throw new FrontendInputError("Адрес backpost слишком длинный.");
  if (!isHttpUrl(v)) {
    throw new FrontendInputError(
      "Поле backpost должно содержать абсолютный адрес http:// или https://, на который будет отправлен результат.",
    );
  }
  return new URL(v).toString();
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

function fileName(value: string, field: string): string {
  const name = value.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are refused.
  if ([...name].length > MAX_NAME || /[\u0000-\u001f\u007f]/.test(name)) {
    throw new FrontendInputError(`Поле ${field} содержит недопустимое имя файла.`);
  }
  return name;
}

/** Strict Base64 (whitespace allowed between characters), not empty. */
function base64Of(value: string, field: string): Uint8Array {
  const bytes = fromBase64(value);
  if (!bytes) throw new FrontendInputError(`Поле ${field} не является строкой BASE64.`);
  if (bytes.length === 0) throw new FrontendInputError(`Поле ${field} пусто.`);
  return bytes;
}

/** Base64 of UTF-8 text (documentInfo, reqcontent, reqeku). */
function base64Text(value: string, field: string): string {
  const bytes = base64Of(value, field);
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new FrontendInputError(`Поле ${field} не содержит текст в кодировке UTF-8.`);
  }
}

function signatureTypeOf(f: FormFields): { signatureType?: RequestedSignatureType } {
  const text = f.optional("signaturetype");
  return text === undefined ? {} : { signatureType: parseSignatureType(text) };
}

function documentInfoOf(f: FormFields): { documentInfo?: string } {
  const b64 = f.optional("documentInfo");
  if (b64 === undefined) return {};
  const text = base64Text(b64, "documentInfo");
  if ([...text].length > 4000) throw new FrontendInputError("Поле documentInfo слишком длинное.");
  return { documentInfo: text };
}

/** `documents` and `documentNames`, one of each per document (§1.3, lines 353-357). */
function packageOf(f: FormFields): PackageDocument[] {
  const contents = f.all("documents");
  const names = f.all("documentNames");
  if (contents.length === 0) throw new FrontendInputError("Не указано ни одного поля documents.");
  if (contents.length !== names.length) {
    throw new FrontendInputError(
      `Число полей documents (${contents.length}) и documentNames (${names.length}) должно совпадать.`,
    );
  }
  if (contents.length > MAX_DOCUMENTS) {
    throw new FrontendInputError(`В пакете не может быть больше ${MAX_DOCUMENTS} документов.`);
  }
  const documents = contents.map((c, i): PackageDocument => {
    const name = fileName(names[i]!, `documentNames[${i}]`);
    const content = fromBase64(c);
    // The guide's example error of one document (line 434).
    if (!content || content.length === 0)
      return { name, error: "Ошибка при подписи - неверный формат" };
    return { name, content };
  });
  if (documents.every((d) => d.error)) {
    throw new FrontendInputError("Ни один документ пакета не является строкой BASE64.");
  }
  return documents;
}

/** Attribute names of a subject string and their OIDs (the CA policy's name policy). */
const NAME_OIDS: Record<string, string> = {
  CN: "2.5.4.3",
  O: "2.5.4.10",
  OU: "2.5.4.11",
  L: "2.5.4.7",
  S: "2.5.4.8",
  ST: "2.5.4.8",
  C: "2.5.4.6",
  E: "1.2.840.113549.1.9.1",
  EMAIL: "1.2.840.113549.1.9.1",
  T: "2.5.4.12",
  STREET: "2.5.4.9",
  INN: "1.2.643.3.131.1.1",
  SNILS: "1.2.643.100.3",
  OGRN: "1.2.643.100.1",
};

/**
 * The subject string of §1.5 («CN=Иванов Иван Иванович, O=КРИПТО-ПРО Банк, OU=Финансовый отдел»,
 * line 459) as OID → value; a comma inside a value is written `\,`.
 */
export function parseSubject(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/(?<!\\),/)) {
    if (part.trim() === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) {
      throw new FrontendInputError(`reqcontent: «${part.trim()}» не имеет вида ИМЯ=значение.`);
    }
    const key = part.slice(0, eq).trim();
    const oid = /^\d+(\.\d+)+$/.test(key) ? key : NAME_OIDS[key.toUpperCase()];
    if (!oid) throw new FrontendInputError(`reqcontent: неизвестный компонент имени «${key}».`);
    const value = part
      .slice(eq + 1)
      .trim()
      .replace(/\\,/g, ",");
    if (value === "") throw new FrontendInputError(`reqcontent: пустое значение «${key}».`);
    out[oid] = value;
  }
  if (!out["2.5.4.3"]) {
    throw new FrontendInputError("reqcontent: имя субъекта должно содержать CN (общее имя).");
  }
  return out;
}
