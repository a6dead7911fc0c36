import { type HandlerContext, HttpError, type RawRequest } from "../src/server.js";
import { thing } from "./fixtures.js";

/** Handlers for the fixture API; each records the context it was called with. */
export function makeHandlers() {
  const calls: HandlerContext[] = [];
  const record = (ctx: HandlerContext) => {
    calls.push(ctx);
  };
  const handlers = {
    getThing(ctx: HandlerContext) {
      record(ctx);
      const id = ctx.path.id as number;
      if (id === 404) throw new HttpError(404, "No thing 404 here.", "EThingNotFound");
      if (id === 418) throw new HttpError(418, "I am a teapot.");
      if (id === 500) throw new Error("database password=hunter2 at 10.0.0.7");
      return {
        status: 200,
        body: { ...thing(id), name: ctx.query.verbose === true ? "verbose lamp" : "lamp" },
        headers: { "x-thing": String(id) },
      };
    },
    listThings(ctx: HandlerContext) {
      record(ctx);
      return { status: 200, body: [thing(1), thing(2)] };
    },
    createThing(ctx: HandlerContext) {
      record(ctx);
      return { status: 201, body: { ...thing(3), name: (ctx.body as { name: string }).name } };
    },
    updateThings(ctx: HandlerContext) {
      record(ctx);
      return { status: 200, body: { updated: 3 } };
    },
    deleteThing(ctx: HandlerContext) {
      record(ctx);
      return { status: 204 };
    },
    getFile(ctx: HandlerContext) {
      record(ctx);
      return {
        status: 200,
        body: `file ${ctx.path.name as string}`,
        headers: { "content-type": "text/plain" },
      };
    },
    renameCommand(ctx: HandlerContext) {
      record(ctx);
      return { status: 200, body: { command: "rename" } };
    },
    archiveCommand(ctx: HandlerContext) {
      record(ctx);
      return { status: 200, body: { command: "archive" } };
    },
    searchThings(ctx: HandlerContext) {
      record(ctx);
      return {
        status: 200,
        body: { term: (ctx.body as { term?: string } | undefined)?.term ?? null },
      };
    },
  };
  return { handlers, calls };
}

export function raw(
  method: string,
  url: string,
  body?: unknown,
  headers: Record<string, string> = {},
): RawRequest {
  const bytes =
    body === undefined
      ? new Uint8Array(0)
      : new TextEncoder().encode(typeof body === "string" ? body : JSON.stringify(body));
  return { method, url, headers, body: bytes };
}

export function decode(body: Uint8Array): unknown {
  const text = new TextDecoder().decode(body);
  return text === "" ? undefined : JSON.parse(text);
}
