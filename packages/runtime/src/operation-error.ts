import { ApiError } from "./errors.js";
import type { OperationDescriptor } from "./operation.js";
import type { SchemaBundle } from "./validation.js";
import { validatorFor } from "./validation.js";

/**
 * Whether `error` is an {@link ApiError} of `op` that its contract documents: its status is one
 * of the operation's error responses (any status when it documents a `default` answer) and its
 * body matches that response's schema in `bundle`. Generated `is…Error` guards call it, so a
 * `true` answer makes their typing of `body` hold at run time, whatever the validation policy.
 */
export function isOperationError(
  error: unknown,
  op: OperationDescriptor,
  bundle: SchemaBundle,
): error is ApiError {
  if (!(error instanceof ApiError) || error.operationId !== op.operationId) return false;
  if (op.success.includes(error.status)) return false;
  const spec = op.responses[error.status] ?? op.responses.default;
  if (!spec) return false;
  return !spec.schema || validatorFor(bundle).validate(spec.schema, error.body).length === 0;
}
