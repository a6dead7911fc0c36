import { randomUUID } from "node:crypto";
import type { Router } from "@trustspec/runtime/server";
import { escapeText } from "@trustspec/runtime/soap";
import {
  createWsTrustEndpoint,
  type WsTrustExchange,
  type WsTrustStep,
} from "../emulator/sts/wstrust.js";
import { NS } from "./messages.js";

/**
 * A mock of the DSS identity centre's WS-Trust endpoint for tests: the emulator's WS-Trust
 * endpoint (SOAP 1.2, UsernameToken) over settings instead of the emulator's state. It checks the
 * UsernameToken, answers an RST that carries a transaction claim (or every RST, with
 * `challengeAlways`) with an InteractiveChallenge, checks the answer against the configured code,
 * and issues a token. Wrong codes get a new challenge (guide 7.1.1, line 12068) until
 * `maxAttempts`, then `wst:FailedAuthentication`; a challenge older than `challengeTtlMs` gets
 * `wst:ExpiredData`; the code `declineCode` gets `wst:RequestFailed`. Faults travel with SOAP
 * 1.2's HTTP status (400); the emulator's, as WCF's, with 500.
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

const TITLE = "На ваш номер отправлено SMS сообщение с одноразовым паролем";
const LABEL = "Введите одноразовый пароль для подтверждения подписи";
const LABEL_AGAIN = "Неверный одноразовый пароль. Введите одноразовый пароль ещё раз";
const JWT_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:jwt";

/** A router serving the mock WS-Trust endpoint described by {@link MockStsOptions}. */
export function createMockSts(options: MockStsOptions): Router {
  const now = options.now ?? Date.now;
  const max = options.maxAttempts ?? 3;
  const ttl = options.challengeTtlMs ?? 300_000;
  const fault = (code: "FailedAuthentication" | "ExpiredData" | "RequestFailed", reason: string) =>
    ({ kind: "fault", code, reason }) as const;

  return createWsTrustEndpoint("/", {
    now,
    checkPassword: (login, password) =>
      Object.hasOwn(options.users, login) && options.users[login] === password ? login : undefined,
    start(_login, rst): WsTrustStep {
      if (!rst.transactionId && !options.challengeAlways) return { kind: "issue" };
      return { kind: "challenge", refId: randomUUID(), title: TITLE, label: LABEL };
    },
    answer(x: WsTrustExchange, value): WsTrustStep {
      if (now() - x.createdAt > ttl) return fault("ExpiredData", "The confirmation has expired.");
      if (options.declineCode !== undefined && value === options.declineCode) {
        return fault("RequestFailed", "The user declined the operation.");
      }
      const code =
        typeof options.code === "function" ? options.code(x.transactionId) : options.code;
      if (value === code) return { kind: "issue" };
      x.attempts++;
      if (x.attempts >= max) {
        return fault("FailedAuthentication", "Too many wrong one-time passwords.");
      }
      return { kind: "challenge", refId: x.refId, title: TITLE, label: LABEL_AGAIN };
    },
    issue(user, request) {
      const created = new Date(now());
      const token = options.issueToken?.({ user, ...request }) ?? randomUUID();
      return {
        tokenXml: `<o:BinarySecurityToken xmlns:o="${NS.wsse}" ValueType="${JWT_TOKEN_TYPE}" EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${escapeText(token)}</o:BinarySecurityToken>`,
        tokenType: JWT_TOKEN_TYPE,
        referenceXml: `<o:SecurityTokenReference xmlns:o="${NS.wsse}"><o:KeyIdentifier>_${randomUUID()}</o:KeyIdentifier></o:SecurityTokenReference>`,
        keySize: 256,
        created,
        expires: new Date(created.getTime() + (options.tokenLifetimeS ?? 600) * 1000),
        ...(request.appliesTo !== undefined ? { appliesTo: request.appliesTo } : {}),
      };
    },
    ...(options.onEvent ? { onEvent: options.onEvent } : {}),
  });
}
