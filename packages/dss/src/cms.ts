/**
 * @trustspec/dss/cms: the test PKI and CMS helpers the DSS emulator signs with, for verifying
 * what DSS returns and for tests. They are `@trustspec/cms`'s, re-exported under the names this
 * entry point has always had; new code can import `@trustspec/cms` itself.
 */
export * from "./cms/index.js";
