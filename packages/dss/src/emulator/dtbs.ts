import { type DtbsDocument, formatDtbs, parseDtbs } from "../dtbs/document.js";
import { DTBS_DOCUMENT_TYPE } from "../dtbs/transaction.js";
import { DssEmulatorError } from "./errors.js";
import type { StoredTransaction } from "./state.js";

/**
 * The emulator's pass-through converter for displayed-data documents (CryptoPro DSS developer
 * guide ЖТЯИ.00096-02 97 01, §6.4, lines 11402-11422; §8.2.2.4.4, lines 14714-14726): a
 * transaction with `DocumentType` = `dtbs` carries a DTBS document as its document. The
 * Signature Service refuses one whose document is not such a document when the transaction is
 * created; the identity centre shows the rows in the challenge, and signs an
 * `unattendedSign="true"` document without a challenge.
 */

/** Whether a transaction's parameters select the pass-through converter (`DocumentType` = `dtbs`). */
export function isDtbsTransaction(parameters: Readonly<Record<string, string>>): boolean {
  return parameters.DocumentType === DTBS_DOCUMENT_TYPE;
}

/**
 * Checks the document of a transaction being created: with `DocumentType` = `dtbs` it must be a
 * displayed-data document (§8.2.2.4.4: «на вход операции подписи (в параметре Document) должно
 * быть изначально передано содержимое в формате DTBS»). Other transactions pass unchecked.
 *
 * @throws DssEmulatorError 400 `content_required` when the document is missing, `invalid_content`
 *   (REST API v1: «Неправильный формат документа») when it does not parse as DTBS.
 */
export function checkDtbsDocument(
  parameters: Readonly<Record<string, string>>,
  document: Uint8Array | undefined,
): void {
  if (!isDtbsTransaction(parameters)) return;
  if (document === undefined) {
    throw new DssEmulatorError(
      400,
      "content_required",
      "DocumentType dtbs needs the displayed-data document as Document.",
    );
  }
  try {
    parseDtbs(document);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw new DssEmulatorError(
      400,
      "invalid_content",
      `DocumentType is dtbs but Document is not a displayed-data document: ${reason}`,
    );
  }
}

/** The displayed-data document of a `dtbs` transaction; undefined for any other transaction. */
export function transactionDtbs(tx: StoredTransaction | undefined): DtbsDocument | undefined {
  if (!tx || !isDtbsTransaction(tx.parameters) || !tx.document) return undefined;
  try {
    return parseDtbs(tx.document);
  } catch {
    // Refused at creation; a transaction put into the state by hand shows nothing.
    return undefined;
  }
}

/**
 * The text the identity centre shows for a transaction's displayed-data document: its rows as
 * {@link formatDtbs} formats them, or undefined when the transaction has no DTBS or no rows.
 */
export function dtbsChallengeText(tx: StoredTransaction | undefined): string | undefined {
  const document = transactionDtbs(tx);
  const text = document ? formatDtbs(document) : "";
  return text === "" ? undefined : text;
}

/** Whether a transaction is signed without showing or confirming (`unattendedSign="true"`). */
export function isUnattended(tx: StoredTransaction | undefined): boolean {
  return transactionDtbs(tx)?.unattendedSign === true;
}
