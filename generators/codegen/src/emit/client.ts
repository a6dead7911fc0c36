import type { ApiModel, OperationModel } from "../model.js";
import { doc, header } from "./ts.js";
import { errorResponses, typeBase } from "./types.js";

/** `client.gen.ts`: a client factory and one tree-shakeable function per operation. */
export function emitClient(model: ApiModel): string {
  const guarded = model.operations.filter((op) => errorResponses(op).length > 0);
  const types = model.operations.flatMap((op) => [
    `${typeBase(op)}Input`,
    `${typeBase(op)}Result`,
    ...(guarded.includes(op) ? [`${typeBase(op)}Error`] : []),
  ]);
  const client = `${model.name}Client`;
  const out = [
    header(model.source),
    "import {",
    "  type CallOptions,",
    "  type Client,",
    "  type ClientOptions,",
    "  callOperation,",
    "  createOperationClient,",
    ...(guarded.length > 0 ? ["  isOperationError,"] : []),
    ...(model.operations.some(redirects) ? ["  operationUrl,"] : []),
    '} from "@trustspec/runtime/core";',
    'import * as operations from "./operations.gen.js";',
    `import type { ${types.join(", ")} } from "./types.gen.js";`,
    "",
  ];
  const server = model.servers[0]?.url;
  if (server)
    out.push(
      `/** The server URL the vendor documents. */`,
      `export const default${model.name}BaseUrl = ${JSON.stringify(server)};`,
      "",
    );
  out.push(
    doc(
      `A client made for ${model.title}: the operation functions of this API take it, those of any other API refuse it at compile time. The brand is a type only.`,
    ),
    `export type ${client} = Client<${JSON.stringify(model.name)}>;`,
    "",
  );
  out.push(
    doc(
      `A client for ${model.title} ${model.version}. Pass it to the operation functions.`,
      server ? `\`baseUrl\` defaults to \`${server}\`.` : undefined,
    ),
  );
  out.push(`export function create${client}(options: ClientOptions = {}): ${client} {`);
  const brand = JSON.stringify(model.name);
  out.push(
    server
      ? `  return createOperationClient<${brand}>({ baseUrl: default${model.name}BaseUrl, ...options });`
      : `  return createOperationClient<${brand}>(options);`,
  );
  out.push("}", "");
  for (const op of model.operations) {
    out.push(operationFunction(op, client, "callOperation"));
    if (guarded.includes(op)) out.push(guardFunction(op));
    if (redirects(op)) out.push(urlFunction(op, client, "operationUrl"));
  }
  return out.join("\n");
}

/**
 * `client-lite.gen.ts`: the same operation functions, with the same names and types, over the
 * descriptors of operations-lite.gen.ts and a client without validation, for bundles that carry
 * only the operations they call. The error guards are the main client's (re-exported): they
 * check with the operation's compiled validators, which they bring along. The URL builders are
 * lite too: they build the URL over the lite descriptor, unchecked.
 */
