import type { ApiModel, ErrorFormatModel, OperationModel } from "../model.js";
import { doc, header, importUsedTypes, tsType } from "./ts.js";
import { paramsAt, typeBase } from "./types.js";

/** `server.gen.ts`: the typed handler interface and a router factory for the server stub. */
export function emitServer(model: ApiModel): string {
  const out: string[] = [];
  const errorReplies = sharedErrorReplies(model);
  for (const [errors, name] of errorReplies) {
    out.push(doc("Error answers that several operations share."));
    out.push(`export type ${name} =\n${errors};`, "");
  }
  for (const op of model.operations) out.push(contextAndReply(op, errorReplies));
  out.push(doc(`What a server of ${model.title} implements: one handler per operation.`));
  out.push(`export interface ${model.name}Handlers {`);
  for (const op of model.operations) {
    out.push(doc(op.summary, `\`${op.method} ${op.path}\``).replace(/^/gm, "  ").trimEnd());
    out.push(
      `  ${op.operationId}(ctx: ${typeBase(op)}Context): ${typeBase(op)}Reply | Promise<${typeBase(op)}Reply>;`,
    );
  }
  out.push("}", "");
  out.push(
    doc("Builds an error body in the API's own format (or the operation's, where it has its own)."),
  );
  out.push(`export function format${model.name}Error(info: ErrorInfo): unknown {`);
  const own = model.operations.filter((op) => op.errorFormat);
  if (own.length > 0) {
    out.push("  switch (info.operationId) {");
    for (const op of own) {
      out.push(`    case ${JSON.stringify(op.operationId)}:`);
      out.push(`      return ${errorBody(op.errorFormat)};`);
    }
    out.push("  }");
  }
  out.push(`  return ${errorBody(model.errorFormat)};`);
  out.push("}", "");
  out.push(
    doc(
      "A router that checks each request against the contract and calls the matching handler.",
      "Operations without a handler answer 501; bad input answers 400 in the API's error format.",
    ),
  );
  out.push(
    `export function create${model.name}Router(handlers: Partial<${model.name}Handlers>, options: RouterOptions): Router {`,
  );
  out.push("  return createRouter(operationList, handlers, schemas, options);");
  out.push("}", "");
  const body = out.join("\n");
  return [
    header(model.source),
    "import {",
    "  type ErrorInfo,",
    ...(body.includes("status: ErrorStatus;") ? ["  type ErrorStatus,"] : []),
    "  type HandlerContext,",
    "  type ReplyHeaders,",
    "  type Router,",
    "  type RouterOptions,",
    "  createRouter,",
    '} from "@trustspec/runtime/server";',
    'import { operationList } from "./operations.gen.js";',
    'import { schemas } from "./schemas.gen.js";',
    importUsedTypes(
      [...model.schemas.map((s) => s.name), ...model.operations.map((o) => `${typeBase(o)}Input`)],
      body,
      "./types.gen.js",
    ),
    "",
    body,
  ].join("\n");
}

function contextAndReply(op: OperationModel, errorReplies: Map<string, string>): string {
  const name = typeBase(op);
  const members = contextMembers(op);
  const lines = [doc(`What the \`${op.operationId}\` handler receives, converted and checked.`)];
  lines.push(`export type ${name}Context = HandlerContext & {\n${members.join("\n")}\n};`, "");
  const { success, errors } = replyVariants(op);
  const shared = errorReplies.get(errors);
  const variants = shared ? [...success, `  | ${shared}`] : [...success, errors].filter(Boolean);
  lines.push(
    doc(`What the \`${op.operationId}\` handler answers: one of the documented statuses.`),
  );
  lines.push(`export type ${name}Reply =\n${variants.join("\n")};`, "");
  return lines.join("\n");
}

/**
 * The members of a handler's context, by reference to the operation's input type (which carries
 * the parameters' docs): every parameter group is present, converted and checked, and a body the
 * server only tolerates (a GET with a JSON body) is typed here.
 */
function contextMembers(op: OperationModel): string[] {
  const input = `${typeBase(op)}Input`;
  const members: string[] = [];
  for (const where of ["path", "query", "headers"] as const) {
    const params = paramsAt(op, where);
    if (params.length === 0) continue;
    const type = `${input}["${where}"]`;
    members.push(`  ${where}: ${params.some((p) => p.required) ? type : `NonNullable<${type}>`};`);
  }
  if (op.requestBody)
    members.push(`  body${op.requestBody.required ? "" : "?"}: ${input}["body"];`);
  else if (op.toleratedBody) members.push(`  body?: ${tsType(op.toleratedBody.schema, "  ")};`);
  return members;
}

/** The reply variants of an operation: success ones, and the error ones as one text. */
function replyVariants(op: OperationModel): { success: string[]; errors: string } {
  const variant = (r: OperationModel["responses"][number], status = String(r.status)) => {
    const body = r.schema ? `body: ${tsType(r.schema)}` : "body?: undefined";
    return `  | { status: ${status}; ${body}; headers?: ReplyHeaders }`;
  };
  const documented = op.responses.filter((r) => r.status !== "default");
  // A `default` response stands for every error status the document does not list.
  const fallback = op.responses.find((r) => r.status === "default");
  const errors = documented
    .filter((r) => !op.success.includes(r.status as number))
    .map((r) => variant(r));
  if (fallback) errors.push(variant(fallback, "ErrorStatus"));
  return {
    success: documented
      .filter((r) => op.success.includes(r.status as number))
      .map((r) => variant(r)),
    errors: errors.join("\n"),
  };
}

/** Error-reply unions that several operations share get one named type each. */
function sharedErrorReplies(model: ApiModel): Map<string, string> {
  const counts = new Map<string, number>();
  for (const op of model.operations) {
    const { errors } = replyVariants(op);
    if (errors) counts.set(errors, (counts.get(errors) ?? 0) + 1);
  }
  const names = new Map<string, string>();
  for (const [errors, n] of counts) {
    if (n > 1)
      names.set(errors, `${model.name}ErrorReply${names.size === 0 ? "" : names.size + 1}`);
  }
  return names;
}

function errorBody(format: ErrorFormatModel | undefined): string {
  const f = format?.fields;
  if (!f) return "{ status: info.status, message: info.message }";
  const parts: string[] = [];
  for (const [name, value] of Object.entries(format?.constants ?? {}))
    parts.push(`${JSON.stringify(name)}: ${JSON.stringify(value)}`);
  if (f.status) parts.push(`${JSON.stringify(f.status)}: info.status`);
  if (f.text) parts.push(`${JSON.stringify(f.text)}: info.text`);
  // Where the body has its own exception field, the message names it first, as
  // "(EHTTPNotFound) The requested URL ... was not found." in the licence document.
  if (f.message && format?.messagePrefix === "exception")
    parts.push(`${JSON.stringify(f.message)}: \`(\${info.exception}) \${info.message}\``);
  else if (f.message) parts.push(`${JSON.stringify(f.message)}: info.message`);
  if (f.exception) parts.push(`${JSON.stringify(f.exception)}: info.exception`);
  return `{ ${parts.join(", ")} }`;
}
