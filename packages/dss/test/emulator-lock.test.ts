import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, passwordToken, type Running, start, subjectJwt } from "./emulator-support.js";

/**
 * A locked account (DssUser.locked, set by the user management service's lockout when both run
 * together) can neither sign in with its password nor be acted for by an operator.
 */
describe("a locked account", () => {
  let r: Running;
  beforeAll(async () => {
    r = await start();
  });
  afterAll(() => r.close());

  const grant = (username: string, password: string) =>
    call(`${r.url}/STS/oauth/token`, "POST", {
      form: { grant_type: "password", username, password, client_id: "dss.sample" },
    });

  it("is refused the password grant while locked, and signs in again once unlocked", async () => {
    expect((await grant("demo", "demo")).status).toBe(200);
    r.dss.state.users.get("demo")!.locked = true;
    const refused = await grant("demo", "demo");
    expect(refused.status).toBe(400);
    expect(refused.json.error).toBe("invalid_grant");
    r.dss.state.users.get("demo")!.locked = false;
    expect((await grant("demo", "demo")).status).toBe(200);
  });

  it("cannot be the subject of a token exchange while locked", async () => {
    const operator = await passwordToken(r.url, "operator");
    const exchange = () =>
      call(`${r.url}/STS/oauth/token`, "POST", {
        form: {
          grant_type: "urn:ietf:params:oauth:grant-type:token-exchange",
          client_id: "dss.sample",
          actor_token: operator,
          actor_token_type: "urn:ietf:params:oauth:token-type:jwt",
          subject_token: subjectJwt({
            unique_name: "demo",
            exp: Math.floor(Date.now() / 1000) + 600,
          }),
          subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
        },
      });
    r.dss.state.users.get("demo")!.locked = true;
    const refused = await exchange();
    expect(refused.status).toBe(400);
    expect(refused.json.error_description).toMatch(/locked/);
    r.dss.state.users.get("demo")!.locked = false;
    expect((await exchange()).status).toBe(200);
  });
});
