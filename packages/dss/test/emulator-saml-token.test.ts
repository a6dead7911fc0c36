/**
 * The emulator's SAML token issuance (what its WS-Trust endpoint hands out): a token signed by the
 * identity centre's key, which a service verifies with the published certificate, recorded with
 * its proof key and transaction claim; a token whose text was changed does not verify.
 */
import { buildEnvelope } from "@trustspec/runtime/soap";
import { describe, expect, it } from "vitest";
import { DSS_CLAIM_NAMESPACE, DssEmulator } from "../src/emulator/index.js";
import {
  transportSecurityHeader,
  verifyTransportSecurity,
  WsSecurityError,
} from "../src/wssecurity/index.js";

const emulator = await DssEmulator.create();

function envelopeWith(token: { tokenXml: string; proofKey: string; keyIdentifier: string }) {
  return buildEnvelope(
    "1.2",
    '<GetCertificates xmlns="http://dss.cryptopro.ru/services/2014/06/"/>',
    [transportSecurityHeader({ token })],
  );
}

describe("emulator SAML tokens", () => {
  it("issues a token the identity centre's certificate verifies, recorded with its proof key", async () => {
    const token = emulator.issueSamlToken("demo", { transactionId: "tx-1" });
    const record = emulator.state.samlTokens.get(token.keyIdentifier);
    expect(record).toMatchObject({
      subject: "demo",
      transactionId: "tx-1",
      proofKey: token.proofKey,
    });
    expect(record!.expiresAt - record!.issuedAt).toBe(600_000);
    expect(Buffer.from(token.proofKey, "base64")).toHaveLength(32);
    const verified = await verifyTransportSecurity(envelopeWith(token), {
      issuerKey: emulator.stsCertificatePem,
      issuer: emulator.stsIssuer,
      audiences: [token.appliesTo],
      proofKey: (id) => emulator.state.samlTokens.get(id)?.proofKey,
    });
    expect(verified.subject).toBe("demo");
    expect(verified.attributes).toContainEqual(
      expect.objectContaining({
        name: "dsstransactiontokenid",
        namespace: DSS_CLAIM_NAMESPACE,
        values: ["tx-1"],
      }),
    );
  });

  it("a token whose subject was changed after signing is refused", async () => {
    const token = emulator.issueSamlToken("demo");
    const forged = { ...token, tokenXml: token.tokenXml.replace(">demo<", ">operator<") };
    const error = await verifyTransportSecurity(envelopeWith(forged), {
      issuerKey: emulator.stsCertificatePem,
      audiences: [token.appliesTo],
      proofKey: (id) => emulator.state.samlTokens.get(id)?.proofKey,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WsSecurityError);
  });

  it("drops the records of expired tokens when it issues another, so a long run does not grow", async () => {
    let now = Date.parse("2026-01-10T09:00:00Z");
    const clocked = await DssEmulator.create({ now: () => new Date(now) });
    const first = clocked.issueSamlToken("demo", { lifetimeSeconds: 60 });
    const second = clocked.issueSamlToken("demo", { lifetimeSeconds: 600 });
    now += 61_000;
    const third = clocked.issueSamlToken("demo");
    const kept = [...clocked.state.samlTokens.keys()];
    expect(kept).toEqual([second.keyIdentifier, third.keyIdentifier]);
    expect(kept).not.toContain(first.keyIdentifier);
  });

  it("refuses to issue for an unknown user", () => {
    expect(() => emulator.issueSamlToken("nobody")).toThrow(/unknown user/);
  });
});
