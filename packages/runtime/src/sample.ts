import type { SchemaRef } from "./operation.js";
import type { SchemaBundle } from "./validation-types.js";

type Schema = Record<string, unknown>;

/**
 * Makes a value that conforms to a schema, deterministically from a seed: the same schema and
 * seed always give the same value. Used by the generated mocks for their default answers.
 * A schema's own `examples`/`default` win over made-up values, so patterned strings stay valid.
 * Below a depth of six only what the schema requires is made (required members, `minItems`
 * items), and a recursive type met again there is cut by its shortest valid value (`null`
 * where nullable), so deep and recursive schemas still give a valid value.
 */
export function sampleFromSchema(bundle: SchemaBundle, ref: SchemaRef, seed = 1): unknown {
  const random = seededRandom(seed);
  return sample(bundle, resolve(bundle, ref), random, 0, "", []);
}

/** Past this depth only required members and `minItems` items are made. */
const FULL_DEPTH = 6;
/** A schema that still recurses this deep through required members has no finite value. */
const MAX_DEPTH = 64;

function resolve(bundle: SchemaBundle, ref: SchemaRef): Schema {
  if (typeof ref === "string") return lookup(bundle, ref);
  return ref;
}

function lookup(bundle: SchemaBundle, ref: string): Schema {
  const name = ref.includes("#/$defs/") ? ref.slice(ref.indexOf("#/$defs/") + 8) : ref;
  const found = bundle.$defs[name];
  if (!found) throw new Error(`unknown schema ${ref}`);
  return found as Schema;
}

function sample(
  bundle: SchemaBundle,
  s: Schema,
  random: () => number,
  depth: number,
  key: string,
  refs: readonly string[],
): unknown {
  if (depth > MAX_DEPTH) throw new Error(`the schema has no finite value at ${refs.join(" → ")}`);
  if (typeof s.$ref === "string") {
    const target = lookup(bundle, s.$ref);
    if (depth > FULL_DEPTH && refs.includes(s.$ref) && nullable(bundle, target)) return null;
    return sample(bundle, target, random, depth, key, [...refs, s.$ref]);
  }
  if (Array.isArray(s.examples) && s.examples.length > 0)
    return s.examples[Math.floor(random() * s.examples.length)];
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum)) {
    const values = s.enum.filter((v) => v !== null);
    return values[Math.floor(random() * values.length)] ?? null;
  }
  for (const k of ["anyOf", "oneOf"] as const) {
    const branches = s[k];
    if (Array.isArray(branches)) {
      const nonNull = (branches as Schema[]).filter((b) => b.type !== "null");
      const cut = depth > FULL_DEPTH && nonNull.length < branches.length && recurs(nonNull, refs);
      if (cut) return null;
      return sample(bundle, nonNull[0] ?? (branches[0] as Schema), random, depth, key, refs);
    }
  }
  if (Array.isArray(s.allOf)) {
    // Each branch is sampled; objects are merged, and a scalar branch (an enum or a string kept
    // beside a description, `{allOf: [{$ref}], description}`) is the value itself.
    const { allOf, description: _d, ...own } = s;
    const parts = [...(allOf as Schema[]), ...(Object.keys(own).length > 0 ? [own] : [])];
    const values = parts.map((part) => sample(bundle, part, random, depth, key, refs));
    const scalar = values.find((v) => v === null || typeof v !== "object" || Array.isArray(v));
    if (scalar !== undefined) return scalar;
    return Object.assign({}, ...(values as object[]));
  }
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string | undefined];
  const type = types.find((t) => t !== "null") ?? (s.properties ? "object" : undefined);
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const required = new Set(Array.isArray(s.required) ? (s.required as string[]) : []);
      for (const [name, prop] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) {
        if (depth > FULL_DEPTH && !required.has(name)) continue;
        out[name] = sample(bundle, prop, random, depth + 1, name, refs);
      }
      return out;
    }
    case "array": {
      const least = Number(s.minItems ?? 0);
      const n =
        depth > FULL_DEPTH
          ? least
          : Math.min(Math.max(least, 2), Number(s.maxItems ?? Number.POSITIVE_INFINITY));
      return Array.from({ length: n }, (_, i) =>
        sample(bundle, (s.items ?? {}) as Schema, random, depth + 1, `${key}${i}`, refs),
      );
    }
    case "integer":
    case "number": {
      // Without a minimum, start at 1 unless the maximum is lower.
      const min = Number(s.minimum ?? Math.min(1, Number(s.maximum ?? 1)));
      const max = Number(s.maximum ?? min + 9999);
      const n = min + Math.floor(random() * (max - min + 1));
      return type === "integer" ? n : n;
    }
    case "boolean":
      return random() < 0.5;
    case "string":
      return sampleString(s, random, key);
    default:
      return null;
  }
}

/** Whether `null` is a valid value of the schema (a `null` type or a `null` branch). */
function nullable(bundle: SchemaBundle, s: Schema): boolean {
  if (s.type === "null" || (Array.isArray(s.type) && s.type.includes("null"))) return true;
  if (Array.isArray(s.enum) && s.enum.includes(null)) return true;
  if (typeof s.$ref === "string") return nullable(bundle, lookup(bundle, s.$ref));
  for (const k of ["anyOf", "oneOf"] as const) {
    const branches = s[k];
    if (Array.isArray(branches) && (branches as Schema[]).some((b) => nullable(bundle, b)))
      return true;
  }
  return false;
}

/** Whether a branch goes straight back to a type being made (`{$ref}` already on the path). */
function recurs(branches: readonly Schema[], refs: readonly string[]): boolean {
  return branches.some((b) => typeof b.$ref === "string" && refs.includes(b.$ref));
}

function sampleString(s: Schema, random: () => number, key: string): string {
  const day = 1 + Math.floor(random() * 27);
  const dd = String(day).padStart(2, "0");
  switch (s.format) {
    case "date-time":
      return `2024-03-${dd}T10:${dd}:00Z`;
    case "date":
      return `2024-03-${dd}`;
    case "uuid":
      return `00000000-0000-4000-8000-${String(Math.floor(random() * 1e12)).padStart(12, "0")}`;
    case "email":
      return `user${day}@example.test`;
    case "uri":
      return `https://example.test/${day}`;
    case "ipv4":
      return `192.0.2.${day}`;
  }
  const min = Number(s.minLength ?? 1);
  const max = Number(s.maxLength ?? Math.max(min, 12));
  let text = `${key || "value"}-${Math.floor(random() * 1e6)}`;
  if (text.length > max) text = text.slice(0, max);
  while (text.length < min) text += "x";
  return text;
}

/**
 * A seeded pseudo-random source (mulberry32): numbers in [0, 1), the same sequence for the same
 * seed. What the samplers and mocks use, for tests and benchmarks that must repeat exactly;
 * never for anything secret.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
