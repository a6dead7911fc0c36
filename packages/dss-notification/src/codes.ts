import {
  DssOperationCode,
  type DssOperationResultMessage,
  DssResultCode,
} from "./generated/types.gen.js";

/**
 * Names of the operation and result codes (guide 8.2.1.3, Tables 105 and 106). The WSDL types
 * both as `xs:int`; the guide's meanings are the doc comments of `DssOperationCode` and
 * `DssResultCode`.
 */

const operationNames = new Map<number, keyof typeof DssOperationCode>(
  Object.entries(DssOperationCode).map(([k, v]) => [v, k as keyof typeof DssOperationCode]),
);
const resultNames = new Map<number, keyof typeof DssResultCode>(
  Object.entries(DssResultCode).map(([k, v]) => [v, k as keyof typeof DssResultCode]),
);

/** The name of an operation code (`100` -> `AppletActivation`), or undefined for an undocumented code. */
export function operationCodeName(code: number): keyof typeof DssOperationCode | undefined {
  return operationNames.get(code);
}

/** The name of a result code (`1021` -> `AuthorizationTimeout`), or undefined for an undocumented code. */
export function resultCodeName(code: number): keyof typeof DssResultCode | undefined {
  return resultNames.get(code);
}

/** Whether the operation succeeded (result code 0). */
export function isSuccess(result: Pick<DssOperationResultMessage, "ResultCode">): boolean {
  return result.ResultCode === DssResultCode.Success;
}
