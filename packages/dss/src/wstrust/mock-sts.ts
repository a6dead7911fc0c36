import { randomUUID } from "node:crypto";
import type { Router } from "@trustspec/runtime/server";
import {
  childElements,
  createSoapEndpoint,
  escapeText,
  escapeXml,
  isElement,
  SoapFault,
  type SoapRequest,
} from "@trustspec/runtime/soap";
import {
  ACTIONS,
  actionHeader,
  KEY_TYPE_SYMMETRIC,
  NS,
  parseRequestSecurityToken,
  parseTrustResponse,
  REQUEST_TYPE_ISSUE,
} from "./messages.js";

/**
 * A mock of the DSS identity centre's WS-Trust endpoint (SOAP 1.2 on the runtime's SOAP
 * endpoint) for tests: checks the UsernameToken, answers an RST that carries a transaction claim
 * (or every RST, with `challengeAlways`) with an InteractiveChallenge, checks the answer against
 * the configured code, and issues a token. Wrong codes get a new challenge (guide 7.1.1, line
 * 12068) until `maxAttempts`, then `wst:FailedAuthentication`; a challenge older than
 * `challengeTtlMs` gets `wst:ExpiredData`; the code `declineCode` gets `wst:RequestFailed`.
 */
export interface MockStsOptions {
  /** Accepted users, `login -> password`. */
  users: Record<string, string>;
  /** The one-time password expected, or a function of the transaction id. */
  code: string | ((transactionId: string | undefined) => string);
  /** An answer that stands for the user refusing (default none). */
  declineCode?: string;
  maxAttempts?: number;
  challengeTtlMs?: number;
  /** Challenge every RST, not only those with a transaction claim (login confirmation). */
  challengeAlways?: boolean;
  /** The token text issued (default: an opaque random string); `tokenLifetimeS` its lifetime. */
  issueToken?: (info: { user: string; transactionId?: string; appliesTo?: string }) => string;
  tokenLifetimeS?: number;
  /** The clock, in milliseconds (default `Date.now`). */
  now?: () => number;
  /** Sees every exchange step (for assertions). */
  onEvent?: (event: { kind: "rst" | "answer" | "issued" | "fault"; refId?: string }) => void;
}

interface Pending {
  user: string;
  transactionId?: string;
  appliesTo?: string;
  createdAt: number;
  attempts: number;
}

