/**
 * @trustspec/dss-notification: the CryptoPro DSS notification service (developer guide
 * 8.2.1.3), generated from its WSDL: the types of `DssOperationResultMessage` and the codes of
 * Tables 105 and 106, and a typed SOAP 1.1 client of `Notify`.
 */

export {
  AbortError,
  ConfigurationError,
  TimeoutError,
  TransportError,
  TrustspecError,
  ValidationError,
} from "@trustspec/runtime/core";
export { SoapFault, SoapFaultError, XmlError } from "@trustspec/runtime/soap";
export { isSuccess, operationCodeName, resultCodeName } from "./codes.js";
export * from "./generated/client.gen.js";
export * from "./generated/types.gen.js";
