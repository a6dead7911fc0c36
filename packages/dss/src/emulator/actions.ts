import {
  DSSActionsName as ActionNames,
  type DSSAction,
  DSSActions,
  type DSSActionsName,
} from "../generated/signserver/types.gen.js";

/** Display names of the actions (guide, Table 31, lines 2919-2948), as the policy shows them. */
export const ACTION_DISPLAY_NAMES: Readonly<Record<DSSActionsName, string>> = {
  Issue: "Выпуск маркера безопасности",
  SignDocument: "Подпись документа",
  SignDocuments: "Подпись пакета документов",
  DecryptDocument: "Расшифрование документа",
  CreateRequest: "Создание запроса на сертификат",
  DeleteCertificate: "Удаление сертификата",
  ChangePin: "Смена пин-кода",
  RenewCertificate: "Создание запроса на обновление сертификата",
  RevokeCertificate: "Создание запроса на отзыв сертификата",
  HoldCertificate: "Создание запроса на приостановление действия сертификата",
  UnholdCertificate: "Возобновление действия сертификата",
};

/**
 * The claim URI of an action (DSSAction.Uri). The guide does not print these; the emulator
 * derives them from the claim namespace it documents (`http://dss.cryptopro.ru/identity/claims/…`,
 * guide, lines 9722-9735).
 */
export function actionUri(action: DSSActionsName): string {
  return `http://dss.cryptopro.ru/identity/claims/action/${action.toLowerCase()}`;
}

/** The policy's ActionPolicy: every action, MfaRequired for those in `confirmed`. */
export function actionPolicy(confirmed: ReadonlySet<DSSActionsName>): DSSAction[] {
  return Object.values(ActionNames).map((name) => ({
    Action: DSSActions[name],
    DisplayName: ACTION_DISPLAY_NAMES[name],
    Uri: actionUri(name),
    MfaRequired: confirmed.has(name),
  }));
}
