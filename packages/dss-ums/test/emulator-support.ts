import { createDssStsClient, passwordTokenProvider } from "@trustspec/dss";
import { bearerAuth } from "@trustspec/runtime";
import { createDssUmsClient, type DssUmsClient } from "../src/generated/ums/client.gen.js";
import { DssUmsEmulator, type DssUmsEmulatorOptions } from "../src/server.js";

/** One emulator over HTTP on 127.0.0.1, and a UMS client with a real operator token. */
export interface Running {
  emulator: DssUmsEmulator;
  url: string;
  /** The UMS client, authorised by the operator's token from the identity centre (or the fixed one). */
  ums: DssUmsClient;
  /** A UMS client with another bearer token. */
  umsWith(token: string): DssUmsClient;
  close(): Promise<void>;
}

/**
 * Starts the UMS beside a DSS emulator (ECDSA keys, which are quick to make), or standalone with
 * `standalone: true`; answers are checked against the contract by the emulator itself.
 */
export async function startUms(
  options: DssUmsEmulatorOptions & { standalone?: boolean } = {},
): Promise<Running> {
  const { standalone, ...rest } = options;
  const emulator = await DssUmsEmulator.create({
    responseValidation: "strict",
    ...(standalone ? {} : { dss: { keyAlgorithm: "ECDSA", responseValidation: "strict" } }),
    ...rest,
  });
  const server = await emulator.listen();
  const umsUrl = `${server.url}/STS/ums`;
  const token = standalone
    ? "ums-operator-token"
    : passwordTokenProvider(createDssStsClient({ baseUrl: `${server.url}/STS` }), {
        client: { clientId: "dss.sample" },
        username: "operator",
        password: "operator",
      });
  const clientWith = (auth: ReturnType<typeof bearerAuth>) =>
    createDssUmsClient({ baseUrl: umsUrl, auth, validation: "strict", retry: false });
  return {
    emulator,
    url: server.url,
    ums: clientWith(bearerAuth(token)),
    umsWith: (t) => clientWith(bearerAuth(t)),
    close: async () => {
      await server.close();
      await emulator.close();
    },
  };
}

/** A body sent as this text, not encoded as JSON (to send broken JSON). */
export class RawText {
  constructor(readonly text: string) {}
}

/** A raw call below /STS/ums with the operator's token, for bad input the client would refuse. */
export async function raw(
  r: Running,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; text: string; headers: Headers }> {
  const token = await currentToken(r);
  const res = await fetch(`${r.url}/STS/ums${path}`, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined
      ? { body: body instanceof RawText ? body.text : JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** The bearer token the test client sends (read from a request it would make). */
async function currentToken(r: Running): Promise<string | undefined> {
  const hooks = r.ums.options.auth;
  const hook = Array.isArray(hooks) ? hooks[0] : hooks;
  if (!hook) return undefined;
  const request = {
    operationId: "x",
    method: "GET",
    url: new URL("http://x"),
    headers: new Headers(),
    body: undefined,
  };
  await (hook as (r: typeof request) => Promise<void>)(request);
  return /^Bearer (.+)$/.exec(request.headers.get("authorization") ?? "")?.[1];
}
