/**
 * @trustspec/dss/dtbs: the displayed-data document of the CryptoPro DSS Sign Service (DTBS, Data
 * To Be Signed; developer guide §6.4; schema specs/dss-common/dtbs.xsd): a typed builder and
 * parser, the text the identity centre shows, and the signing transaction that carries the
 * document with DocumentType = dtbs.
 */
export { XmlError, type XmlLimits } from "@trustspec/runtime/soap";
export * from "./dtbs/index.js";
