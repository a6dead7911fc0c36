import { readFileSync } from "node:fs";
import { join } from "node:path";

/** The spec folder: openapi.yaml and the guide's examples. */
export const specDir = join(import.meta.dirname, "../../../specs/dss-frontend");

/** One entry of the examples' index. */
export interface ExampleEntry {
  file: string;
  source: string;
  operationId?: string;
  webhook?: string;
  direction: "request" | "backpost" | "sample";
  note: string;
}

/** The examples' index. */
export function examples(): ExampleEntry[] {
  return JSON.parse(readFileSync(join(specDir, "examples/index.json"), "utf8"));
}

/** An example file's text. */
export function exampleText(file: string): string {
  return readFileSync(join(specDir, "examples", file), "utf8");
}

/** A printed HTML form: its action and its hidden fields, read as leniently as a browser would. */
export interface PrintedForm {
  action: string;
  fields: [string, string][];
}

/**
 * Reads the guide's forms, which are not well-formed (unclosed inputs, a typographic quote), the
 * way a browser's tolerant parser would: each `<input` up to the next one, its name and value.
 */
export function printedForm(html: string): PrintedForm {
  const action = /<form action="([^"]*)"/.exec(html)?.[1] ?? "";
  const fields: [string, string][] = [];
  for (const segment of html.split("<input").slice(1)) {
    if (/type="submit"/.test(segment)) continue;
    const name = /\bname="([^"]*)"/.exec(segment)?.[1];
    const value = /\bvalue="([^"”]*)/.exec(segment)?.[1] ?? "";
    if (name !== undefined) fields.push([name, value]);
  }
  return { action, fields };
}
