// @ts-check
// The three steps of getting into the СУЗ API (СУЗ API description, §9.1): register the
// installation with a signed request (§9.2), get a client token for it through ИС МДЛП (§9.3.1),
// and call the СУЗ API with the token in the clientToken header.
import {
  certificateIds,
  clientTokenAuth,
  createSuzClient,
  mdlpTokenProvider,
  ping,
  registerInstallation,
} from "@trustspec/suz";

/**
 * @typedef {object} ConnectOptions
 * @property {string} suzUrl        the СУЗ stand (registration and API)
 * @property {string} mdlpUrl       the ИС МДЛП stand
 * @property {string} omsId
 * @property {string} registrationKey
 * @property {string} address
 * @property {string} [name]
 * @property {string} extension     the product group of the СУЗ API path, e.g. pharma
 * @property {import("@trustspec/suz").Signer} signer
 * @property {{ clientId: string, clientSecret: string, userId?: string, password?: string }} mdlp
 */

/** @param {ConnectOptions} o */
export async function connect(o) {
  const suz = createSuzClient({ baseUrl: o.suzUrl });
  const installation = await registerInstallation(suz, {
    omsId: o.omsId,
    registrationKey: o.registrationKey,
    address: o.address,
    ...(o.name ? { name: o.name } : {}),
    signer: o.signer,
  });

  // PASSWORD when a password is given (non-residents), else SIGNED_CODE: the code signed with
  // the same certificate, which ИС МДЛП knows by its SHA-1 thumbprint.
  const signed = o.mdlp.password === undefined;
  const userId = o.mdlp.userId ?? certificateIds(await o.signer.certificate()).thumbprint;
  const tokens = mdlpTokenProvider({
    client: createSuzClient({ baseUrl: o.mdlpUrl }),
    omsConnection: installation.omsConnection,
    clientId: o.mdlp.clientId,
    clientSecret: o.mdlp.clientSecret,
    userId,
    ...(signed ? { signer: o.signer } : { password: /** @type {string} */ (o.mdlp.password) }),
  });

  // Every СУЗ API call carries the token; a 401 makes the provider sign in again, once.
  const api = createSuzClient({ baseUrl: o.suzUrl, auth: clientTokenAuth(tokens) });
  const { data } = await ping(api, { path: { extension: o.extension }, query: { omsId: o.omsId } });
  return { installation, authType: signed ? "SIGNED_CODE" : "PASSWORD", ping: data };
}

/** @param {Awaited<ReturnType<typeof connect>>} r */
export function format(r) {
  return [
    `Registered installation "${r.installation.name}": omsConnection ${r.installation.omsConnection}`,
    `Signed in through ИС МДЛП (${r.authType}); the client token is kept for its lifetime`,
    `СУЗ API with the token: omsId ${r.ping.omsId}, API ${r.ping.apiVersion}, СУЗ ${r.ping.omsVersion}`,
  ].join("\n");
}
