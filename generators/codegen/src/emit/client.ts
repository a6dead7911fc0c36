import type { ApiModel, OperationModel } from "../model.js";
import { doc, header } from "./ts.js";
import { typeBase } from "./types.js";

/** `client.gen.ts`: a client factory and one tree-shakeable function per operation. */
export function emitClient(model: ApiModel): string {
  const types = model.operations.flatMap((op) => [`${typeBase(op)}Input`, `${typeBase(op)}Result`]);
  const out = [
    header(model.source),
    "import {",
    "  type CallOptions,",
    "  type Client,",
    "  type ClientOptions,",
    "  callOperation,",
    "  createClient,",
    ...(model.operations.some(redirects) ? ["  operationUrl,"] : []),
    '} from "@trustspec/runtime";',
    'import * as operations from "./operations.gen.js";',
    'import { schemas } from "./schemas.gen.js";',
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
      `A client for ${model.title} ${model.version}. Pass it to the operation functions.`,
      server ? `\`baseUrl\` defaults to \`${server}\`.` : undefined,
    ),
  );
  out.push(`export function create${model.name}Client(options: ClientOptions = {}): Client {`);
  out.push(
    server
      ? `  return createClient(schemas, { baseUrl: default${model.name}BaseUrl, ...options });`
      : "  return createClient(schemas, options);",
  );
  out.push("}", "");
  for (const op of model.operations) {
    out.push(operationFunction(op));
    if (redirects(op)) out.push(urlFunction(op));
  }
  return out.join("\n");
}

function operationFunction(op: OperationModel): string {
  const name = typeBase(op);
  const errors = op.responses
    .filter((r) => r.status === "default" || !op.success.includes(r.status))
    .map((r) => r.status);
  const hasInput = op.params.length > 0 || op.requestBody !== undefined;
  const optional = hasInput && !op.params.some((p) => p.required) && !op.requestBody?.required;
  const d = doc(
    op.summary,
    op.description,
    `\`${op.method} ${op.path}\``,
    errors.length
      ? `@throws ApiError for HTTP ${errors.join(", ")} (the API's error body in \`error.body\`)`
      : undefined,
  );
  const param = hasInput
    ? `input: ${name}Input${optional ? " = {}" : ""}`
    : `input: ${name}Input = {}`;
  return `${d ? `${d}\n` : ""}export function ${op.operationId}(\n  client: Client,\n  ${param},\n  options?: CallOptions,\n): Promise<${name}Result> {\n  return callOperation<${name}Result>(client, operations.${op.operationId}, input, options);\n}\n`;
}

/** An operation that answers with a redirect is opened by a browser: it also gets a URL builder. */
function redirects(op: OperationModel): boolean {
  return op.responses.some(
    (r) => typeof r.status === "number" && r.status >= 300 && r.status < 400,
  );
}

function urlFunction(op: OperationModel): string {
  const name = typeBase(op);
  const optional = !op.params.some((p) => p.required);
  const d = doc(
    `The URL of \`${op.operationId}\` with its parameters, checked against the contract, for a browser to open: the server answers with a redirect.`,
  );
  return `${d}\nexport function ${op.operationId}Url(client: Client, input: ${name}Input${optional ? " = {}" : ""}): URL {\n  return operationUrl(client, operations.${op.operationId}, input);\n}\n`;
}
