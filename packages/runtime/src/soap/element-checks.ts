import { compiledIssues } from "../compiled.js";
import { ConfigurationError, type ValidationIssue } from "../errors.js";
import type { XmlElementDescriptor } from "../xml/codec.js";
import type { SoapServiceDescriptor } from "./service.js";

/**
 * How the SOAP client and server stub check element values: only with the validators compiled
 * when the descriptors were generated, so that no schema compiler comes with them.
 */

/**
 * Refuses a service whose elements name a `schema` without its compiled `validate` (a
 * hand-written descriptor, say): the SOAP client and server stub check values only with compiled
 * validators, and would otherwise skip the check without a word.
 * @throws {ConfigurationError} naming the operation and the element.
 */
export function requireCompiledValidators(service: SoapServiceDescriptor): void {
  for (const op of Object.values(service.operations)) {
    for (const [role, el] of [
      ["input", op.input],
      ["output", op.output],
    ] as const) {
      if (el?.schema !== undefined && !el.validate) {
        throw new ConfigurationError(
          "service",
          `${service.name}.${op.name}: the ${role} element ${el.name.local} names the schema ${el.schema} but carries no compiled validator (validate)`,
        );
      }
    }
  }
}

/** What is wrong with an element's value, by its compiled validator; none without one. */
export function elementIssues(el: XmlElementDescriptor, value: unknown): ValidationIssue[] {
  return el.validate ? compiledIssues(el.validate, value) : [];
}
