/** MSW 2 handlers for the DSS Signature Service (REST and SOAP) and identity centre: seeded answers, checked against the contracts. */
export {
  createDssSignMockHandlers,
  type DssSignMockOptions,
  defaultDssSignHandlers,
} from "./generated/signserver/msw.gen.js";
export {
  createDssSignServiceMockHandlers,
  type DssSignServiceMockOptions,
  defaultDssSignServiceHandlers,
} from "./generated/signservice/msw.gen.js";
export {
  createDssStsMockHandlers,
  type DssStsMockOptions,
  defaultDssStsHandlers,
} from "./generated/sts/msw.gen.js";