export function emitLiteClient(model: ApiModel): string {
  const client = `${model.name}LiteClient`;
  const types = model.operations.flatMap((op) => [`${typeBase(op)}Input`, `${typeBase(op)}Result`]);
  const server = model.servers[0]?.url;
  const shared = [
    ...(server ? [`default${model.name}BaseUrl`] : []),
    ...model.operations.flatMap((op) => [
      ...(errorResponses(op).length > 0 ? [`is${typeBase(op)}Error`] : []),
    ]),
  ];
  const urls = model.operations.some(redirects);
  const out = [
    header(model.source),
    "import {",
    "  type CallOptions,",
    "  callLiteOperation,",
    "  createLiteClient,",
    "  type LiteClient,",
    "  type LiteClientOptions,",
    ...(urls ? ["  liteOperationUrl,"] : []),
    '} from "@trustspec/runtime/core";',
    ...(server ? [`import { default${model.name}BaseUrl } from "./client.gen.js";`] : []),
    'import * as operations from "./operations-lite.gen.js";',
    `import type { ${types.join(", ")} } from "./types.gen.js";`,
    "",
  ];
  if (shared.length > 0) out.push(`export { ${shared.join(", ")} } from "./client.gen.js";`, "");
  out.push(
    doc(
      `A client made for ${model.title} that does not validate: the lite operation functions of this API take it. It is also a \`${model.name}Client\`: the main entry's operations accept it and validate.`,
    ),
    `export type ${client} = LiteClient<${JSON.stringify(model.name)}>;`,
    "",
    doc(
      `A client for ${model.title} ${model.version} without validation: requests and answers are not checked against the contract (a \`validation\` policy other than \`"off"\` is refused). Pass it to the operation functions of this module.`,
      server ? `\`baseUrl\` defaults to \`${server}\`.` : undefined,
    ),
    `export function create${model.name}Client(options: LiteClientOptions = {}): ${client} {`,
    server
      ? `  return createLiteClient<${JSON.stringify(model.name)}>({ baseUrl: default${model.name}BaseUrl, ...options });`
      : `  return createLiteClient<${JSON.stringify(model.name)}>(options);`,
    "}",
    "",
  );
  for (const op of model.operations) {
    out.push(operationFunction(op, client, "callLiteOperation"));
    if (redirects(op)) out.push(urlFunction(op, client, "liteOperationUrl"));
  }
  return out.join("\n");
}

function operationFunction(op: OperationModel, client: string, call: string): string {
  const name = typeBase(op);
  const errors = errorResponses(op).map((r) => r.status);
  const hasInput = op.params.length > 0 || op.requestBody !== undefined;
  const optional = hasInput && !op.params.some((p) => p.required) && !op.requestBody?.required;
  const d = doc(
    op.summary,
    op.description,
    `\`${op.method} ${op.path}\``,
    errors.length
      ? `@throws ApiError for HTTP ${errors.join(", ")} (the API's error body in \`error.body\`; \`is${name}Error\` types it)`
      : undefined,
  );
  const param = hasInput
    ? `input: ${name}Input${optional ? " = {}" : ""}`
    : `input: ${name}Input = {}`;
  return `${d ? `${d}\n` : ""}export function ${op.operationId}(\n  client: ${client},\n  ${param},\n  options?: CallOptions,\n): Promise<${name}Result> {\n  return ${call}<${name}Result>(client, operations.${op.operationId}, input, options);\n}\n`;
}

/** A type guard for the operation's documented errors. */
function guardFunction(op: OperationModel): string {
  const name = typeBase(op);
  const d = doc(
    `Whether \`error\` is an \`ApiError\` of \`${op.operationId}\` as its contract documents it: one of its error statuses, with a body that matches that status's schema (checked here, whatever the client's validation policy). Then \`body\` is typed, per \`status\`.`,
  );
  return `${d}\nexport function is${name}Error(error: unknown): error is ${name}Error {\n  return isOperationError(error, operations.${op.operationId});\n}\n`;
}

/** An operation that answers with a redirect is opened by a browser: it also gets a URL builder. */
function redirects(op: OperationModel): boolean {
  return op.responses.some(
    (r) => typeof r.status === "number" && r.status >= 300 && r.status < 400,
  );
}

function urlFunction(op: OperationModel, client: string, build: string): string {
  const name = typeBase(op);
  const optional = !op.params.some((p) => p.required);
  const checked = build === "operationUrl" ? "checked against the contract" : "not checked";
  const d = doc(
    `The URL of \`${op.operationId}\` with its parameters, ${checked}, for a browser to open: the server answers with a redirect.`,
  );
  return `${d}\nexport function ${op.operationId}Url(client: ${client}, input: ${name}Input${optional ? " = {}" : ""}): URL {\n  return ${build}(client, operations.${op.operationId}, input);\n}\n`;
}
