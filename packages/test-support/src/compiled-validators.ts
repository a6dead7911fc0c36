/**
 * The conformance suite of an API's generated validators: every schema an operation descriptor
 * (or a SOAP service's element descriptor, or a named validator of the package's own code)
 * carries is checked by its generated validator and by the runtime's Ajv validator compiling the
 * schema bundle, on a sample and on many broken copies of it; both must report the same issues,
 * in the same order (path and message).
 */
import {
  type CompiledSchema,
  compiledIssues,
  type OperationDescriptor,
  type SchemaBundle,
  type SchemaHolder,
  sampleFromSchema,
  type ValidationIssue,
  validatorFor,
} from "@trustspec/runtime";
import type { SoapServiceDescriptor } from "@trustspec/runtime/soap";
import { describe, expect, it } from "vitest";

/** One schema of a descriptor, where it is used. */
interface Checked {
  where: string;
  holder: SchemaHolder;
}

/** Every schema the descriptors carry: parameters, bodies and answers. */
function checkedSchemas(operations: readonly OperationDescriptor[]): Checked[] {
  return operations
    .flatMap((op) => [
      ...op.params.map((p) => ({
        where: `${op.operationId} ${p.name}`,
        holder: p as SchemaHolder,
      })),
      ...(op.requestBody
        ? [{ where: `${op.operationId} body`, holder: op.requestBody as SchemaHolder }]
        : []),
      ...Object.entries(op.responses).map(([status, r]) => ({
        where: `${op.operationId} ${status}`,
        holder: r as SchemaHolder,
      })),
    ])
    .filter((c) => c.holder.schema !== undefined);
}

/** What replaces a part of a sample: every JSON type, a broken date, an unknown enum member. */
const REPLACEMENTS: unknown[] = [
  null,
  42,
  1.5,
  -1,
  2 ** 40,
  true,
  "",
  "text",
  "1999-13-01T00:00:00Z",
  "not a uri",
  [],
  [42],
  {},
  { nested: true },
];

/**
 * Broken copies of a sample: the whole value replaced, and at every place inside it (object
 * properties and array items, at any depth) the part replaced by each of {@link REPLACEMENTS},
 * removed, or joined by unexpected properties (one of them with a name to escape in a path).
 */
export function brokenValues(sample: unknown): unknown[] {
  const out: unknown[] = [...REPLACEMENTS];
  const visit = (value: unknown, rebuild: (part: unknown) => unknown, depth: number) => {
    if (depth > 6) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        const at = (part: unknown) => rebuild(value.map((x, j) => (j === i ? part : x)));
        for (const r of REPLACEMENTS) out.push(at(r));
        visit(item, at, depth + 1);
      });
    } else if (value && typeof value === "object") {
      const obj = value as Record<string, unknown>;
      out.push(rebuild({ ...obj, Unexpected: 1, "a/b~c": { nested: true } }));
      for (const key of Object.keys(obj)) {
        const at = (part: unknown) => rebuild({ ...obj, [key]: part });
        const { [key]: _, ...without } = obj;
        out.push(rebuild(without), at(undefined));
        for (const r of REPLACEMENTS) out.push(at(r));
        visit(obj[key], at, depth + 1);
      }
    }
  };
  visit(sample, (part) => part, 0);
  return out;
}

/**
 * Defines the suite for one API: its descriptors (`operationList`) and its schema bundle.
 * `minimum` is the fewest schemas the descriptors must carry (a check that the list is read);
 * `api` names the API in the suite's title.
 */
export function describeCompiledValidators(
  operations: readonly OperationDescriptor[],
  schemas: SchemaBundle,
  minimum: number,
  api = "",
): void {
  describeChecks(checkedSchemas(operations), schemas, minimum, api);
}

/**
 * The suite for a SOAP service: the schemas of its operations' input and output elements, each
 * with the validator its descriptor carries.
 */
export function describeSoapCompiledValidators(
  service: SoapServiceDescriptor,
  schemas: SchemaBundle,
  minimum: number,
  api = "",
): void {
  const checked = Object.values(service.operations).flatMap((op) =>
    [op.input, op.output]
      .filter((el) => el?.schema !== undefined)
      .map((el) => ({ where: `${op.name} ${el!.name.local}`, holder: el as SchemaHolder })),
  );
  describeChecks(checked, schemas, minimum, api);
}

/**
 * The suite for validators of named schemas that a package's own code uses (the manifest's
 * `validators`), by schema name.
 */
export function describeNamedCompiledValidators(
  validators: Readonly<Record<string, CompiledSchema>>,
  schemas: SchemaBundle,
  api = "",
): void {
  const checked = Object.entries(validators).map(([schema, validate]) => ({
    where: schema,
    holder: { schema, validate },
  }));
  describeChecks(checked, schemas, checked.length, api);
}

function describeChecks(
  checked: Checked[],
  schemas: SchemaBundle,
  minimum: number,
  api: string,
): void {
  const runtime = validatorFor(schemas);
  const issues = (list: ValidationIssue[]) => list.map((i) => `${i.path} ${i.message}`);

  describe(`compiled validators${api ? ` of ${api}` : ""}`, () => {
    it("carry one for every schema of every operation", () => {
      expect(checked.length).toBeGreaterThanOrEqual(minimum);
      for (const c of checked)
        expect([c.where, typeof c.holder.validate]).toEqual([c.where, "function"]);
    });

    it("find the same issues, in the same order, as the schema validator compiling at run time", () => {
      let failing = 0;
      let values = 0;
      for (const { where, holder } of checked) {
        for (const seed of [3, 7]) {
          const sample = sampleFromSchema(schemas, holder.schema!, seed);
          for (const value of [sample, ...brokenValues(sample)]) {
            values++;
            const theirs = issues(runtime.validate(holder.schema!, value));
            if (theirs.length > 0) failing++;
            const ours = issues(compiledIssues(holder.validate!, value));
            if (ours.join("\n") !== theirs.join("\n"))
              expect([where, value, ours]).toEqual([where, value, theirs]);
          }
        }
      }
      // Most broken copies break the schema: the comparison covers failures, not only passes.
      expect(failing).toBeGreaterThan(values / 2);
    });
  });
}
