export {
  createDssSignMockHandlers,
  type DssSignMockOptions,
  defaultDssSignHandlers,
} from "./generated/signserver/msw.gen.js";
