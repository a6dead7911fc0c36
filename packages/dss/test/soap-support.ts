/**
 * The Sign Service's 23 operations as contract cases: for each, a realistic request and answer
 * (enumerations, base64 byte arrays, the WCF dictionaries, nil members), the public operation
 * function that sends it, and server handlers that record what they received and answer the
 * case's value. The contract tests run every case through the public client against the
 * generated MSW mocks and against the server stub over HTTP.
 */
import { randomUUID } from "node:crypto";
import type { SoapHandlerContext } from "@trustspec/runtime/soap";
import type { DssSignServiceHandlers } from "../src/server.js";
import {
  createRequest,
  createRequestEx,
  createTransactionToken,
  type DSSCertificate,
  type DSSCertRequest,
  decryptDocument,
  deleteCertificate,
  deleteRequest,
  encryptDocument,
  enhanceSignature,
  getCertificate,
  getCertificateContent,
  getCertificates,
  getDSSPolicy,
  getRequest,
  getRequestContent,
  getRequests,
  getRevokeRequests,
  getTransactionID,
  installCertificateBase64,
  installCertificateDer,
  type SignServiceClient,
  setCertificateProperty,
  setRequestStatus,
  signDocument,
  signDocuments,
} from "../src/soap.js";
import { issuedToken, type TestIssuer } from "./wssecurity-support.js";

type Handlers = DssSignServiceHandlers;
type Operation = keyof Handlers;
type Input<K extends Operation> = Parameters<Handlers[K]>[0]["message"];
type Output<K extends Operation> = Awaited<ReturnType<Handlers[K]>>;

