import type { ApiModel, OperationModel, ParamModel, ResponseModel } from "../model.js";
import { doc, header, propertyKey, tsType, upperFirst } from "./ts.js";

/** `types.gen.ts`: one type per named schema, enum constants, and per-operation input/result types. */
export function emitTypes(model: ApiModel): string {
  const out: string[] = [header(model.source)];
  if (model.operations.length > 0) {
    const runtime = model.operations.some((op) => errorResponses(op).length > 0)
      ? "ApiError, ApiResult"
      : "ApiResult";
    out.push(`import type { ${runtime} } from "@trustspec/runtime/core";`);
  }
  out.push("");
  const names = new Set(model.schemas.map((s) => s.name));
  for (const op of model.operations) {
    const taken = [`${typeBase(op)}Input`, `${typeBase(op)}Result`, `${typeBase(op)}Error`].find(
      (n) => names.has(n),
    );
    if (taken)
      throw new Error(
        `${model.source}: schema ${taken} has the name of a type of operation ${op.operationId}`,
      );
  }
  for (const s of model.schemas) {
    const description = s.description ?? (s.schema.description as string | undefined);
    if (s.enumMembers) {
      pushDoc(out, doc(description));
      out.push(`export const ${s.name} = {`);
      for (const m of s.enumMembers) {
        const d = doc(m.description).replace(/^/gm, "  ").trimEnd();
        if (d) out.push(d);
        out.push(`  ${propertyKey(m.name)}: ${JSON.stringify(m.value)},`);
      }
      out.push("} as const;");
    }
    pushDoc(out, doc(description));
    const type = tsType(s.schema);
    // An open enum: the known values stay suggested while any value of the base type is accepted.
    const open = s.enumMembers && !Array.isArray(s.schema.enum);
    const known = s.enumMembers?.map((m) => JSON.stringify(m.value)).join(" | ");
    const base = s.enumMembers && typeof s.enumMembers[0]?.value === "number" ? "number" : "string";
    const body = open && known ? `${known} | (${base} & {})` : type;
    out.push(`export type ${s.name} = ${body};`, "");
  }
  for (const op of model.operations) out.push(operationTypes(op));
  return out.join("\n");
}

/** Adds a doc block to a list of lines unless it is empty. */
export function pushDoc(lines: string[], block: string): void {
  if (block) lines.push(block);
}

/** The responses an operation documents besides its success: what its ApiError may carry. */
export function errorResponses(op: OperationModel): ResponseModel[] {
  return op.responses.filter((r) => r.status === "default" || !op.success.includes(r.status));
}

export function typeBase(op: OperationModel): string {
  return upperFirst(op.operationId);
}

function group(params: ParamModel[]): string {
  const lines = params.map((p) => {
    const d = doc(p.description).replace(/^/gm, "    ").trimEnd();
    return `${d ? `${d}\n` : ""}    ${propertyKey(p.name)}${p.required ? "" : "?"}: ${tsType(p.schema, "    ")};`;
  });
  return `{\n${lines.join("\n")}\n  }`;
}

/** The TypeScript members of an operation's input: its parameters by location, and its body. */
export function inputMembers(op: OperationModel): string[] {
  const members: string[] = [];
  for (const where of ["path", "query", "headers"] as const) {
    const params = paramsAt(op, where);
    if (params.length === 0) continue;
    const optional = !params.some((p) => p.required);
    members.push(`  ${where}${optional ? "?" : ""}: ${group(params)};`);
  }
  if (op.requestBody) {
    members.push(
      `  body${op.requestBody.required ? "" : "?"}: ${tsType(op.requestBody.schema, "  ")};`,
    );
  }
  return members;
}

/** The parameters of an operation in one input group (`headers` holds the header parameters). */
export function paramsAt(op: OperationModel, where: "path" | "query" | "headers"): ParamModel[] {
  const loc = where === "headers" ? "header" : where;
  return op.params.filter((p) => p.in === loc);
}

function operationTypes(op: OperationModel): string {
  const name = typeBase(op);
  const members = inputMembers(op);
  const lines: string[] = [];
  pushDoc(lines, doc(`The input of \`${op.operationId}\` (${op.method} ${op.path}).`));
  lines.push(
    members.length
      ? `export interface ${name}Input {\n${members.join("\n")}\n}`
      : `export type ${name}Input = { [key: string]: never };`,
  );
  const results = op.responses
    .filter((r) => typeof r.status === "number" && op.success.includes(r.status))
    .map((r) => `ApiResult<${r.status}, ${r.schema ? tsType(r.schema) : "undefined"}>`);
  lines.push("");
  pushDoc(
    lines,
    doc(`What \`${op.operationId}\` resolves to: one variant per documented success status.`),
  );
  lines.push(
    `export type ${name}Result = ${results.length ? results.join(" | ") : "ApiResult<number, unknown>"};`,
    "",
  );
  const errors = errorType(op);
  if (errors) {
    pushDoc(
      lines,
      doc(
        `The errors \`${op.operationId}\` documents: an \`ApiError\` per documented status with its body (\`unknown\` where none is documented). \`is${name}Error\` narrows a caught error to it; \`status\` then tells the variants apart.`,
      ),
    );
    lines.push(`export type ${name}Error = ${errors};`, "");
  }
  return lines.join("\n");
}

/** `ApiError<Body, Status>` variants, one per distinct body; `default` adds a `number` status. */
function errorType(op: OperationModel): string | undefined {
  const responses = errorResponses(op);
  if (responses.length === 0) return undefined;
  const byBody = new Map<string, string[]>();
  for (const r of responses) {
    const body = r.schema ? tsType(r.schema) : "unknown";
    const status = r.status === "default" ? "number" : String(r.status);
    byBody.set(body, [...(byBody.get(body) ?? []), status]);
  }
  return [...byBody]
    .map(([body, statuses]) => {
      const status = statuses.includes("number") ? "number" : statuses.join(" | ");
      return `ApiError<${body}, ${status}>`;
    })
    .join(" | ");
}
