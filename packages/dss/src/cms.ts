/**
 * The test PKI and CMS of @trustspec/dss for other packages and users: CA and certificates,
 * PKCS#10 requests, CAdES-BES SignedData and its verification, EnvelopedData (RSA and ECDSA
 * P-256 over WebCrypto).
 */
export * from "./cms/index.js";
