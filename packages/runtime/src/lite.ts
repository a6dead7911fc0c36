/**
 * Clients without validation, for bundles that carry one or a few operations: their operations'
 * descriptors hold no schemas and no compiled validators, and the call path below holds no
 * validation code, so a bundler leaves all of it out. Everything else is the validating client's:
 * the same transport (auth hooks, middleware, timeouts, abort, retries) and the same typed errors.
 */
import type { ApiResult, CallInput, CallOptions, Client, ClientOptions } from "./client.js";
import { ApiError, ConfigurationError } from "./errors.js";
import type { OperationDescriptor } from "./operation.js";
import { buildRequest, checkBaseUrl, exchange, NO_CALL_OPTIONS, parseBody } from "./transport.js";

/**
 * Settings of a client without validation: those of {@link ClientOptions} without the
 * validation policy and its callback. `validation: "off"` is accepted (it says what the client
 * does); any other policy is a type error, and a {@link ConfigurationError} when the types are
 * not checked.
 */
export interface LiteClientOptions extends Omit<ClientOptions, "validation" | "onValidationIssue"> {
  /** A lite client never validates: only `"off"` is accepted. */
  validation?: "off";
}

/**
 * A client that does not validate requests or answers, for operations generated without
 * validators (a package's `lite` entry). It is also a {@link Client} of its API: the validating
 * operations of the main entry accept it, and validate under their default policy.
 */
export interface LiteClient<TApi extends string = string> extends Client<TApi> {
  /** The settings the client was made with. */
  readonly options: Readonly<LiteClientOptions>;
  /** Marks a client made by {@link createLiteClient}; lite operations refuse any other. */
  readonly lite: true;
}

/**
 * A client without validation. Throws a {@link ConfigurationError} for a base URL that is not an
 * absolute http(s) URL, and for a validation policy other than `"off"`.
 */
export function createLiteClient<TApi extends string = string>(
  options: LiteClientOptions = {},
): LiteClient<NoInfer<TApi>> {
  const policy: unknown = options.validation;
  if (policy !== undefined && policy !== "off") {
    throw new ConfigurationError(
      "validation",
      `validation ${JSON.stringify(policy)} needs validators: a lite client has none (the main entry's operations validate)`,
    );
  }
  checkBaseUrl(options);
  return { options: { ...options }, lite: true };
}

/**
 * Performs one operation without validation: builds the request, sends it, parses the answer,
 * and throws an {@link ApiError} for a status that is not one of the operation's successes.
 * Generated lite operations call it.
 */
export async function callLiteOperation<TResult extends ApiResult>(
  client: LiteClient,
  op: OperationDescriptor,
  input: CallInput,
  call: CallOptions = NO_CALL_OPTIONS,
): Promise<TResult> {
  requireLiteClient(client, op);
  const response = await exchange(client.options, op, input, call);
  const status = response.status;
  const data = parseBody(response, (op.responses[status] ?? op.responses.default)?.mediaType);
  if (!op.success.includes(status)) {
    throw new ApiError({
      status,
      operationId: op.operationId,
      body: data,
      headers: response.headers,
    });
  }
  return { status, data, headers: response.headers } as TResult;
}

/**
 * The URL of an operation that a browser opens rather than a program calls (an OAuth authorize
 * endpoint answers with a redirect), with its parameters, not checked against the contract: the
 * lite counterpart of `operationUrl`. Generated lite URL builders call it.
 */
export function liteOperationUrl(
  client: LiteClient,
  op: OperationDescriptor,
  input: CallInput = {},
): URL {
  requireLiteClient(client, op);
  return buildRequest(client.options, op, input, {}).url;
}

function requireLiteClient(client: LiteClient, op: OperationDescriptor): void {
  if (client.lite !== true) {
    throw new ConfigurationError(
      "client",
      `${op.operationId}: a lite operation takes a lite client`,
    );
  }
}
