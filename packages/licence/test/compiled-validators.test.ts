import {
  compiledIssues,
  sampleFromSchema,
  type ValidationIssue,
  validatorFor,
} from "@trustspec/runtime";
import { describe, expect, it } from "vitest";
import { operationList } from "../src/generated/operations.gen.js";
import { schemas } from "../src/generated/schemas.gen.js";

/** Every schema a descriptor carries, with the validator compiled for it at generation time. */
const checked = operationList
  .flatMap((op) => [
    ...op.params.map((p) => ({ where: `${op.operationId} ${p.name}`, holder: p })),
    ...(op.requestBody ? [{ where: `${op.operationId} body`, holder: op.requestBody }] : []),
    ...Object.entries(op.responses).map(([status, r]) => ({
      where: `${op.operationId} ${status}`,
      holder: r,
    })),
  ])
  .filter((c) => c.holder.schema !== undefined);

/** Values that break a sample in the ways answers and requests go wrong. */
function broken(sample: unknown): unknown[] {
  const values: unknown[] = [null, 42, "text", [], {}];
  if (sample && typeof sample === "object" && !Array.isArray(sample)) {
    const entries = Object.entries(sample);
    for (const [key] of entries) {
      values.push({ ...sample, [key]: undefined });
      values.push({ ...sample, [key]: { nested: true } });
      values.push({ ...sample, [key]: "1999-13-01T00:00:00Z" });
    }
    values.push({ ...sample, Unexpected: 1 });
  }
  return values;
}

describe("compiled validators", () => {
  const runtime = validatorFor(schemas);
  const issues = (list: ValidationIssue[]) => list.map((i) => `${i.path} ${i.message}`).sort();

  it("carry one for every schema of every operation", () => {
    expect(checked.length).toBeGreaterThan(20);
    for (const c of checked)
      expect([c.where, typeof c.holder.validate]).toEqual([c.where, "function"]);
  });

  it("find the same issues as the schema validator compiling at run time", () => {
    let failing = 0;
    for (const { where, holder } of checked) {
      const sample = sampleFromSchema(schemas, holder.schema!, 7);
      for (const value of [sample, ...broken(sample)]) {
        const theirs = issues(runtime.validate(holder.schema!, value));
        if (theirs.length > 0) failing++;
        expect([where, value, issues(compiledIssues(holder.validate!, value))]).toEqual([
          where,
          value,
          theirs,
        ]);
      }
    }
    expect(failing).toBeGreaterThan(50);
  });
});
