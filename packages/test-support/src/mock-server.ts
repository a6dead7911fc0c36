import { afterAll, afterEach, beforeAll } from "vitest";

/** The part of an MSW `setupServer` a test file drives: listening, closing, and its events. */
export interface MockServer {
  listen(options: { onUnhandledRequest: "error" }): void;
  close(): void;
  events: { on(event: "request:start", listener: (args: { request: Request }) => void): void };
}

/** What the mocks received during one test: the requests and their bodies, in order. */
export interface ReceivedRequests {
  requests: Request[];
  bodies: Promise<string>[];
}

/**
 * Runs `server` for the calling test file (an unhandled request is an error) and records what it
 * receives; the record starts empty for each test.
 */
export function useMockServer(server: MockServer): ReceivedRequests {
  const received: ReceivedRequests = { requests: [], bodies: [] };
  server.events.on("request:start", ({ request }) => {
    received.requests.push(request);
    received.bodies.push(request.clone().text());
  });
  beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
  afterEach(() => {
    received.requests.length = 0;
    received.bodies.length = 0;
  });
  afterAll(() => server.close());
  return received;
}
