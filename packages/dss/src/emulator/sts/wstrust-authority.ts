import type { ConfirmReply } from "../../generated/sts/server.gen.js";
import { assertionReferenceXml, WsSecurityError } from "../../wssecurity/index.js";
import { verifyAssertion } from "../../wssecurity/verify.js";
import { CLAIMS, type ParsedRequestSecurityToken } from "../../wstrust/messages.js";
import { dtbsChallengeText } from "../dtbs.js";
import type { EmulatorSamlToken } from "../index.js";
import type { DssEmulatorState, DssUser, Principal, StoredConfirmation } from "../state.js";
import type { ConfirmationService } from "./confirmation.js";
import type { WsTrustAuthority, WsTrustExchange, WsTrustStep } from "./wstrust.js";

/**
 * The emulator's identity centre behind its WS-Trust endpoints: users and passwords from the
 * state (a locked account is refused), tokens it issued itself (signature by its key, issuer,
 * lifetime, and the record in `state.samlTokens`), users' certificates for `/cert`. Second
 * factors run on the confirmation service the OAuth side uses (one logic, one state): an RST
 * with the transaction claim starts confirming the transaction, an RST with a confirmation scope
 * (§6.7.1) the scope, and a user with `loginConfirmation` confirms the sign-in itself; a
 * confirmed transaction is `confirmed` in `state.transactions` as after an OAuth confirmation,
 * and the SAML token carries the claim.
 */

/** What the authority needs of the emulator besides its state. */
export interface EmulatorWsTrustOptions {
  state: DssEmulatorState;
  confirmations: ConfirmationService;
  /** The identity centre's token-signing certificate (PEM) and the `Issuer` of its tokens. */
  stsCertificatePem: () => string;
  stsIssuer: string;
  /** Issues and records a SAML token (the emulator's `issueSamlToken`). */
  issueSamlToken(
    login: string,
    options: { audience?: string; transactionId?: string },
  ): EmulatorSamlToken;
}

/** The confirmation scope of a sign-in confirmed by a second factor (WS-Trust only). */
export const LOGIN_CONFIRMATION_SCOPE = "login";
/** The client id of access tokens the confirmation service records for WS-Trust confirmations. */
export const WSTRUST_CLIENT_ID = "ws-trust";
/** The token type of the RSTR (guide, line 10461). */
const SAML_TOKEN_TYPE = "urn:oasis:names:tc:SAML:1.0:assertion";
const LOGIN_LABEL = "Введите одноразовый пароль для подтверждения входа";
const WRONG_CODE = "Неверный одноразовый пароль.";

