/**
 * The DSS user management service's server stubs (typed handlers, a router that checks the
 * contract) for the REST interface and for the SOAP one (`UserManagement.svc`, with the hooks of
 * its `/cert` and `/token` endpoints), and the stateful emulator, alone or beside the DSS emulator.
 */
export {
  dssSoapFault,
  ReplayCache,
  type SamlAttribute,
  type SignServiceEndpointSecurity,
  type SignServiceToken,
  type SignServiceTokenPolicy,
  signServiceTokenOf,
  symmetricBindingEndpointSecurity,
} from "@trustspec/dss/server";
export { runDssUmsMock } from "./emulator/cli.js";
export * from "./emulator/index.js";
export * from "./generated/ums/server.gen.js";
export {
  createDssUmsSoapServer,
  type DssUmsSoapHandlers,
} from "./generated/ums-soap/server.gen.js";
export {
  type ClientCertificateCallerOptions,
  type ClientCertificateEndpointSecurity,
  clientCertificateCallerOf,
  clientCertificateEndpointSecurity,
} from "./soap/endpoint-security.js";
