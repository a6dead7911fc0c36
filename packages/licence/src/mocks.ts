import type { KeyObject } from "node:crypto";
import { type SchemaBundle, sampleFromSchema } from "@trustspec/runtime";
import type { RawRequest, RawResponse } from "@trustspec/runtime/server";
import type { HttpHandler } from "msw";
import {
  createLicenceMockHandlers as createGeneratedHandlers,
  type LicenceMockOptions as GeneratedOptions,
} from "./generated/msw.gen.js";
import { operationList } from "./generated/operations.gen.js";
import { schemas } from "./generated/schemas.gen.js";
import type { LicenceHandlers } from "./generated/server.gen.js";
import { signingHook } from "./sign-responses.js";

export interface LicenceMockOptions extends GeneratedOptions {
  /**
   * Signs every mocked answer with this private key, so a client checking signatures with the
   * matching public key accepts them. Without it answers are unsigned.
   */
  signingKey?: KeyObject | string;
}

/**
 * The schemas as the sampler of the default answers reads them. Two workarounds, so that the
 * made-up answers conform to the contract the mock router checks them against:
 * - `sampleFromSchema` reads every `allOf` as an object composition, so a property written
 *   `{allOf: [{$ref: ".../LicenceKind"}], description}` (how the generated bundle keeps a
 *   description beside a `$ref`) samples as `{}`; here a one-branch `allOf` is replaced by its
 *   branch.
 * - Licence.Flags has a `pattern` but no example, and the sampler does not read patterns; here it
 *   gets the document's value (32 zero digits, 3.0.34 doc, line 398) as its example.
 */
const sampleBundle: SchemaBundle = {
  ...schemas,
  $defs: withFlagsExample(flattenSingleAllOf(schemas.$defs) as Record<string, unknown>),
};

function flattenSingleAllOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(flattenSingleAllOf);
  if (value === null || typeof value !== "object") return value;
  const { allOf, ...rest } = value as Record<string, unknown>;
  const out = Object.fromEntries(
    Object.entries(rest).map(([k, v]) => [k, flattenSingleAllOf(v)]),
  ) as Record<string, unknown>;
  if (allOf === undefined) return out;
  if (Array.isArray(allOf) && allOf.length === 1) {
    return { ...(flattenSingleAllOf(allOf[0]) as Record<string, unknown>), ...out };
  }
  return { ...out, allOf: flattenSingleAllOf(allOf) };
}

function withFlagsExample(defs: Record<string, unknown>): Record<string, unknown> {
  const licence = defs.Licence as { properties: Record<string, Record<string, unknown>> };
  const flags = licence.properties.Flags;
  if (flags && !Array.isArray(flags.examples)) flags.examples = ["0".repeat(32)];
  return defs;
}

/**
 * Default answers: for each operation its first success status, with data made from the schema
 * (the same seed gives the same data; each operation has its own seed offset, as in the generated
 * defaults).
 */
export function defaultLicenceHandlers(seed = 1): LicenceHandlers {
  const handlers: Record<string, () => { status: number; body?: unknown }> = {};
  operationList.forEach((op, index) => {
    const status = op.success[0] ?? 200;
    const schema = op.responses[String(status)]?.schema;
    handlers[op.operationId] = () =>
      schema === undefined
        ? { status }
        : { status, body: sampleFromSchema(sampleBundle, schema, seed + index) };
  });
  return handlers as unknown as LicenceHandlers;
}

/** MSW 2 handlers for the licensing server API: seeded answers, checked against the contract, optionally signed. */
export function createLicenceMockHandlers(options: LicenceMockOptions = {}): HttpHandler[] {
  const { signingKey, ...rest } = options;
  const overrides = { ...defaultLicenceHandlers(rest.seed), ...rest.overrides };
  if (!signingKey) return createGeneratedHandlers({ ...rest, overrides });
  const sign = signingHook(signingKey);
  const own = rest.router?.onResponse;
  return createGeneratedHandlers({
    ...rest,
    overrides,
    router: {
      ...rest.router,
      // A caller's own hook runs first, so the signature covers the answer as it is sent.
      onResponse: (response: RawResponse, request: RawRequest, op) => {
        own?.(response, request, op);
        sign(response, request);
      },
    },
  });
}
