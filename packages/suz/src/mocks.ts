/** MSW 2 handlers for the СУЗ registration and client-token API: seeded answers, checked against the contract. */
export {
  createSuzMockHandlers,
  defaultSuzHandlers,
  type SuzMockOptions,
} from "./generated/msw.gen.js";
