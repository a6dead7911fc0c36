/**
 * The GOST CMS is `@trustspec/cms`'s (`signCms`/`verifyCms` with `gostEngine()`); what the
 * emulator reads from here is the certificate parser of `../certificates.ts`.
 */
export { parseCertificate } from "../certificates.js";
