/** MSW 2 handlers for the DSS user management service: seeded answers, checked against the contract. */
export {
  createDssUmsMockHandlers,
  type DssUmsMockOptions,
  defaultDssUmsHandlers,
} from "./generated/ums/msw.gen.js";
