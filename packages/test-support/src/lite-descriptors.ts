import type { OperationDescriptor } from "@trustspec/runtime/core";
import { expect } from "vitest";

/**
 * Checks that a lite descriptor module reads every answer as its full descriptors do: for each
 * operation of `operationList` and each status it documents, the lite descriptor's entry for the
 * status (or its `default`, which the lite call path falls back to) has the same media type. The
 * generator folds a lite descriptor's repeated entries into `default`, so this is what must hold.
 */
export function expectLiteResponsesMatch(
  operationList: readonly OperationDescriptor[],
  lite: Readonly<Record<string, unknown>>,
): void {
  expect(operationList.length).toBeGreaterThan(0);
  for (const op of operationList) {
    const liteOp = lite[op.operationId] as OperationDescriptor | undefined;
    expect(liteOp, op.operationId).toBeDefined();
    for (const [status, spec] of Object.entries(op.responses)) {
      const liteSpec = liteOp!.responses[status] ?? liteOp!.responses.default;
      expect(liteSpec?.mediaType, `${op.operationId} ${status}`).toBe(spec.mediaType);
    }
    expect(liteOp!.success).toEqual(op.success);
  }
}
