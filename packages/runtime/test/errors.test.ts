import { describe, expect, it } from "vitest";
import {
  AbortError,
  ApiError,
  isSecretName,
  redact,
  TimeoutError,
  TransportError,
  TrustspecError,
  ValidationError,
} from "../src/index.js";

describe("redact", () => {
  it("removes Basic and Bearer credentials", () => {
    expect(redact("Authorization: Basic YWxpY2U6c2VjcmV0")).toBe("Authorization: Basic [redacted]");
    expect(redact("sent Bearer eyJhbGciOi.eyJzdWIiOi.sig-_~+/= to the API")).toBe(
      "sent Bearer [redacted] to the API",
    );
    expect(redact("authorization: bearer abc.def")).toBe("authorization: bearer [redacted]");
    expect(redact("Basic YWxpY2U6c2VjcmV0")).not.toContain("YWxpY2U6c2VjcmV0");
  });

  it("removes password, token, secret and pin values in k=v form and keeps the rest", () => {
    expect(redact("user=bob&password=hunter2&lang=en")).toBe(
      "user=bob&password=[redacted]&lang=en",
    );
    expect(redact("login failed: pass=hunter2, user=bob")).toBe(
      "login failed: pass=[redacted], user=bob",
    );
    expect(redact("access_token=abc123 expires=3600")).toBe("access_token=[redacted] expires=3600");
    expect(redact("client_secret = s3cr3t")).toBe("client_secret = [redacted]");
    expect(redact("PIN=1234")).toBe("PIN=[redacted]");
    expect(redact("otp=987654 sent")).toBe("otp=[redacted] sent");
  });

  it('removes values in "k": "v" form and keeps other fields', () => {
    const text = JSON.stringify({ user: "bob", Password: "hunter2", clientToken: "ct-9", n: 1 });
    const out = redact(text);
    expect(out).not.toContain("hunter2");
    expect(out).not.toContain("ct-9");
    expect(out).toContain('"Password":"[redacted]"');
    expect(out).toContain('"clientToken":"[redacted]"');
    expect(out).toContain('"user":"bob"');
    expect(out).toContain('"n":1');
    expect(redact('{"pin": "1234", "name": "x"}')).toBe('{"pin": "[redacted]", "name": "x"}');
  });

  it("removes a quoted secret that contains spaces or punctuation", () => {
    const out = redact('{"password": "correct horse, battery}", "user": "bob"}');
    expect(redact('{"token":"a\\"b c"}')).toBe('{"token":"[redacted]"}');
    expect(out).not.toMatch(/horse|battery/);
    expect(out).toBe('{"password": "[redacted]", "user": "bob"}');
    expect(redact('secret: "a b c"')).toBe('secret: "[redacted]"');
    // A body cut off inside the value.
    expect(redact('{"user":"bob","password":"hunter 2')).toBe(
      '{"user":"bob","password":"[redacted]"',
    );
  });

  it("leaves text without secrets alone", () => {
    const text = 'Thing 42 not found (user=bob, "status": "lost")';
    expect(redact(text)).toBe(text);
    expect(redact("")).toBe("");
  });
});

describe("isSecretName", () => {
  it("recognises secret header and field names", () => {
    for (const name of [
      "Authorization",
      "password",
      "clientToken",
      "X-Signature",
      "PIN",
      "code_verifier",
    ])
      expect(isSecretName(name)).toBe(true);
    for (const name of ["user", "content-type", "KeyNo"]) expect(isSecretName(name)).toBe(false);
  });
});

describe("error classes", () => {
  it("ApiError does not put a password from the body's Message into its message", () => {
    const error = new ApiError({
      status: 401,
      operationId: "login",
      body: { Code: 401, Message: "Login failed for user=bob password=hunter2" },
      headers: new Headers(),
    });
    expect(error.message).toBe(
      "login failed with HTTP 401: Login failed for user=bob password=[redacted]",
    );
    expect(error.message).not.toContain("hunter2");
    // The body itself is kept for the caller.
    expect((error.body as { Message: string }).Message).toContain("hunter2");
  });

  it("ApiError redacts a text body and a Bearer token in `message`-like fields", () => {
    const text = new ApiError({
      status: 500,
      operationId: "op",
      body: "upstream rejected Bearer abc.def.ghi",
      headers: new Headers(),
    });
    expect(text.message).toBe("op failed with HTTP 500: upstream rejected Bearer [redacted]");
    const lower = new ApiError({
      status: 400,
      operationId: "op",
      body: { error: "invalid_grant", error_description: "bad token=xyz" },
      headers: new Headers(),
    });
    expect(lower.message).toBe("op failed with HTTP 400: bad token=[redacted]");
    const plain = new ApiError({
      status: 400,
      operationId: "op",
      body: { error: "invalid_grant" },
      headers: new Headers(),
    });
    expect(plain.message).toBe("op failed with HTTP 400: invalid_grant");
  });

  it("ApiError message shortens long bodies and ignores bodies without text", () => {
    const long = new ApiError({
      status: 500,
      operationId: "op",
      body: "x".repeat(1000),
      headers: new Headers(),
    });
    expect(long.message.length).toBe("op failed with HTTP 500: ".length + 200);
    const none = new ApiError({
      status: 500,
      operationId: "op",
      body: { Code: 1 },
      headers: new Headers(),
    });
    expect(none.message).toBe("op failed with HTTP 500");
    const custom = new ApiError({
      status: 418,
      operationId: "op",
      body: null,
      headers: new Headers(),
      message: "teapot",
    });
    expect(custom.message).toBe("teapot");
  });

  it("every error is a TrustspecError with a stable code and its own name", () => {
    const errors = [
      [
        new ApiError({ status: 500, operationId: "op", body: "", headers: new Headers() }),
        "api_error",
      ],
      [
        new ValidationError({ operationId: "op", direction: "request", issues: [] }),
        "validation_error",
      ],
      [new TransportError("op", new Error("x")), "transport_error"],
      [new TimeoutError("op", 5), "timeout"],
      [new AbortError("op"), "aborted"],
    ] as const;
    for (const [error, code] of errors) {
      expect(error).toBeInstanceOf(TrustspecError);
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(error.constructor.name);
    }
  });

  it("ValidationError shows `/` for an issue at the root", () => {
    const error = new ValidationError({
      operationId: "op",
      direction: "response",
      issues: [{ path: "", message: "must be object" }],
    });
    expect(error.message).toBe("op: response does not match the contract: / must be object");
  });
});
