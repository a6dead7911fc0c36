import { checkSchema, type SchemaCheck } from "./compiled.js";
import { ApiError } from "./errors.js";
import type { OperationDescriptor } from "./operation.js";

/**
 * Whether `error` is an {@link ApiError} of `op` that its contract documents: its status is one
 * of the operation's error responses (any status when it documents a `default` answer) and its
 * body matches that response's schema (its compiled validator; for a descriptor without one, the
 * schema checked by `schemas`, e.g. `validatorFor(bundle)`). Generated `is…Error` guards call it, so a
 * `true` answer makes their typing of `body` hold at run time, whatever the validation policy.
 */
export function isOperationError(
  error: unknown,
  op: OperationDescriptor,
  schemas?: SchemaCheck,
): error is ApiError {
  if (!(error instanceof ApiError) || error.operationId !== op.operationId) return false;
  if (op.success.includes(error.status)) return false;
  const spec = op.responses[error.status] ?? op.responses.default;
  if (!spec) return false;
  return checkSchema(spec, error.body, schemas).length === 0;
}
