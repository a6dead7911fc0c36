import { listen } from "@trustspec/runtime/server";
import {
  createDssUmsSoapServer,
  type DssUmsSoapHandlers,
} from "../src/generated/ums-soap/server.gen.js";
import { service } from "../src/generated/ums-soap/soap.gen.js";

/** A call the recording stub received: the operation and the message as its handler got it. */
export interface ReceivedCall {
  operation: string;
  message: unknown;
}

/**
 * The generated UserManagement.svc server stub on 127.0.0.1, every handler recording what it
 * receives and answering what `answers` holds for its operation (an empty answer by default).
 * `endpoint` is the /cert address under /STS, as the guide names it; no transport security.
 */
export async function recordingStub() {
  const received: ReceivedCall[] = [];
  const answers = new Map<string, unknown>();
  const handlers: Record<string, (ctx: { message: unknown }) => unknown> = {};
  for (const op of Object.values(service.operations)) {
    handlers[op.name] = ({ message }) => {
      received.push({ operation: op.name, message });
      return answers.get(op.name) ?? {};
    };
  }
  const server = await listen(createDssUmsSoapServer(handlers as unknown as DssUmsSoapHandlers), {
    host: "127.0.0.1",
  });
  const endpoint = `${server.url.replace(/\/$/, "")}/STS/UserManagement.svc/cert`;
  return { endpoint, received, answers, close: () => server.close() };
}
