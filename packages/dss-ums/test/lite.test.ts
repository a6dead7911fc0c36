/**
 * `@trustspec/dss-ums/lite`: the user management operations without validation, against the
 * generated MSW mocks and against the emulator over real HTTP on 127.0.0.1 (no input, a path
 * parameter, a JSON body, a search built with `userQuery`, error statuses); what a one-operation
 * bundle carries; the types.
 */
import { join } from "node:path";
import { ConfigurationError, ValidationError } from "@trustspec/runtime";
import {
  browserBundleOf,
  expectLiteResponsesMatch,
  useMockServer,
} from "@trustspec-private/test-support";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import * as full from "../src/index.js";
import {
  ApiError,
  bearerAuth,
  createDssUmsClient,
  createUser,
  type DssUmsLiteClient,
  getPolicy,
  getUserById,
  isGetUserByIdError,
  searchUsers,
  umsErrorOf,
  userQuery,
} from "../src/lite.js";
import { createDssUmsMockHandlers } from "../src/mocks.js";
import { type Running, startUms } from "./emulator-support.js";

async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

const NO_USER = "00000000-0000-0000-0000-000000000000";

describe("against the MSW mocks", () => {
  const BASE = "http://ums-lite.mock.test/STS/ums";
  const server = setupServer(...createDssUmsMockHandlers({ baseUrl: BASE, seed: 4 }));
  const { requests, bodies } = useMockServer(server);

  const client = () => createDssUmsClient({ baseUrl: BASE, retry: false, auth: bearerAuth("t") });

  it("getPolicy: no input, a bearer token", async () => {
    const { status, data } = await getPolicy(client());
    expect(status).toBe(200);
    expect(typeof data).toBe("object");
    expect(requests[0]!.headers.get("authorization")).toBe("Bearer t");
  });

  it("getUserById: a path parameter", async () => {
    const { status } = await getUserById(client(), { path: { id: NO_USER } });
    expect(status).toBe(200);
    expect(new URL(requests[0]!.url).pathname).toBe(`/STS/ums/user/${NO_USER}`);
  });

  it("createUser: a JSON body", async () => {
    const { status } = await createUser(client(), { body: { Login: "lite-user" } });
    expect(status).toBe(200);
    expect(requests[0]!.headers.get("content-type")).toBe("application/json");
    expect(JSON.parse(await bodies[0]!)).toEqual({ Login: "lite-user" });
  });
});

describe("against the emulator over HTTP on 127.0.0.1", () => {
  let r: Running;
  let client: DssUmsLiteClient;
  beforeAll(async () => {
    r = await startUms({ standalone: true });
    client = createDssUmsClient({
      baseUrl: `${r.url}/STS/ums`,
      retry: false,
      auth: bearerAuth("ums-operator-token"),
    });
  });
  afterAll(() => r.close());

  it("listens on 127.0.0.1", () => {
    expect(r.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it("creates a user (body), reads it (path), finds it (a userQuery search) and the policy", async () => {
    const created = await createUser(client, { body: { Login: "lite-made" } });
    const id = created.data;
    expect((await getUserById(client, { path: { id } })).data.Login).toBe("lite-made");
    const found = await searchUsers(client, {
      body: {
        StartPosition: 0,
        EndPosition: 10,
        Filters: [...userQuery().where("Login").equals("lite-made").filters],
      },
    });
    expect(found.data.UserInfos.map((u) => u.Login)).toEqual(["lite-made"]);
    expect((await getPolicy(client)).status).toBe(200);
  });

  it("an unknown user is a 404 ApiError in the service's error format", async () => {
    const error = await rejection(getUserById(client, { path: { id: NO_USER } }));
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect(isGetUserByIdError(error)).toBe(true);
    expect(umsErrorOf(error)).toMatchObject({ status: 404, operationId: "getUserById" });
  });

  it("without the operator's token the service answers 401", async () => {
    const anonymous = createDssUmsClient({ baseUrl: `${r.url}/STS/ums`, retry: false });
    const error = await rejection(getPolicy(anonymous));
    expect((error as ApiError).status).toBe(401);
  });

  it("a request that breaks the contract is not refused by the client: the server's 400 comes back", async () => {
    const error = await rejection(
      // @ts-expect-error Login must be a string
      createUser(client, { body: { Login: 42 } }),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect((error as ApiError).status).toBe(400);
  });
});

describe("what a one-operation browser bundle carries", () => {
  it("getUserById from the lite entry carries no validators; from the main entry it does", {
    timeout: 120_000,
  }, async () => {
    const packageDir = join(import.meta.dirname, "..");
    const names = ["createDssUmsClient", "getUserById"];
    const validators = (files: string[]) => files.filter((f) => f.endsWith("validators.gen.ts"));
    const lite = await browserBundleOf("@trustspec/dss-ums/lite", names, packageDir);
    const main = await browserBundleOf("@trustspec/dss-ums", names, packageDir);
    expect(validators(lite.files)).toEqual([]);
    expect(validators(main.files)).toEqual(["src/generated/ums/validators.gen.ts"]);
  });
});

describe("the choices a lite client refuses, and its types", () => {
  it("refuses any validation policy but off", () => {
    for (const policy of ["strict", "report"] as const) {
      // @ts-expect-error a lite client has no validation to turn on
      expect(() => createDssUmsClient({ validation: policy })).toThrow(ConfigurationError);
    }
    expect(createDssUmsClient({ validation: "off" }).lite).toBe(true);
  });

  it("a lite operation refuses a client of the main entry", async () => {
    const mainClient = full.createDssUmsClient({ baseUrl: "http://127.0.0.1:1" });
    // @ts-expect-error a client of the main entry validates; the lite operations would not
    const error = await rejection(getPolicy(mainClient));
    expect((error as ConfigurationError).option).toBe("client");
  });

  it("has the main entry's operation types", () => {
    expectTypeOf(createUser).parameter(1).toEqualTypeOf<full.CreateUserInput>();
    expectTypeOf<ReturnType<typeof getUserById>>().toEqualTypeOf<
      ReturnType<typeof full.getUserById>
    >();
    expectTypeOf(searchUsers).parameter(1).toEqualTypeOf<full.SearchUsersInput>();
  });
});

describe("the lite descriptors", () => {
  it("read every documented answer as the full descriptors do", async () => {
    const { operationList } = await import("../src/generated/ums/operations.gen.js");
    expectLiteResponsesMatch(
      operationList,
      await import("../src/generated/ums/operations-lite.gen.js"),
    );
  });
});
