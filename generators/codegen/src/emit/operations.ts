import type { ApiModel, OperationModel } from "../model.js";
import { header } from "./ts.js";

/** `operations.gen.ts`: the operation descriptors the runtime's client, router and mocks read. */
export function emitOperations(model: ApiModel): string {
  const out = [
    header(model.source),
    'import type { OperationDescriptor } from "@trustspec/runtime";',
    "",
  ];
  for (const op of model.operations) {
    out.push(
      `export const ${op.operationId}: OperationDescriptor = ${JSON.stringify(descriptor(op), null, 2)};`,
      "",
    );
  }
  out.push("/** Every operation of the API, in document order. */");
  out.push(
    `export const operationList: readonly OperationDescriptor[] = [${model.operations.map((o) => o.operationId).join(", ")}];`,
    "",
  );
  return out.join("\n");
}

function descriptor(op: OperationModel): Record<string, unknown> {
  const d: Record<string, unknown> = {
    operationId: op.operationId,
    method: op.method,
    path: op.path,
    params: op.params.map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required,
      kind: p.kind,
      schema: p.schema,
    })),
  };
  if (op.requestBody) d.requestBody = op.requestBody;
  if (op.toleratedBody) d.toleratedBody = op.toleratedBody;
  d.responses = Object.fromEntries(
    op.responses.map((r) => {
      const spec: Record<string, unknown> = {};
      if (r.mediaType) spec.mediaType = r.mediaType;
      if (r.schema) spec.schema = r.schema;
      if (r.headers.length) spec.headers = r.headers.map((h) => h.name);
      return [String(r.status), spec];
    }),
  );
  d.success = op.success;
  if (op.discriminator) d.discriminator = op.discriminator;
  d.security = op.security;
  return d;
}
