import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import {
  checkReleases,
  formatBaselineWrites,
  formatReleaseCheck,
  writeReleaseBaselines,
} from "../src/release-check.js";
import { gitIn } from "./git.js";

/**
 * The release rule on throw-away git repositories: a package generated from a spec (its entry in
 * the codegen manifest), released (tagged, or recorded in a committed baseline), then changed.
 */

const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function spec(fields: Record<string, unknown>) {
  return stringify({
    openapi: "3.1.0",
    info: { title: "Foo", version: "1" },
    paths: {
      "/foo": {
        get: {
          operationId: "getFoo",
          responses: {
            "200": {
              description: "ok",
              content: {
                "application/json": {
                  schema: { type: "object", required: Object.keys(fields), properties: fields },
                },
              },
            },
          },
        },
      },
    },
  });
}

function repo() {
  const dir = mkdtempSync(join(tmpdir(), "release-check-"));
  made.push(dir);
  const git = (...args: string[]) => gitIn(dir, ...args);
  const write = (path: string, text: string) => {
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
  };
  const pkg = (version: string) =>
    write(
      "packages/foo/package.json",
      JSON.stringify({
        name: "@t/foo",
        version,
        scripts: { generate: "trustspec-codegen generate" },
      }),
    );
  git("init", "-q");
  write(".changeset/config.json", "{}");
  write("packages/private/package.json", JSON.stringify({ name: "@t/private", private: true }));
  pkg("1.0.0");
  write(
    "specs/codegen.yaml",
    stringify([
      {
        package: "packages/foo",
        spec: "specs/foo/openapi.yaml",
        kind: "openapi",
        name: "Foo",
        out: "src/generated",
      },
    ]),
  );
  write("specs/foo/openapi.yaml", spec({ id: { type: "integer" }, name: { type: "string" } }));
  git("add", "-A");
  git("commit", "-qm", "first");
  return { dir, git, write, pkg };
}

