import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { checkReleases, formatReleaseCheck, specsOf } from "../src/release-check.js";

/**
 * The release rule on throw-away git repositories: a package generated from a spec, released
 * (tagged), then changed.
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
  const git = (...args: string[]) =>
    execFileSync("git", args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "t",
        GIT_AUTHOR_EMAIL: "t@example.org",
        GIT_COMMITTER_NAME: "t",
        GIT_COMMITTER_EMAIL: "t@example.org",
      },
    });
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
        scripts: {
          generate:
            "trustspec-codegen openapi ../../specs/foo/openapi.yaml --out src/generated --name Foo",
        },
      }),
    );
  git("init", "-q");
  write(".changeset/config.json", "{}");
  write("packages/private/package.json", JSON.stringify({ name: "@t/private", private: true }));
  pkg("1.0.0");
  write("specs/foo/openapi.yaml", spec({ id: { type: "integer" }, name: { type: "string" } }));
  git("add", "-A");
  git("commit", "-qm", "first");
  return { dir, git, write, pkg };
}

describe("checkReleases", () => {
  it("reads the specs off a generate script", () => {
    expect(
      specsOf(
        "trustspec-codegen openapi ../../specs/a/openapi.yaml --out src/generated/a --name A && trustspec-codegen openapi ../../specs/b/openapi.yaml --out src/generated/b --name B",
      ),
    ).toEqual([
      { kind: "openapi", spec: "../../specs/a/openapi.yaml", name: "A" },
      { kind: "openapi", spec: "../../specs/b/openapi.yaml", name: "B" },
    ]);
    expect(
      specsOf("trustspec-codegen wsdl ../../specs/n/N.wsdl --out src/generated --name N"),
    ).toEqual([{ kind: "wsdl", spec: "../../specs/n/N.wsdl", name: "N" }]);
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
});
