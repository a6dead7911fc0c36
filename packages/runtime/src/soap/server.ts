import type { ValidationIssue } from "../errors.js";
import type { Router } from "../server/router.js";
import { isPromise } from "../server/thenable.js";
import type { ValidationPolicy } from "../validation-types.js";
import { decodeRoot, toXml } from "../xml/codec.js";
import { XmlError } from "../xml/parse.js";
import { addressingAction, replyAction } from "./addressing.js";
import { elementIssues, requireCompiledValidators } from "./element-checks.js";
import {
  createSoapEndpoint,
  type SoapEndpointOperation,
  type SoapEndpointOptions,
  type SoapReply,
  type SoapRequest,
} from "./endpoint.js";
import { SoapFault } from "./envelope.js";
import type { SoapServiceDescriptor } from "./service.js";

/**
 * The server stub of a generated SOAP service, on top of the endpoint: requests decoded and
 * checked against the schema before a typed handler sees them, answers encoded and checked.
 */

/** What a generated server stub's handler receives. */
export interface SoapHandlerContext<TMessage> {
  operation: string;
  /** The request element, decoded and checked against the schema. */
  message: TMessage;
  /** The envelope as parsed (headers included). */
  soap: SoapRequest;
}

/** A handler of any operation; the generated server stub gives each handler its exact message type. */
// biome-ignore lint/suspicious/noExplicitAny: generated code narrows each handler's message and answer.
export type AnySoapHandler = (ctx: SoapHandlerContext<any>) => unknown;

/** Settings of a generated SOAP server stub; the endpoint's settings apply except version, operations and WSDL. */
export interface SoapServerOptions
  extends Omit<SoapEndpointOptions, "version" | "operations" | "wsdl"> {
  /** The WSDL served at `?wsdl` (default: the service's own). */
  wsdl?: string;
  /** Check of the handlers' answers against the schema (default `strict`). */
  responseValidation?: ValidationPolicy;
}

/**
 * The server stub of a generated SOAP service: each operation's request element is decoded,
 * checked against the XSD (structure while decoding, then facets with the element's validator
 * compiled from its JSON Schema when the code was generated), and handed to the handler; its
 * answer is checked the same way and encoded as the output element.
 * @throws {ConfigurationError} when an element names a `schema` without its compiled `validate`.
 */
export function createSoapServer(
  service: SoapServiceDescriptor,
  handlers: object,
  options: SoapServerOptions & {
    defaultWsdl?: string;
    defaultSchemaDocuments?: Readonly<Record<string, string>>;
  } = {},
): Router {
  requireCompiledValidators(service);
  const { defaultWsdl, defaultSchemaDocuments, responseValidation, wsdl, ...rest } = options;
  const addressing = service.addressing === true;
  const operations: SoapEndpointOperation[] = Object.values(service.operations).map((op) => ({
    name: op.name,
    action: addressing ? addressingAction(op) : op.action,
    ...(addressing && op.output ? { outputAction: replyAction(op) } : {}),
    ...(addressing && op.faults?.some((f) => f.action !== undefined)
      ? {
          faults: op.faults.flatMap((f) =>
            f.action === undefined ? [] : [{ element: f.element, action: f.action }],
          ),
        }
      : {}),
    element: op.input.name,
    handle(request) {
      let message: unknown;
      try {
        message = decodeRoot(service.types, op.input, request.envelope.body);
      } catch (e) {
        if (e instanceof XmlError) throw new SoapFault("Client", e.message, { cause: e });
        throw e;
      }
      const issues = elementIssues(op.input, message);
      if (issues.length) throw new SoapFault("Client", describe("The request", issues));
      const handler = (handlers as Record<string, AnySoapHandler | undefined>)[op.name];
      if (!handler) {
        throw new SoapFault("Server", `${op.name} is not implemented by this server.`);
      }
      // The answer is encoded at once when the handler gives it synchronously.
      const encode = (answer: unknown): SoapReply => {
        if (!op.output) return { body: "", status: 202 };
        const value = answer ?? {};
        if ((responseValidation ?? "strict") !== "off") {
          const issues = elementIssues(op.output, value);
          if (issues.length && (responseValidation ?? "strict") === "strict") {
            throw new SoapFault("Server", describe("The server's answer", issues));
          }
        }
        return { body: toXml(service.types, op.output, value) };
      };
      const answer = handler({ operation: op.name, message, soap: request });
      return isPromise(answer) ? Promise.resolve(answer).then(encode) : encode(answer);
    },
  }));
  const served = wsdl ?? defaultWsdl;
  return createSoapEndpoint({
    ...rest,
    version: service.version,
    operations,
    ...(served !== undefined ? { wsdl: served } : {}),
    // The schemas the service's own WSDL imports go with it, not with a WSDL given instead.
    ...(wsdl === undefined &&
    defaultSchemaDocuments !== undefined &&
    rest.schemaDocuments === undefined
      ? { schemaDocuments: defaultSchemaDocuments }
      : {}),
    ...(addressing ? { addressing } : {}),
  });
}

function describe(what: string, issues: readonly ValidationIssue[]): string {
  return `${what} does not match the schema: ${issues
    .slice(0, 5)
    .map((i) => `${i.path || "/"} ${i.message}`)
    .join("; ")}`;
}