describe("checkReleases", () => {
  it("reads a package's specs from the manifest, every entry of the package", async () => {
    const r = repo();
    r.git("tag", "@t/foo@1.0.0");
    r.write("specs/bar/openapi.yaml", spec({ id: { type: "integer" } }));
    r.write(
      "specs/codegen.yaml",
      `${readFileSync(join(r.dir, "specs/codegen.yaml"), "utf8")}${stringify([
        {
          package: "packages/foo",
          spec: "specs/bar/openapi.yaml",
          kind: "openapi",
          name: "Bar",
          out: "src/generated/bar",
        },
      ])}`,
    );
    r.write("specs/foo/openapi.yaml", spec({ id: { type: "integer" } }));
    const [foo] = await checkReleases(r.dir);
    // The spec the release did not have is new; the one it had lost a field.
    expect(foo).toMatchObject({ baseline: "@t/foo@1.0.0", ok: false });
    expect(foo!.specs.map((s) => [s.spec, s.changes.length])).toEqual([
      ["specs/foo/openapi.yaml", 1],
      ["specs/bar/openapi.yaml", 0],
    ]);
    // The package's scripts play no part: the manifest alone names the specs.
    r.write("packages/foo/package.json", JSON.stringify({ name: "@t/foo", version: "1.0.0" }));
    expect((await checkReleases(r.dir))[0]!.specs).toHaveLength(2);
  });

  it("a missing or broken manifest is an error that names it", async () => {
    const r = repo();
    rmSync(join(r.dir, "specs/codegen.yaml"));
    await expect(checkReleases(r.dir)).rejects.toThrow(
      /specs[\\/]codegen\.yaml: the codegen manifest is missing/,
    );
    r.write(
      "specs/codegen.yaml",
      stringify([{ package: "packages/foo", spec: "specs/foo/openapi.yaml" }]),
    );
    await expect(writeReleaseBaselines(r.dir)).rejects.toThrow(
      /codegen\.yaml: entry 1 \(packages\/foo\): "kind" is missing or not a string/,
    );
  });

  it("a package never released has nothing to break; private packages are skipped", async () => {
    const r = repo();
    r.write("specs/foo/openapi.yaml", spec({ id: { type: "integer" } }));
    const results = await checkReleases(r.dir);
    expect(results).toEqual([{ name: "@t/foo", specs: [], major: false, ok: true }]);
    expect(formatReleaseCheck(results)).toBe("@t/foo: not released yet, nothing to compare");
  });

  it("a compatible change since the release tag passes", async () => {
    const r = repo();
    r.git("tag", "@t/foo@1.0.0");
    r.write(
      "specs/foo/openapi.yaml",
      spec({ id: { type: "integer" }, name: { type: "string" }, extra: { type: "string" } }),
    );
    const [foo] = await checkReleases(r.dir);
    expect(foo).toMatchObject({ baseline: "@t/foo@1.0.0", ok: true });
    expect(formatReleaseCheck([foo!])).toContain("compatible since @t/foo@1.0.0");
  });

  it("a breaking change fails until a major changeset comes with it", async () => {
    const r = repo();
    r.git("tag", "@t/foo@0.9.0");
    r.git("tag", "@t/foo@1.0.0"); // the newest tag is the baseline
    r.write("specs/foo/openapi.yaml", spec({ id: { type: "integer" } }));
    const [foo] = await checkReleases(r.dir);
    expect(foo).toMatchObject({ baseline: "@t/foo@1.0.0", ok: false, major: false });
    const report = formatReleaseCheck([foo!]);
    expect(report).toContain("@t/foo: BREAKING without a major changeset since @t/foo@1.0.0");
    expect(report).toContain("specs/foo/openapi.yaml: getFoo 200/name: the field was removed");

    r.write(".changeset/drop-name.md", '---\n"@t/foo": minor\n---\n\nDrop name.\n');
    expect((await checkReleases(r.dir))[0]!.ok).toBe(false);
    r.write(".changeset/drop-name.md", '---\n"@t/foo": major\n---\n\nDrop name.\n');
    const [again] = await checkReleases(r.dir);
    expect(again).toMatchObject({ ok: true, major: true });
    expect(formatReleaseCheck([again!])).toContain("breaking, released as a major version");
  });

  it("a version already bumped to the next major passes", async () => {
    const r = repo();
    r.git("tag", "@t/foo@1.0.0");
    r.write("specs/foo/openapi.yaml", spec({ id: { type: "string" } }));
    expect((await checkReleases(r.dir))[0]!.ok).toBe(false);
    r.pkg("2.0.0");
    expect((await checkReleases(r.dir))[0]!.ok).toBe(true);
  });

  it("a package generated from no spec has nothing to compare", async () => {
    const r = repo();
    r.write(
      "packages/runtime/package.json",
      JSON.stringify({ name: "@t/runtime", version: "1.0.0" }),
    );
    const results = await checkReleases(r.dir);
    expect(results.map((x) => x.name)).toEqual(["@t/foo", "@t/runtime"]);
    expect(results[1]).toEqual({
      name: "@t/runtime",
      specs: [],
      major: false,
      ok: true,
      noSpecs: true,
    });
    expect(formatReleaseCheck(results)).toContain(
      "@t/runtime: generated from no spec, nothing to compare",
    );
  });
});

