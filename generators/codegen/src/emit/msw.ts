import type { ApiModel, OperationModel } from "../model.js";
import { doc, header, refName } from "./ts.js";

/** `msw.gen.ts`: MSW 2 handlers with seeded default answers, checked against the contract. */
export function emitMsw(model: ApiModel): string {
  const n = model.name;
  const out = [
    header(model.source),
    'import { sampleFromSchema } from "@trustspec/runtime/core";',
    'import { toMswHandlers } from "@trustspec/runtime/msw";',
    'import { type RouterOptions, createRouter } from "@trustspec/runtime/server";',
    'import type { HttpHandler } from "msw";',
    'import { operationList } from "./operations.gen.js";',
    'import { schemas } from "./schemas.gen.js";',
    `import { type ${n}Handlers, format${n}Error } from "./server.gen.js";`,
    "",
    `export interface ${n}MockOptions {`,
    "  /** The URL the mocked server answers on (default: the documented server URL). */",
    "  baseUrl?: string;",
    "  /** Seed of the made-up answers: the same seed gives the same data. */",
    "  seed?: number;",
    "  /** Handlers that replace the default answers, per operation. */",
    `  overrides?: Partial<${n}Handlers>;`,
    "  /** Further router options; answers are checked against the contract (`strict`) unless changed here. */",
    "  router?: Partial<RouterOptions>;",
    "}",
    "",
  ];
  out.push(
    doc(
      "Default answers: for each operation its first success status, with data made from the schema.",
    ),
  );
  out.push(`export function default${n}Handlers(seed = 1): ${n}Handlers {`);
  out.push("  return {");
  for (const [i, op] of model.operations.entries()) {
    out.push(`    ${op.operationId}: () => (${defaultReply(op, i)}),`);
  }
  out.push("  };");
  out.push("}", "");
  const server = model.servers[0]?.url ?? "http://localhost";
  out.push(
    doc(
      "MSW 2 request handlers for the whole API.",
      "Each request is checked against the contract; so is each answer, overrides included.",
    ),
  );
  out.push(
    `export function create${n}MockHandlers(options: ${n}MockOptions = {}): HttpHandler[] {`,
  );
  out.push(`  const handlers = { ...default${n}Handlers(options.seed), ...options.overrides };`);
  out.push("  const router = createRouter(operationList, handlers, schemas, {");
  out.push(`    formatError: format${n}Error,`);
  out.push('    responseValidation: "strict",');
  out.push("    ...options.router,");
  out.push("  });");
  out.push(
    `  return toMswHandlers(router, operationList, options.baseUrl ?? ${JSON.stringify(server)});`,
  );
  out.push("}", "");
  return out.join("\n");
}

function defaultReply(op: OperationModel, index: number): string {
  const status = op.success[0] ?? 200;
  const response = op.responses.find((r) => r.status === status);
  if (!response?.schema) return `{ status: ${status} as const }`;
  const ref =
    typeof response.schema.$ref === "string"
      ? JSON.stringify(refName(response.schema.$ref))
      : JSON.stringify(response.schema);
  return `{ status: ${status} as const, body: sampleFromSchema(schemas, ${ref}, seed + ${index}) as never }`;
}
