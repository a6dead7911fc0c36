/**
 * @trustspec/dss/node: what a DSS client can do only in Node — a `fetch` over `node:https` that
 * presents a TLS client certificate, for the identity centre's `/cert` endpoint (guide, Table 96)
 * and the user management service's `/cert` endpoint. The package's root entry loads no Node
 * module, so that it runs in browsers too.
 */
export { type ClientCertificate, clientCertificateFetch } from "./wstrust/tls-fetch.js";