describe("committed release baselines", () => {
  const copy = (dir: string, version: string) =>
    join(dir, `release-baseline/@t/foo@${version}/specs/foo/openapi.yaml`);

  it("the baseline command copies the specs of published packages generated from specs", async () => {
    const r = repo();
    r.write(
      "packages/runtime/package.json",
      JSON.stringify({ name: "@t/runtime", version: "1.0.0" }),
    );
    const writes = await writeReleaseBaselines(r.dir);
    expect(writes).toEqual([
      { name: "@t/foo", baseline: "release-baseline/@t/foo@1.0.0", action: "written", removed: [] },
    ]);
    expect(formatBaselineWrites(writes)).toBe(
      "release-baseline/@t/foo@1.0.0: written from the current specs",
    );
    expect(readFileSync(copy(r.dir, "1.0.0"), "utf8")).toBe(
      readFileSync(join(r.dir, "specs/foo/openapi.yaml"), "utf8"),
    );
  });

  it("without a tag, the committed baseline is the release compared against", async () => {
    const r = repo();
    await writeReleaseBaselines(r.dir);
    r.git("add", "-A");
    r.git("commit", "-qm", "release 1.0.0");
    const [same] = await checkReleases(r.dir);
    expect(same).toMatchObject({ baseline: "release-baseline/@t/foo@1.0.0", ok: true });
    expect(formatReleaseCheck([same!])).toBe(
      "@t/foo: compatible since release-baseline/@t/foo@1.0.0 (0 breaking, 0 compatible changes)",
    );

    r.write("specs/foo/openapi.yaml", spec({ id: { type: "integer" } }));
    const [broken] = await checkReleases(r.dir);
    expect(broken).toMatchObject({ ok: false, major: false });
    const report = formatReleaseCheck([broken!]);
    expect(report).toContain(
      "@t/foo: BREAKING without a major changeset since release-baseline/@t/foo@1.0.0",
    );
    expect(report).toContain("specs/foo/openapi.yaml: getFoo 200/name: the field was removed");
    r.write(".changeset/drop-name.md", '---\n"@t/foo": major\n---\n\nDrop name.\n');
    expect((await checkReleases(r.dir))[0]).toMatchObject({ ok: true, major: true });
  });

  it("a version's baseline is written once; a new version's replaces the older ones", async () => {
    const r = repo();
    await writeReleaseBaselines(r.dir);
    const released = readFileSync(copy(r.dir, "1.0.0"), "utf8");
    // Not released again: the spec changes since stay unreleased, the baseline stays as it was.
    r.write("specs/foo/openapi.yaml", spec({ id: { type: "integer" } }));
    expect(await writeReleaseBaselines(r.dir)).toMatchObject([{ action: "kept", removed: [] }]);
    expect(readFileSync(copy(r.dir, "1.0.0"), "utf8")).toBe(released);
    expect((await checkReleases(r.dir))[0]!.ok).toBe(false);

    r.pkg("2.0.0");
    const writes = await writeReleaseBaselines(r.dir);
    expect(formatBaselineWrites(writes)).toBe(
      "release-baseline/@t/foo@2.0.0: written from the current specs; removed release-baseline/@t/foo@1.0.0",
    );
    expect(existsSync(copy(r.dir, "1.0.0"))).toBe(false);
    expect((await checkReleases(r.dir))[0]).toMatchObject({
      baseline: "release-baseline/@t/foo@2.0.0",
      ok: true,
      specs: [{ spec: "specs/foo/openapi.yaml", changes: [] }],
    });
  });

  it("a tag wins over a baseline of the same or an older version, a newer baseline over a tag", async () => {
    const r = repo();
    await writeReleaseBaselines(r.dir);
    r.git("add", "-A");
    r.git("commit", "-qm", "release 1.0.0");
    r.git("tag", "@t/foo@1.0.0");
    expect((await checkReleases(r.dir))[0]!.baseline).toBe("@t/foo@1.0.0");
    r.pkg("1.1.0");
    await writeReleaseBaselines(r.dir);
    expect((await checkReleases(r.dir))[0]!.baseline).toBe("release-baseline/@t/foo@1.1.0");
    r.git("tag", "@t/foo@1.2.0");
    expect((await checkReleases(r.dir))[0]!.baseline).toBe("@t/foo@1.2.0");
  });

  it("a spec the baseline does not hold is new: nothing to compare", async () => {
    const r = repo();
    await writeReleaseBaselines(r.dir);
    rmSync(copy(r.dir, "1.0.0"));
    r.write("release-baseline/@t/foo@1.0.0/README.txt", "kept so the folder stays\n");
    expect((await checkReleases(r.dir))[0]).toMatchObject({
      ok: true,
      specs: [{ spec: "specs/foo/openapi.yaml", changes: [] }],
    });
  });
});

