import { describe, expect, it } from "vitest";
import { createRouter, type HandlerContext, handlerContext } from "../src/server.js";
import { allOps, bundle, formatError } from "./fixtures.js";
import { decode, makeHandlers, raw } from "./router-helpers.js";

describe("handlerContext", () => {
  it("gives a handler called directly the context the router gives it for the same request", async () => {
    const { handlers, calls } = makeHandlers();
    const router = createRouter(allOps, handlers, bundle, { formatError });
    const request = raw("GET", "/things/7?verbose=true");
    const routed = await router.handle(request);
    expect(routed.status).toBe(200);
    const direct = handlerContext("getThing", request, {
      path: { id: 7 },
      query: { verbose: true },
    });
    const reply = handlers.getThing(direct);
    expect(direct).toEqual(calls[0]);
    expect(reply.body).toEqual(decode(routed.body));
    expect(reply.headers).toEqual({ "x-thing": "7" });
  });

  it("leaves the parameters empty and the body undefined where no parts are given", () => {
    const request = raw("POST", "/elsewhere");
    const ctx: HandlerContext = handlerContext("listThings", request);
    expect(ctx).toEqual({
      operationId: "listThings",
      path: {},
      query: {},
      headers: {},
      body: undefined,
      request,
    });
    expect(ctx.request).toBe(request);
    const withBody = handlerContext("createThing", request, { body: { name: "lamp" } });
    expect(withBody.body).toEqual({ name: "lamp" });
    expect(withBody.path).toEqual({});
  });
});
