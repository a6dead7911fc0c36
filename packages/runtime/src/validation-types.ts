/**
 * What to do when a request or response does not match the contract:
 * `strict` throws a ValidationError, `report` hands it to a callback and goes on, `off` skips
 * the check (and its cost).
 */
export type ValidationPolicy = "strict" | "report" | "off";

/** A JSON Schema 2020-12 document holding every schema of one API under `$defs`. */
export interface SchemaBundle {
  $schema?: string;
  $id: string;
  $defs: Record<string, unknown>;
}
