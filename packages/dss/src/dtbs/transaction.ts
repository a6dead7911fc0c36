import { toBase64 } from "@trustspec/runtime/core";
import type { SignatureTypeName, Transaction } from "../generated/signserver/types.gen.js";
import { type DtbsDocument, encodeDtbs } from "./document.js";

/**
 * The value of the transaction parameter `DocumentType` that selects the Sign Service's
 * pass-through converter: the transaction's document is then itself the displayed-data document
 * (CryptoPro DSS developer guide ЖТЯИ.00096-02 97 01, §8.2.2.4.4, lines 14714-14726).
 * `DocumentType` is free text in the guide (Table 95, lines 9816-9822: «Тип документа»); other
 * values name converters configured on a server (the examples' `mydsssample`, `simsample`,
 * lines 14485, 14709), and `dtbs` is the only one every server has.
 */
export const DTBS_DOCUMENT_TYPE = "dtbs";

/** What a signing transaction with a displayed-data document needs besides the document. */
export interface DtbsTransactionOptions {
  /** CertificateID: the id of the certificate that will sign (Table 95; e.g. 6464). */
  readonly certificateId: number | string;
  /**
   * SignatureType: a member name of SignatureType (Table 28), e.g. `CMS`, as the guide's example
   * sends it (line 14760).
   */
  readonly signatureType: SignatureTypeName;
  /**
   * DocumentInfo: the document's name (§8.2.2.4.2, lines 14495-14499: required), e.g.
   * `documentname.pdf`.
   */
  readonly documentInfo: string;
}

/**
 * The body of `createTransaction` (POST /transactions) that signs a displayed-data document:
 * OperationCode `SignDocument` (the only operation Table 95 gives DocumentType), the parameters
 * in the order of the guide's example (§8.2.2.4.4, lines 14758-14774: DocumentInfo,
 * SignatureType, CertificateID, DocumentType = `dtbs`) and the document, built by
 * {@link buildDtbs}, in Base64 of its UTF-8 text. For the guide's example it gives the guide's
 * request exactly.
 *
 * @throws XmlError `invalid` for a document {@link buildDtbs} refuses.
 */
export function dtbsTransaction(
  document: DtbsDocument,
  options: DtbsTransactionOptions,
): Transaction {
  return {
    OperationCode: "SignDocument",
    Parameters: [
      { Name: "DocumentInfo", Value: options.documentInfo },
      { Name: "SignatureType", Value: options.signatureType },
      { Name: "CertificateID", Value: String(options.certificateId) },
      { Name: "DocumentType", Value: DTBS_DOCUMENT_TYPE },
    ],
    Document: toBase64(encodeDtbs(document)),
  };
}

/**
 * The request of the SOAP Sign Service's `CreateTransactionToken` (guide §2.5.3, lines 1898-1920;
 * specs/dss-signservice/SignService.wsdl), by the names of its elements: the same transaction as
 * {@link dtbsTransaction}, the parameters as the `additionalParams` dictionary (Table 95).
 */
export interface DtbsTransactionTokenRequest {
  /** The operation to confirm: `SignDocument`, the only one Table 95 gives DocumentType. */
  readonly operationCode: "SignDocument";
  /** DocumentInfo, SignatureType, CertificateID and DocumentType = `dtbs`, by name. */
  readonly additionalParams: Readonly<Record<string, string>>;
  /** The document built by {@link buildDtbs}, in Base64 of its UTF-8 text (xs:base64Binary). */
  readonly document: string;
}

/**
 * The request of the SOAP `CreateTransactionToken` that signs a displayed-data document: the same
 * parameters and document as {@link dtbsTransaction}'s REST body, shaped as the WSDL's request
 * element.
 *
 * @throws XmlError `invalid` for a document {@link buildDtbs} refuses.
 */
export function dtbsTransactionToken(
  document: DtbsDocument,
  options: DtbsTransactionOptions,
): DtbsTransactionTokenRequest {
  const body = dtbsTransaction(document, options);
  return {
    operationCode: "SignDocument",
    additionalParams: Object.fromEntries((body.Parameters ?? []).map((p) => [p.Name, p.Value])),
    document: body.Document!,
  };
}