/** One operation's case: what is sent, what the service answers, and how the client calls it. */
export interface ContractCase<K extends Operation> {
  input: Input<K>;
  answer: Output<K>;
  call(client: SignServiceClient, input: Input<K>): Promise<Output<K>>;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
/** Bytes that look like what they stand for: a DER SEQUENCE header and some content. */
const der = (n: number) =>
  Buffer.concat([Buffer.from([0x30, 0x82, 0x01, n]), Buffer.alloc(40, n)]).toString("base64");

const certificate: DSSCertificate = {
  CertificateAuthorityID: 1,
  CertificateBase64: der(1),
  DName: "CN=Иванов Иван Иванович, O=ООО «Пример», C=RU",
  ID: 7,
  IsDefault: true,
  Status: { ActiveCertId: 0, PinCode: null, RevocationInfo: null, Value: "ACTIVE" },
};
const revoked: DSSCertificate = {
  CertificateAuthorityID: 1,
  CertificateBase64: der(2),
  DName: "CN=Петров Пётр, C=RU",
  ID: 8,
  IsDefault: false,
  Status: {
    ActiveCertId: 7,
    RevocationInfo: {
      RevocationComments: "Ключ скомпрометирован",
      RevocationReason: "CRL_REASON_KEY_COMPROMISE",
      SerialNumber: "01A2B3C4",
      UnholdAction: null,
    },
    Value: "REVOKED",
  },
};
const request: DSSCertRequest = {
  Base64Request: der(3),
  CADisplayName: "Тестовый УЦ",
  CARequestID: "ca-req-12",
  CertificateAuthorityID: 1,
  CertificateID: 0,
  DistName: "CN=Иванов Иван Иванович",
  ID: 12,
  RequestType: "Certificate",
  Status: "PENDING",
  Subject: null,
};

/** Every operation of `ISignService`, §2.1-2.5. */
export const CASES: { [K in Operation]: ContractCase<K> } = {
  SignDocument: {
    input: {
      document: b64("Документ для подписи"),
      signatureType: "CAdES",
      certificateID: 7,
      pinCode: "1234",
      signatureParams: { CADESType: "BES", IsDetached: "True", TSPAddress: null },
    },
    answer: { SignDocumentResult: der(4) },
    call: signDocument,
  },
  SignDocuments: {
    input: {
      documents: { base64Binary: [b64("первый"), b64("второй")] },
      signatureType: "GOST3410",
      certificateID: 7,
      pinCode: null,
      signatureParams: { Hash: "True" },
    },
    answer: {
      SignDocumentsResult: {
        Errors: {
          DSSFault: [null, { Code: "invalid_document", Message: "Документ пуст" }],
        },
        Results: { base64Binary: [der(5), null] },
      },
    },
    call: signDocuments,
  },
  EnhanceSignature: {
    input: {
      document: der(6),
      signatureType: "CAdES",
      signatureParams: { CADESType: "XLT1", TSPAddress: "http://tsp.example/tsp/tsp.srf" },
    },
    answer: { EnhanceSignatureResult: der(7) },
    call: enhanceSignature,
  },
  EncryptDocument: {
    input: {
      document: b64("секрет"),
      encryptionType: "CMS",
      recipients: { base64Binary: [der(1), der(2)] },
      additionalParams: { SubjectIdentifierType: "IssuerAndSerialNumber" },
    },
    answer: { EncryptDocumentResult: der(8) },
    call: encryptDocument,
  },
  DecryptDocument: {
    input: { encryptedDocument: der(8), encryptionType: "CMS", certificateID: 0, pinCode: null },
    answer: { DecryptDocumentResult: { CertificatesIDs: { int: [7, 9] }, Result: null } },
    call: decryptDocument,
  },
  GetCertificates: {
    input: {},
    answer: { GetCertificatesResult: { DSSCertificate: [certificate, revoked] } },
    call: getCertificates,
  },
  GetCertificate: {
    input: { id: 7 },
    answer: { GetCertificateResult: certificate },
    call: getCertificate,
  },
  GetCertificateContent: {
    input: { id: 7, format: "FORMATTED" },
    answer: { GetCertificateContentResult: "<html><body>Сертификат</body></html>" },
    call: getCertificateContent,
  },
  SetCertificateProperty: {
    input: { id: 7, property: { PropertyType: "IsDefault" } },
    answer: {},
    call: setCertificateProperty,
  },
  InstallCertificateBase64: {
    input: { base64Certificate: der(1), pinCode: "1234" },
    answer: { InstallCertificateBase64Result: certificate },
    call: installCertificateBase64,
  },
  InstallCertificateDer: {
    input: { binaryCertificate: der(2), pinCode: null },
    answer: { InstallCertificateDerResult: null },
    call: installCertificateDer,
  },
  DeleteCertificate: { input: { id: 8 }, answer: {}, call: deleteCertificate },
  GetRequests: {
    input: {},
    answer: { GetRequestsResult: { DSSCertRequest: [request, null] } },
    call: getRequests,
  },
  GetRequest: { input: { id: 12 }, answer: { GetRequestResult: request }, call: getRequest },
  DeleteRequest: { input: { id: 12 }, answer: {}, call: deleteRequest },
  CreateRequest: {
    input: {
      dName: "CN=Иванов Иван Иванович, C=RU",
      eKU: "1.3.6.1.5.5.7.3.2",
      pinCode: "1234",
      caId: 1,
    },
    answer: { CreateRequestResult: 13 },
    call: createRequest,
  },
  CreateRequestEx: {
    input: {
      dName: "CN=Иванов Иван Иванович, C=RU",
      pinCode: null,
      caId: 1,
      requestParams: { RequestType: "Renew", ActiveCertId: "7", ActiveCertPin: "1234" },
    },
    answer: { CreateRequestExResult: 14 },
    call: createRequestEx,
  },
  GetRequestContent: {
    input: { id: "12", requestType: "Certificate", caId: 1, format: "RAW" },
    answer: { GetRequestContentResult: der(3) },
    call: getRequestContent,
  },
  GetRevokeRequests: {
    input: { certId: 8 },
    answer: {
      GetRevokeRequestsResult: {
        DSSRevRequest: [
          {
            Base64Request: der(9),
            ID: "rev-1",
            Status: "ACCEPTED",
            caID: 1,
            revInfo: {
              RevocationReason: "CRL_REASON_AFFILATION_CHANGED",
              SerialNumber: "01A2B3C5",
              RevocationComments: null,
            },
          },
        ],
      },
    },
    call: getRevokeRequests,
  },
  SetRequestStatus: {
    input: {
      status: {
        CertificateAuthorityID: 1,
        Comment: null,
        ID: "12",
        Status: "REJECTED",
        Type: "RevokeRequest",
      },
    },
    answer: {},
    call: setRequestStatus,
  },
  GetTransactionID: { input: {}, answer: { GetTransactionIDResult: 42 }, call: getTransactionID },
  GetDSSPolicy: {
    input: {},
    answer: {
      GetDSSPolicyResult: {
        ActionPolicy: {
          DSSAction: [
            { Action: "SignDocument", DisplayName: "Подпись", MfaRequired: true, Uri: null },
            { Action: "DecryptDocument", MfaRequired: false },
          ],
        },
        AllowedSignatureType: { SignatureType: ["CAdES", "CMS", "PDF"] },
        CAPolicy: {
          DSSCAPolicy: [
            {
              Active: true,
              AllowUserMode: false,
              CAType: "CryptoProCA20Enroll",
              EkuTemplates: {
                KeyValueOfstringArrayOfstring: [
                  { Key: "Клиент", Value: { string: ["1.3.6.1.5.5.7.3.2"] } },
                  { Key: "Пусто", Value: null },
                ],
              },
              ID: 1,
              Name: "Тестовый УЦ",
              NamePolicy: {
                SubjectNameComponent: [
                  {
                    IsRequired: true,
                    Name: "Общее имя",
                    OID: "2.5.4.3",
                    Order: 0,
                    StringIdentifier: "CN",
                    Value: null,
                  },
                ],
              },
              SNChangesEnable: true,
            },
          ],
        },
        PinCodeMode: "Allow",
        TransactionConfirmation: "On",
        TspServices: {
          TspService: [{ Name: "tsp", Title: "Служба TSP", Url: "http://tsp.example/tsp/tsp.srf" }],
        },
      },
    },
    call: getDSSPolicy,
  },
  CreateTransactionToken: {
    input: {
      operationCode: "SignDocument",
      additionalParams: { CertificateId: "7", SignatureType: "CAdES" },
      document: b64("Документ для подтверждения"),
    },
    answer: { CreateTransactionTokenResult: "6f0d1f1e-0b7a-4c59-9d62-2b0f8f1c3a77" },
    call: createTransactionToken,
  },
};

/** The operations, in the guide's order. */
export const OPERATIONS = Object.keys(CASES) as Operation[];

/**
 * Handlers answering every case, recording each message they received by operation; `onCall`
 * sees each handler's context too.
 */
export function recordingHandlers(
  received: Map<string, unknown>,
  onCall?: (ctx: SoapHandlerContext<unknown>) => void,
): Handlers {
  const handlers: Record<string, (ctx: SoapHandlerContext<unknown>) => unknown> = {};
  for (const op of OPERATIONS) {
    handlers[op] = (ctx) => {
      received.set(op, ctx.message);
      onCall?.(ctx);
      return CASES[op].answer;
    };
  }
  return handlers as unknown as Handlers;
}

/** Calls one operation's case through the public client. */
export function callCase(client: SignServiceClient, op: Operation): Promise<unknown> {
  const c = CASES[op] as ContractCase<Operation>;
  return c.call(client, c.input as never);
}

/**
 * A token of `issuer` for `audience`, valid from a minute ago for ten minutes (the identity
 * centre's lifetime), with a fresh proof key.
 */
export function currentToken(
  issuer: TestIssuer,
  audience: string,
  init: { id?: string; subject?: string } = {},
) {
  const now = Date.now();
  return issuedToken(issuer, {
    id: init.id ?? `_${randomUUID()}`,
    audience,
    ...(init.subject !== undefined ? { subject: init.subject } : {}),
    notBefore: new Date(now - 60_000),
    notOnOrAfter: new Date(now + 600_000),
  });
}