/** The emulator's {@link WsTrustAuthority}. */
export function emulatorWsTrustAuthority(options: EmulatorWsTrustOptions): WsTrustAuthority {
  const { state, confirmations } = options;

  const active = (login: string): DssUser | undefined => {
    const user = state.users.get(login);
    return user && !user.locked ? user : undefined;
  };

  /** The caller as the confirmation service knows callers: a principal without a bearer token. */
  const principalOf = (user: DssUser): Principal => {
    const now = state.nowMs();
    return {
      token: {
        value: "",
        subject: user.login,
        clientId: WSTRUST_CLIENT_ID,
        scope: "dss",
        issuedAt: now,
        expiresAt: now,
      },
      user,
      isOperator: user.role === "operator",
    };
  };

  /** Maps the confirmation service's answer to the exchange's next step. */
  function stepOf(reply: ConfirmReply, refId: string | undefined): WsTrustStep {
    const body = reply.body;
    const reason = body.ErrorDescription ?? "The confirmation failed.";
    if (reply.status !== 200) {
      return {
        kind: "fault",
        code: body.Error === "transaction_pending" ? "RequestFailed" : "InvalidRequest",
        reason,
      };
    }
    if (body.IsFinal && !body.IsError) return { kind: "issue" };
    if (body.IsFinal) {
      const code =
        body.Error === "max_attempts_exceeded"
          ? "FailedAuthentication"
          : body.Error === "transaction_expired"
            ? "ExpiredData"
            : "RequestFailed";
      return { kind: "fault", code, reason };
    }
    const id = body.Challenge?.TextChallenge?.[0]?.RefID ?? refId;
    const c = id === undefined ? undefined : state.confirmations.get(id);
    if (!c) return { kind: "fault", code: "RequestFailed", reason: "The confirmation is gone." };
    return {
      kind: "challenge",
      refId: c.refId,
      title: c.title,
      label: body.IsError ? `${WRONG_CODE} ${c.label}` : c.label,
    };
  }

  /**
   * What the user is shown besides the confirmation service's label: nothing more for a DTBS
   * with rows (the label already shows them), else the RST's text.
   */
  function shownText(c: StoredConfirmation, rst: ParsedRequestSecurityToken): string | undefined {
    const tx = c.transactionId ? state.transactions.get(c.transactionId) : undefined;
    if (dtbsChallengeText(tx) !== undefined) return undefined;
    // 7.1.1 (lines 11990-11996): the ContextItem confirmationtext is shown in the message.
    return rst.additionalContext.find((i) => i.name === CLAIMS.confirmationText)?.value;
  }

  return {
    now: () => state.nowMs(),

    checkPassword: (login, password) => state.checkPassword(login, password)?.login,

    checkIssuedToken(token) {
      const id = token.getAttribute("AssertionID") ?? "";
      const record = state.samlTokens.get(id);
      if (!record || !active(record.subject)) return undefined;
      try {
        const verified = verifyAssertion(
          token,
          {
            issuerKey: options.stsCertificatePem(),
            issuer: options.stsIssuer,
            audiences: [record.audience],
          },
          new Date(state.nowMs()),
          0,
        );
        return verified.subject === record.subject ? record.subject : undefined;
      } catch (e) {
        if (e instanceof WsSecurityError) return undefined;
        throw e;
      }
    },

    checkCertificate: (der) => state.userByCertificate(der)?.login,

    start(login, rst) {
      const user = active(login);
      if (!user)
        return { kind: "fault", code: "FailedAuthentication", reason: "The user is locked." };
      const scope = rst.additionalContext.find((i) => i.name === CLAIMS.confirmationScope)?.value;
      const init = rst.transactionId
        ? { transactionId: rst.transactionId }
        : scope !== undefined
          ? { scope }
          : user.loginConfirmation
            ? { scope: LOGIN_CONFIRMATION_SCOPE }
            : undefined;
      if (!init) return { kind: "issue" };
      const reply = confirmations.start(principalOf(user), init);
      const refId = reply.body.Challenge?.TextChallenge?.[0]?.RefID;
      const c = refId === undefined ? undefined : state.confirmations.get(refId);
      if (c) {
        if (init.scope === LOGIN_CONFIRMATION_SCOPE && !rst.transactionId) c.label = LOGIN_LABEL;
        const text = shownText(c, rst);
        if (text) c.label = `${c.label} ${text}`;
      }
      return stepOf(reply, refId);
    },

    answer(exchange: WsTrustExchange, value: string) {
      const user = active(exchange.login);
      if (!user)
        return { kind: "fault", code: "FailedAuthentication", reason: "The user is locked." };
      const c = state.confirmations.get(exchange.refId);
      // myDSS: the answer only asks whether the phone has approved; a code is not checked.
      const reply = confirmations.answer(
        principalOf(user),
        exchange.refId,
        c?.mode === "mydss" ? undefined : value,
      );
      return stepOf(reply, exchange.refId);
    },

    issue(login, request) {
      const token = options.issueSamlToken(login, {
        ...(request.appliesTo !== undefined ? { audience: request.appliesTo } : {}),
        ...(request.transactionId !== undefined ? { transactionId: request.transactionId } : {}),
      });
      return {
        tokenXml: token.tokenXml,
        tokenType: SAML_TOKEN_TYPE,
        referenceXml: assertionReferenceXml(token.keyIdentifier),
        proofKey: token.proofKey,
        keySize: 256,
        created: new Date(token.created),
        expires: new Date(token.expires),
        appliesTo: token.appliesTo,
      };
    },
  };
}