/** A router serving the mock WS-Trust endpoint described by {@link MockStsOptions}. */
export function createMockSts(options: MockStsOptions): Router {
  const now = options.now ?? Date.now;
  const max = options.maxAttempts ?? 3;
  const ttl = options.challengeTtlMs ?? 300_000;
  const pending = new Map<string, Pending>();
  const fail = (local: string, reason: string) =>
    new SoapFault("Client", reason, { subcode: { ns: NS.trust, local } });

  function user(request: SoapRequest): string {
    const sec = request.envelope.headers.find((h) =>
      isElement(h, { ns: NS.wsse, local: "Security" }),
    );
    const token =
      sec && childElements(sec).find((c) => isElement(c, { ns: NS.wsse, local: "UsernameToken" }));
    const get = (local: string) =>
      token && childElements(token).find((c) => isElement(c, { ns: NS.wsse, local }))?.textContent;
    const login = get("Username") ?? "";
    const password = get("Password");
    if (!token || options.users[login] === undefined || options.users[login] !== password) {
      throw fail("FailedAuthentication", "The user name or password is not accepted.");
    }
    return login;
  }

  function challenge(refId: string, p: Pending, label: string): string {
    return `<trust:RequestSecurityTokenResponse xmlns:trust="${NS.trust}"><InteractiveChallenge xmlns="${NS.challenge}"><Title>На ваш номер отправлено SMS сообщение с одноразовым паролем</Title><TextChallenge RefID="${refId}" Label="${escapeXml(label)}"/><ContextData RefID="${refId}"/></InteractiveChallenge>${applies(p.appliesTo)}</trust:RequestSecurityTokenResponse>`;
  }

  function applies(address: string | undefined): string {
    return address
      ? `<wsp:AppliesTo xmlns:wsp="${NS.policy}"><wsa:EndpointReference xmlns:wsa="${NS.addressing}"><wsa:Address>${escapeText(address)}</wsa:Address></wsa:EndpointReference></wsp:AppliesTo>`
      : "";
  }

  function issue(p: Pending): { body: string; headers: string[] } {
    const created = new Date(now());
    const expires = new Date(created.getTime() + (options.tokenLifetimeS ?? 600) * 1000);
    const info: { user: string; transactionId?: string; appliesTo?: string } = { user: p.user };
    if (p.transactionId) info.transactionId = p.transactionId;
    if (p.appliesTo) info.appliesTo = p.appliesTo;
    const token = options.issueToken?.(info) ?? randomUUID();
    const id = `_${randomUUID()}`;
    options.onEvent?.({ kind: "issued" });
    return {
      headers: [actionHeader(ACTIONS.issueFinal)],
      body: `<trust:RequestSecurityTokenResponseCollection xmlns:trust="${NS.trust}"><trust:RequestSecurityTokenResponse><trust:KeySize>256</trust:KeySize><trust:Lifetime><wsu:Created xmlns:wsu="${NS.wsu}">${created.toISOString()}</wsu:Created><wsu:Expires xmlns:wsu="${NS.wsu}">${expires.toISOString()}</wsu:Expires></trust:Lifetime>${applies(p.appliesTo)}<trust:RequestedSecurityToken><o:BinarySecurityToken xmlns:o="${NS.wsse}" ValueType="urn:ietf:params:oauth:token-type:jwt" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${escapeText(token)}</o:BinarySecurityToken></trust:RequestedSecurityToken><trust:RequestedProofToken><trust:BinarySecret/></trust:RequestedProofToken><trust:RequestedAttachedReference><o:SecurityTokenReference xmlns:o="${NS.wsse}"><o:KeyIdentifier>${id}</o:KeyIdentifier></o:SecurityTokenReference></trust:RequestedAttachedReference><trust:TokenType>urn:ietf:params:oauth:token-type:jwt</trust:TokenType><trust:RequestType>${REQUEST_TYPE_ISSUE}</trust:RequestType><trust:KeyType>${KEY_TYPE_SYMMETRIC}</trust:KeyType></trust:RequestSecurityTokenResponse></trust:RequestSecurityTokenResponseCollection>`,
    };
  }

  return createSoapEndpoint({
    version: "1.2",
    understoodHeaders: [{ ns: NS.wsse, local: "Security" }],
    operations: [
      {
        name: "Issue",
        action: ACTIONS.issue,
        element: { ns: NS.trust, local: "RequestSecurityToken" },
        handle(request) {
          const login = user(request);
          const rst = parseRequestSecurityToken(request.envelope.body);
          options.onEvent?.({ kind: "rst" });
          if (rst.requestType !== REQUEST_TYPE_ISSUE)
            throw fail("InvalidRequest", "Only Issue is supported.");
          const p: Pending = { user: login, createdAt: now(), attempts: 0 };
          if (rst.transactionId) p.transactionId = rst.transactionId;
          if (rst.appliesTo) p.appliesTo = rst.appliesTo;
          if (!rst.transactionId && !options.challengeAlways) return issue(p);
          const refId = randomUUID();
          pending.set(refId, p);
          return {
            body: challenge(refId, p, "Введите одноразовый пароль для подтверждения подписи"),
          };
        },
      },
      {
        name: "ChallengeResponse",
        action: ACTIONS.challengeResponse,
        element: { ns: NS.trust, local: "RequestSecurityTokenResponseCollection" },
        handle(request) {
          const login = user(request);
          let parsed: ReturnType<typeof parseTrustResponse>;
          try {
            parsed = parseTrustResponse(request.envelope.body);
          } catch {
            throw fail("InvalidRequest", "The message is not a challenge response.");
          }
          if (parsed.kind !== "challengeResponse" || parsed.answers.length === 0) {
            throw fail("InvalidRequest", "The message is not a challenge response.");
          }
          const { refId, value } = parsed.answers[0]!;
          const p = pending.get(refId);
          options.onEvent?.({ kind: "answer", refId });
          if (!p || p.user !== login) throw fail("InvalidRequest", "Unknown RefId.");
          if (now() - p.createdAt > ttl) {
            pending.delete(refId);
            throw fail("ExpiredData", "The confirmation has expired.");
          }
          if (options.declineCode !== undefined && value === options.declineCode) {
            pending.delete(refId);
            throw fail("RequestFailed", "The user declined the operation.");
          }
          const code =
            typeof options.code === "function" ? options.code(p.transactionId) : options.code;
          if (value !== code) {
            p.attempts++;
            if (p.attempts >= max) {
              pending.delete(refId);
              throw fail("FailedAuthentication", "Too many wrong one-time passwords.");
            }
            return {
              body: challenge(
                refId,
                p,
                "Неверный одноразовый пароль. Введите одноразовый пароль ещё раз",
              ),
            };
          }
          pending.delete(refId);
          return issue(p);
        },
      },
    ],
  });
}
