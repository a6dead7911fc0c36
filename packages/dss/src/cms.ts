/**
 * @trustspec/dss/cms: the test PKI and CMS helpers the DSS emulator signs with, for verifying
 * what DSS returns and for tests (see `./cms/index.ts`).
 */
export * from "./cms/index.js";
