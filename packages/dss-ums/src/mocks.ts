/**
 * MSW 2 handlers for the DSS user management service: seeded answers, checked against the
 * contract, for the REST interface and for the SOAP one (`UserManagement.svc`).
 */
export {
  createDssUmsMockHandlers,
  type DssUmsMockOptions,
  defaultDssUmsHandlers,
} from "./generated/ums/msw.gen.js";
export {
  createDssUmsSoapMockHandlers,
  type DssUmsSoapMockOptions,
  defaultDssUmsSoapHandlers,
} from "./generated/ums-soap/msw.gen.js";
