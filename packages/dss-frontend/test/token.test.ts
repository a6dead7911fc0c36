import { ConfigurationError } from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import {
  BackpostRefusedError,
  backpostUrl,
  constantTimeEqual,
  createBackpostToken,
  verifyBackpostToken,
} from "../src/index.js";

const secret = "0123456789abcdef0123456789abcdef-application-secret";
const t0 = Date.UTC(2026, 11, 3, 12, 0, 0);

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (e) {
    expect(e).toBeInstanceOf(BackpostRefusedError);
    expect((e as BackpostRefusedError).status).toBe(403);
    return (e as BackpostRefusedError).reason;
  }
  throw new Error("not refused");
}

describe("backpost tokens", () => {
  it("verify for the session, kind and time they were made for", async () => {
    const token = await createBackpostToken({
      secret,
      sessionId: "s-1",
      kind: "signFiles",
      ttlSeconds: 60,
      now: () => t0,
    });
    expect(token).toMatch(/^v1\.signFiles\.[0-9a-z]+\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    const claims = await verifyBackpostToken(token, {
      secret,
      sessionId: "s-1",
      now: () => t0 + 59_000,
    });
    expect(claims.kind).toBe("signFiles");
    expect(claims.expiresAt.getTime()).toBe(t0 + 60_000);
    expect(claims.nonce).toBe(token.split(".")[3]);
  });

  it("are different each time, and do not contain the session id", async () => {
    const a = await createBackpostToken({ secret, sessionId: "visible-session", kind: "signFile" });
    const b = await createBackpostToken({ secret, sessionId: "visible-session", kind: "signFile" });
    expect(a).not.toBe(b);
    expect(a).not.toContain("visible-session");
  });

  it("are refused for another session, another secret, a changed kind or expiry, or once expired", async () => {
    const token = await createBackpostToken({
      secret,
      sessionId: "s-1",
      kind: "signFile",
      ttlSeconds: 60,
      now: () => t0,
    });
    const at = { now: () => t0 + 1000 };
    expect(await refusal(verifyBackpostToken(token, { secret, sessionId: "s-2", ...at }))).toBe(
      "token-invalid",
    );
    expect(
      await refusal(verifyBackpostToken(token, { secret: `${secret}!`, sessionId: "s-1", ...at })),
    ).toBe("token-invalid");
    const parts = token.split(".");
    const otherKind = [parts[0], "encryptFile", ...parts.slice(2)].join(".");
    expect(await refusal(verifyBackpostToken(otherKind, { secret, sessionId: "s-1", ...at }))).toBe(
      "token-invalid",
    );
    const later = [
      parts[0],
      parts[1],
      (Number.parseInt(parts[2]!, 36) + 3600).toString(36),
      ...parts.slice(3),
    ].join(".");
    expect(await refusal(verifyBackpostToken(later, { secret, sessionId: "s-1", ...at }))).toBe(
      "token-invalid",
    );
    expect(
      await refusal(
        verifyBackpostToken(token, { secret, sessionId: "s-1", now: () => t0 + 60_000 }),
      ),
    ).toBe("token-expired");
  });

  it.each([
    "",
    "v1",
    "v2.signFile.abc.AAAAAAAAAAAAAAAAAAAAAA.x",
    "v1.deleteAll.abc.AAAAAAAAAAAAAAAAAAAAAA.AAAA",
    "a.b.c.d.e.f",
  ])("refuses the malformed token %j", async (token) => {
    expect(await refusal(verifyBackpostToken(token, { secret, sessionId: "s" }))).toBe(
      "token-malformed",
    );
  });

  it("need a secret of 32 bytes or more, a session id and a positive lifetime", async () => {
    await expect(
      createBackpostToken({ secret: "short", sessionId: "s", kind: "signFile" }),
    ).rejects.toThrow(ConfigurationError);
    await expect(createBackpostToken({ secret, sessionId: "", kind: "signFile" })).rejects.toThrow(
      ConfigurationError,
    );
    await expect(
      createBackpostToken({ secret, sessionId: "s", kind: "signFile", ttlSeconds: 0 }),
    ).rejects.toThrow(ConfigurationError);
    const bytesSecret = new Uint8Array(32).fill(7);
    const token = await createBackpostToken({
      secret: bytesSecret,
      sessionId: "s",
      kind: "signFile",
    });
    await expect(
      verifyBackpostToken(token, { secret: bytesSecret, sessionId: "s" }),
    ).resolves.toMatchObject({ kind: "signFile" });
  });

  it("go into the backpost URL as a query parameter, beside the URL's own", () => {
    const url = new URL(backpostUrl("https://app.example/back?doc=7", "v1.x"));
    expect(url.searchParams.get("doc")).toBe("7");
    expect(url.searchParams.get("dss_state")).toBe("v1.x");
    expect(
      new URL(backpostUrl("https://app.example/back", "t", "state")).searchParams.get("state"),
    ).toBe("t");
  });

  it("constantTimeEqual compares bytes", () => {
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(constantTimeEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(constantTimeEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 3]))).toBe(false);
  });
});
