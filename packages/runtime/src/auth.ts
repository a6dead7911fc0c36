import { toBase64 } from "./base64.js";
import type { AuthHook, OutgoingRequest } from "./client.js";
import type { TokenProvider } from "./token.js";

/** HTTP Basic authentication (RFC 7617) with UTF-8 credentials. */
export function basicAuth(username: string, password: string): AuthHook {
  const value = `Basic ${toBase64(new TextEncoder().encode(`${username}:${password}`))}`;
  return (request) => {
    request.headers.set("authorization", value);
  };
}

/** A token, or a function that yields the current one (a token provider caches and refreshes). */
export type TokenSource = string | (() => string | Promise<string>);

/**
 * `Authorization: Bearer <token>`. Given a {@link TokenProvider}, a 401 answer makes the client
 * drop that token, fetch a new one and repeat the call once (never more).
 */
export function bearerAuth(token: TokenSource | TokenProvider): AuthHook {
  if (typeof token === "object") {
    const hook: AuthHook = async (request) => {
      request.headers.set("authorization", `Bearer ${await token.getToken()}`);
    };
    hook.refresh = (request: OutgoingRequest) => {
      const sent = /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
      if (sent === undefined) return false;
      token.invalidate(sent);
      return true;
    };
    return hook;
  }
  return async (request) => {
    const value = typeof token === "string" ? token : await token();
    request.headers.set("authorization", `Bearer ${value}`);
  };
}

/**
 * A token in a header of the API's own, e.g. `clientToken`. Given a {@link TokenProvider}, a 401
 * answer makes the client drop that token, fetch a new one and repeat the call once, as with
 * {@link bearerAuth}.
 */
export function headerAuth(name: string, token: TokenSource | TokenProvider): AuthHook {
  if (typeof token === "object") {
    const hook: AuthHook = async (request) => {
      request.headers.set(name, await token.getToken());
    };
    hook.refresh = (request: OutgoingRequest) => {
      const sent = request.headers.get(name);
      if (sent === null) return false;
      token.invalidate(sent);
      return true;
    };
    return hook;
  }
  return async (request) => {
    request.headers.set(name, typeof token === "string" ? token : await token());
  };
}

/** Reads the credentials of a Basic `Authorization` header; `undefined` when it is absent or malformed. */
export function parseBasicAuth(
  header: string | null | undefined,
): { username: string; password: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? "");
  if (!match) return undefined;
  let binary: string;
  try {
    binary = atob(match[1]!);
  } catch {
    return undefined;
  }
  const decoded = new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