describe("XML specs with schema documents named by schemaLocation", () => {
  const types = (fields: string) =>
    `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t:types" elementFormDefault="qualified"><xs:complexType name="Item"><xs:sequence>${fields}</xs:sequence></xs:complexType></xs:schema>`;
  const wsdl = `<wsdl:definitions xmlns:wsdl="http://schemas.xmlsoap.org/wsdl/" xmlns:soap="http://schemas.xmlsoap.org/wsdl/soap/" xmlns:tns="urn:t" xmlns:t="urn:t:types" targetNamespace="urn:t" name="Svc">
  <wsdl:types><xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:t" elementFormDefault="qualified">
    <xs:import namespace="urn:t:types" schemaLocation="../common/types.xsd"/>
    <xs:element name="Get"><xs:complexType><xs:sequence/></xs:complexType></xs:element>
    <xs:element name="GetResponse"><xs:complexType><xs:sequence><xs:element name="GetResult" type="t:Item"/></xs:sequence></xs:complexType></xs:element>
  </xs:schema></wsdl:types>
  <wsdl:message name="In"><wsdl:part name="parameters" element="tns:Get"/></wsdl:message>
  <wsdl:message name="Out"><wsdl:part name="parameters" element="tns:GetResponse"/></wsdl:message>
  <wsdl:portType name="ISvc"><wsdl:operation name="Get"><wsdl:input message="tns:In"/><wsdl:output message="tns:Out"/></wsdl:operation></wsdl:portType>
  <wsdl:binding name="B" type="tns:ISvc"><soap:binding transport="http://schemas.xmlsoap.org/soap/http"/><wsdl:operation name="Get"><soap:operation soapAction="urn:t/Get" style="document"/><wsdl:input><soap:body use="literal"/></wsdl:input><wsdl:output><soap:body use="literal"/></wsdl:output></wsdl:operation></wsdl:binding>
  <wsdl:service name="Svc"><wsdl:port name="P" binding="tns:B"><soap:address location="http://localhost/svc"/></wsdl:port></wsdl:service>
</wsdl:definitions>`;
  const both = '<xs:element name="Id" type="xs:int"/><xs:element name="Name" type="xs:string"/>';
  const xmlRepo = () => {
    const r = repo();
    r.write(
      "specs/codegen.yaml",
      stringify([
        {
          package: "packages/foo",
          spec: "specs/svc/Svc.wsdl",
          kind: "wsdl",
          name: "Svc",
          out: "src/generated",
        },
      ]),
    );
    r.write("specs/svc/Svc.wsdl", wsdl);
    r.write("specs/common/types.xsd", types(both));
    r.git("add", "-A");
    r.git("commit", "-qm", "wsdl");
    return r;
  };

  it("compares the imported documents as released by a tag", async () => {
    const r = xmlRepo();
    r.git("tag", "@t/foo@1.0.0");
    expect((await checkReleases(r.dir))[0]).toMatchObject({ ok: true });
    r.write("specs/common/types.xsd", types('<xs:element name="Id" type="xs:int"/>'));
    const [foo] = await checkReleases(r.dir);
    expect(foo).toMatchObject({ ok: false });
    expect(formatReleaseCheck([foo!])).toContain("specs/svc/Svc.wsdl: ");
  });

  it("a baseline records the imported documents, and the check reads them from it", async () => {
    const r = xmlRepo();
    await writeReleaseBaselines(r.dir);
    const baseline = join(r.dir, "release-baseline/@t/foo@1.0.0");
    expect(existsSync(join(baseline, "specs/common/types.xsd"))).toBe(true);
    expect((await checkReleases(r.dir))[0]).toMatchObject({ ok: true });
    r.write("specs/common/types.xsd", types('<xs:element name="Id" type="xs:int"/>'));
    expect((await checkReleases(r.dir))[0]).toMatchObject({ ok: false });
  });
});
