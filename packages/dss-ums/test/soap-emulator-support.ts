import { KeyObject } from "node:crypto";
import { request as httpsRequest } from "node:https";
import { createTestCa, issueCertificate, toPem } from "@trustspec/dss/cms";
import { clientCertificateFetch } from "@trustspec/dss/node";
import { issueSecurityToken, symmetricBindingSecurity } from "@trustspec/dss/soap";
import { bearerAuth } from "@trustspec/runtime";
import { createDssUmsClient, type DssUmsClient } from "../src/generated/ums/client.gen.js";
import {
  createDssUmsSoapClient,
  type DssUmsSoapClient,
} from "../src/generated/ums-soap/client.gen.js";
import { DssUmsEmulator, type DssUmsEmulatorOptions } from "../src/server.js";

/** A TLS client certificate and key (PEM). */
export interface ClientCert {
  cert: string;
  key: string;
}

/** The UMS emulator beside a DSS emulator over HTTPS on 127.0.0.1, with its SOAP and REST clients. */
export interface RunningSoap {
  emulator: DssUmsEmulator;
  /** The server's origin, e.g. `https://127.0.0.1:1234`. */
  url: string;
  /** `…/STS/UserManagement.svc`. */
  service: string;
  /** The test CA (PEM) the server certificate chains to. */
  ca: string;
  /** The SOAP client of `/cert`, presenting the operator's certificate. */
  soap: DssUmsSoapClient;
  /** A SOAP client of `/cert` presenting another certificate. */
  soapWith(cert: ClientCert): DssUmsSoapClient;
  /**
   * A SOAP client of `/token` with the SAML token the identity centre issues `login` over
   * WS-Trust (`/STS/Active.svc/username/transport`, the password being the login).
   */
  soapToken(login?: string): Promise<DssUmsSoapClient>;
  /** The REST client, authorised by the operator's access token. */
  rest: DssUmsClient;
  /** The certificate (and key) the DSS emulator holds for `login`. */
  certOf(login: string): ClientCert;
  close(): Promise<void>;
}

const pem = (key: CryptoKey) =>
  KeyObject.from(key).export({ type: "pkcs8", format: "pem" }) as string;

/** The logins of the DSS emulator's accounts here: an operator and a user, each with a certificate. */
export const OPERATOR = "operator";
export const USER = "demo";

/**
 * Starts the UMS emulator beside a DSS emulator (ECDSA keys, quick to make) over HTTPS, the
 * operator holding a certificate; answers are checked against both contracts by the emulator.
 */
export async function startSoapUms(options: DssUmsEmulatorOptions = {}): Promise<RunningSoap> {
  const emulator = await DssUmsEmulator.create({
    responseValidation: "strict",
    dss: {
      ca: await sharedCa(),
      keyAlgorithm: "ECDSA",
      responseValidation: "strict",
      users: [
        { login: USER, password: USER },
        { login: OPERATOR, password: OPERATOR, role: "operator", certificate: true },
      ],
    },
    ...options,
  });
  const server = await emulator.listen({ https: true });
  const dss = emulator.dss!;
  const ca = emulator.caCertificatePem;
  const service = `${server.url}/STS/UserManagement.svc`;
  const certOf = (login: string): ClientCert => {
    const c = dss.state.certificatesOf(login)[0];
    if (!c?.privateKey) throw new Error(`${login} has no certificate`);
    return { cert: toPem(c.der, "CERTIFICATE"), key: pem(c.privateKey) };
  };
  const soapWith = (cert: ClientCert) =>
    createDssUmsSoapClient({
      url: `${service}/cert`,
      fetch: clientCertificateFetch({ ...cert, ca }),
    });
  const trusting = clientCertificateFetch({ ...certOf(USER), ca });
  return {
    emulator,
    url: server.url,
    service,
    ca,
    soap: soapWith(certOf(OPERATOR)),
    soapWith,
    soapToken: async (login = OPERATOR) => {
      const url = `${service}/token`;
      const outcome = await issueSecurityToken({
        url: `${server.url}/STS/Active.svc/username/transport`,
        appliesTo: url,
        credentials: { kind: "username", username: login, password: login },
        fetch: trusting,
      });
      if (outcome.status !== "issued") throw new Error(`no token for ${login}: ${outcome.status}`);
      return createDssUmsSoapClient({
        url,
        fetch: trusting,
        security: symmetricBindingSecurity({ token: outcome.token }),
      });
    },
    rest: createDssUmsClient({
      baseUrl: `${server.url}/STS/ums`,
      auth: bearerAuth(dss.issueAccessToken(OPERATOR)),
      fetch: trusting,
      validation: "strict",
      retry: false,
    }),
    certOf,
    close: async () => {
      await server.close();
      await emulator.close();
    },
  };
}

let ca: ReturnType<typeof createTestCa> | undefined;
/** One test CA for the DSS emulators of a test file. */
export function sharedCa(): ReturnType<typeof createTestCa> {
  ca ??= createTestCa({ commonName: "UMS SOAP test CA", algorithm: "ECDSA" });
  return ca;
}

/** A certificate and key of another CA, which no user of the emulator holds. */
export async function strangerCert(subject = "CN=operator"): Promise<ClientCert> {
  const other = await createTestCa({ commonName: "another CA", algorithm: "ECDSA" });
  const issued = await issueCertificate(other, { subject, algorithm: "ECDSA" });
  return { cert: toPem(issued.certificate, "CERTIFICATE"), key: pem(issued.privateKey!) };
}

/** An HTTPS POST of a SOAP 1.2 envelope as it is, with or without a client certificate. */
export function postEnvelope(
  url: string,
  envelope: string,
  tls: { ca: string; cert?: ClientCert },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const r = httpsRequest(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/soap+xml; charset=utf-8" },
        ca: tls.ca,
        ...(tls.cert ?? {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
        );
      },
    );
    r.on("error", reject);
    r.end(envelope);
  });
}

/** A SOAP 1.2 request of the service with its WS-Addressing headers, for raw calls. */
export function envelopeOf(operation: string, body: string): string {
  const action = `http://dss.cryptopro.ru/services/2014/06/IUserManagementService/${operation}`;
  return (
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://www.w3.org/2005/08/addressing">' +
    `<s:Header><a:Action s:mustUnderstand="1">${action}</a:Action>` +
    "<a:MessageID>urn:uuid:7c1f0f52-36f5-4a8f-9d43-2d1b1f3c1a10</a:MessageID>" +
    "<a:ReplyTo><a:Address>http://www.w3.org/2005/08/addressing/anonymous</a:Address></a:ReplyTo>" +
    `</s:Header><s:Body><${operation} xmlns="http://dss.cryptopro.ru/services/2014/06/">${body}</${operation}></s:Body></s:Envelope>`
  );
}
