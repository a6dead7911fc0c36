/**
 * Typed error bodies: `instanceof ApiError` leaves `body` unknown, and each operation's generated
 * guard (`isListLicencesError`, …) narrows a caught error to the answers the API documents, here
 * the licensing server's error body. The guard checks the body against its schema, so the typing
 * holds at run time. Type expectations are checked by `tsc --noEmit` (the package's typecheck).
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import {
  ApiError,
  createLicenceClient,
  getLicence,
  isGetLicenceError,
  isListLicencesError,
  type LicenceClient,
  type LicenceError,
  type ListLicencesError,
  listLicences,
} from "../src/index.js";

const notFound: LicenceError = {
  Code: 404,
  Text: "Not found",
  Message: '(EHTTPNotFound) The requested URL "/api/licences" was not found.',
  Exception: "EHTTPNotFound",
};

/** A client whose server answers every call with `status` and `body` (signatures not checked). */
function answering(status: number, body: unknown): LicenceClient {
  return createLicenceClient({
    baseUrl: "http://licence.test",
    retry: false,
    signature: { policy: "off" },
    fetch: async () =>
      new Response(typeof body === "string" ? body : JSON.stringify(body), {
        status,
        headers: { "content-type": "application/json" },
      }),
  });
}

const failure = (client: LicenceClient) => listLicences(client).catch((e: unknown) => e);

describe("typed error bodies", () => {
  it("instanceof ApiError gives an unknown body", async () => {
    const error = await failure(answering(404, notFound));
    expect(error).toBeInstanceOf(ApiError);
    if (!(error instanceof ApiError)) return;
    expectTypeOf(error.body).toBeUnknown();
    // @ts-expect-error the body must be checked first
    error.body.Message;
  });

  it("the operation's guard types the body as LicenceError and the status as a documented one", async () => {
    const error = await failure(answering(404, notFound));
    expect(isListLicencesError(error)).toBe(true);
    if (!isListLicencesError(error)) return;
    expectTypeOf(error).toEqualTypeOf<ListLicencesError>();
    expectTypeOf(error.body).toEqualTypeOf<LicenceError>();
    expectTypeOf(error.status).toEqualTypeOf<400 | 401 | 403 | 404 | 500 | 501 | 503>();
    expect(error.body.Exception).toBe("EHTTPNotFound");
    expect(error.status).toBe(404);
  });

  it("the guard claims only its own operation's documented answers", async () => {
    const listed = await failure(answering(404, notFound));
    expect(isGetLicenceError(listed)).toBe(false);
    const fetched = await getLicence(answering(404, notFound), { path: { KeyNo: 1 } }).catch(
      (e: unknown) => e,
    );
    expect(isGetLicenceError(fetched)).toBe(true);
    expect(isListLicencesError(fetched)).toBe(false);
  });

  it("an answer outside the contract stays a plain ApiError", async () => {
    // An undocumented status.
    const teapot = await failure(answering(418, notFound));
    expect(teapot).toBeInstanceOf(ApiError);
    expect(isListLicencesError(teapot)).toBe(false);
    // A documented status whose body breaks the schema (error bodies are not validated strictly).
    const odd = await failure(answering(500, { error: "boom" }));
    expect(odd).toBeInstanceOf(ApiError);
    expect(isListLicencesError(odd)).toBe(false);
    // Not JSON at all.
    const text = await failure(answering(503, "<html>busy</html>"));
    expect(isListLicencesError(text)).toBe(false);
    expect(isListLicencesError(new Error("not an API error"))).toBe(false);
  });
});
