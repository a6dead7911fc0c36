/**
 * Golden XML for the WSDL's types (specs/dss-notification/examples): each value encodes to
 * exactly the committed XML, the XML decodes back to the value, and libxml2 finds it valid
 * against the WSDL's schemas. `RECORD=1` re-records the XML.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fromXml, toXml } from "@trustspec/runtime/soap";
import { describe, expect, it } from "vitest";
import { xmlElements, xmlTypes } from "../src/generated/xml.gen.js";
import { repo, validateAgainstXsd } from "./support.js";

const dir = join(repo, "specs", "dss-notification", "examples");
const record = process.env.RECORD === "1";
const cases = readdirSync(dir)
  .filter((f) => f.endsWith(".json"))
  .sort()
  .map((f) => ({ name: f.slice(0, -5), ...JSON.parse(readFileSync(join(dir, f), "utf8")) })) as {
  name: string;
  element: keyof typeof xmlElements;
  value: unknown;
}[];

describe("golden XML of the notification WSDL's types", () => {
  it("covers every named type of the WSDL", () => {
    const covered = new Set<string>(
      cases.map((c) => {
        const t = xmlElements[c.element].type;
        return "ref" in t ? t.ref : c.element;
      }),
    );
    for (const t of Object.keys(xmlTypes)) {
      if (covered.has(t)) continue;
      expect.fail(`no golden XML for ${t}`);
    }
  });

  it.each(cases)("$name", { timeout: 30_000 }, async ({ name, element, value }) => {
    const desc = xmlElements[element];
    const xml = toXml(xmlTypes, desc, value);
    const file = join(dir, `${name}.xml`);
    if (record) writeFileSync(file, `${xml}\n`);
    expect(`${xml}\n`).toBe(readFileSync(file, "utf8"));
    expect(fromXml(xmlTypes, desc, xml)).toEqual(value);
    expect(await validateAgainstXsd(xml)).toEqual([]);
  });
});
