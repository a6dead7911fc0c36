import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { breakingChanges, compareApis } from "../src/compat.js";
import { openApiToModel } from "../src/input/openapi.js";
import { wsdlToModel } from "../src/input/wsdl.js";
import { readManifest } from "../src/manifest.js";

type Doc = Record<string, unknown>;
const model = (doc: Doc) => openApiToModel(doc, { name: "T", source: "t.yaml" });
const clone = <T>(v: T): T => structuredClone(v);

/** A small API: one GET answering a Thing, one POST taking a NewThing, a numeric enum. */
function api(): Doc {
  return {
    openapi: "3.1.0",
    info: { title: "T", version: "1" },
    paths: {
      "/things/{id}": {
        get: {
          operationId: "getThing",
          parameters: [
            { name: "id", in: "path", required: true, schema: { type: "integer" } },
            { name: "expand", in: "query", required: false, schema: { type: "boolean" } },
          ],
          responses: {
            "200": {
              description: "ok",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
            "404": { description: "not found" },
          },
        },
      },
      "/things": {
        post: {
          operationId: "createThing",
          requestBody: {
            required: true,
            content: { "application/json": { schema: { $ref: "#/components/schemas/NewThing" } } },
          },
          responses: {
            "201": {
              description: "created",
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
          },
        },
      },
    },
    components: {
      schemas: {
        Thing: {
          type: "object",
          required: ["id", "name", "kind"],
          properties: {
            id: { type: "integer" },
            name: { type: "string" },
            kind: { $ref: "#/components/schemas/Kind" },
            note: { type: ["string", "null"] },
          },
        },
        NewThing: {
          type: "object",
          required: ["name"],
          properties: {
            name: { type: "string", maxLength: 64 },
            kind: { $ref: "#/components/schemas/Kind" },
          },
        },
        Kind: {
          type: "integer",
          enum: [0, 1],
          "x-trustspec-enum": [
            { name: "Small", value: 0 },
            { name: "Large", value: 1 },
          ],
        },
      },
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the fixtures are edited freely
type Schemas = Record<string, any>;
function edit(change: (doc: Doc, schemas: Schemas) => void): Doc {
  const doc = clone(api());
  change(doc, (doc.components as { schemas: Schemas }).schemas);
  return doc;
}

function breaks(after: Doc) {
  return breakingChanges(model(api()), model(after)).map((c) => `${c.where}: ${c.what}`);
}

describe("compareApis", () => {
  it("finds nothing between a spec and itself", () => {
    expect(compareApis(model(api()), model(api()))).toEqual([]);
  });

  it("doc comments and examples are not changes", () => {
    const after = edit((_, s) => {
      s.Thing!.description = "A thing (new words)";
      s.Thing!.properties.name!.examples = ["x"];
    });
    expect(compareApis(model(api()), model(after))).toEqual([]);
  });

  it("a removed operation, type or enum member breaks", () => {
    const after = edit((doc, s) => {
      delete (doc.paths as Doc)["/things"];
      s.Kind = { type: "integer", enum: [0], "x-trustspec-enum": [{ name: "Small", value: 0 }] };
    });
    expect(breaks(after)).toEqual(
      expect.arrayContaining([
        "createThing: the operation was removed",
        "Kind.Large: the enum member was removed",
      ]),
    );
  });

  it("answers may narrow but not widen", () => {
    // A removed answer field, one no longer required, a new enum value, a new type: breaking.
    const after = edit((_, s) => {
      delete s.Thing!.properties.note;
      s.Thing!.required = ["id", "kind"];
      s.Thing!.properties.id = { type: ["integer", "string"] };
      s.Thing!.properties.extra = { type: "string" };
    });
    const all = compareApis(model(api()), model(after));
    expect(all.filter((c) => c.kind === "breaking").map((c) => `${c.where}: ${c.what}`)).toEqual(
      expect.arrayContaining([
        "Thing/note: the field was removed",
        "Thing/name: the field is no longer always present",
        "Thing/id: may now answer string",
      ]),
    );
    expect(all).toContainEqual({ kind: "compatible", where: "Thing/extra", what: "new field" });
  });

  it("requests may widen but not narrow", () => {
    const wider = edit((_, s) => {
      s.NewThing!.properties.name = { type: "string", maxLength: 128 };
      s.NewThing!.properties.colour = { type: "string" };
    });
    expect(breaks(wider)).toEqual([]);
    const narrower = edit((_, s) => {
      s.NewThing!.properties.name = { type: "string", maxLength: 32 };
      s.NewThing!.properties.size = { type: "integer" };
      s.NewThing!.required = ["name", "size"];
    });
    expect(breaks(narrower)).toEqual(
      expect.arrayContaining([
        "NewThing/name: maxLength tightened to 32",
        "NewThing/size: a required field was added",
      ]),
    );
  });

  it("an enum used both ways: a new value breaks answers, a removed one breaks requests", () => {
    const added = edit((_, s) => {
      s.Kind = {
        type: "integer",
        enum: [0, 1, 2],
        "x-trustspec-enum": [
          { name: "Small", value: 0 },
          { name: "Large", value: 1 },
          { name: "Huge", value: 2 },
        ],
      };
    });
    expect(breaks(added)).toEqual(["Kind: may now answer 2"]);
    const removed = edit((_, s) => {
      s.Kind = { type: "integer", enum: [0], "x-trustspec-enum": [{ name: "Small", value: 0 }] };
    });
    expect(breaks(removed)).toEqual(
      expect.arrayContaining([
        "Kind.Large: the enum member was removed",
        "Kind: no longer accepts 1",
      ]),
    );
  });

  it("parameters: a new required one, an optional one made required, a removed one", () => {
    const after = edit((doc) => {
      const get = ((doc.paths as Doc)["/things/{id}"] as { get: { parameters: Doc[] } }).get;
      get.parameters = [
        { name: "id", in: "path", required: true, schema: { type: "integer" } },
        { name: "lang", in: "header", required: true, schema: { type: "string" } },
      ];
    });
    expect(breaks(after)).toEqual(
      expect.arrayContaining([
        "getThing query expand: the parameter was removed",
        "getThing header lang: a required parameter was added",
      ]),
    );
  });

  it("success statuses and moved operations break; a new operation does not", () => {
    const after = edit((doc) => {
      const paths = doc.paths as Record<string, Doc>;
      const post = paths["/things"]!.post as { responses: Doc };
      post.responses["200"] = post.responses["201"];
      delete post.responses["201"];
      paths["/other"] = {
        get: { operationId: "listOthers", responses: { "200": { description: "ok" } } },
      };
    });
    const all = compareApis(model(api()), model(after));
    expect(all.filter((c) => c.kind === "breaking").map((c) => `${c.where}: ${c.what}`)).toEqual([
      "createThing 201: the success status was removed",
      "createThing 200: a new success status widens the result type",
    ]);
    expect(all).toContainEqual({
      kind: "compatible",
      where: "listOthers",
      what: "new operation GET /other",
    });
  });

  it("unions: a new alternative breaks an answer, a lost one breaks a request", () => {
    const withUnions = (answer: string[], request: string[]) =>
      edit((doc, s) => {
        s.Other = { type: "object", properties: { x: { type: "string" } } };
        const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
        const paths = doc.paths as Record<string, Record<string, Record<string, Doc>>>;
        const json = (names: string[]) => ({
          "application/json": { schema: { anyOf: names.map(ref) } },
        });
        paths["/things/{id}"]!.get!.responses = {
          "200": { description: "ok", content: json(answer) },
        };
        paths["/things"]!.post!.requestBody = { required: true, content: json(request) };
      });
    const before = model(withUnions(["Thing"], ["NewThing", "Other"]));
    const after = model(withUnions(["Thing", "Other"], ["NewThing"]));
    expect(
      breakingChanges(before, after)
        .map((c) => `${c.where}: ${c.what}`)
        .sort(),
    ).toEqual([
      "createThing body: no longer accepts the alternative Other",
      "getThing 200: may now answer the alternative Other",
    ]);
    // The other way round, both only widen what they should.
    expect(breakingChanges(after, before)).toEqual([]);
  });

  it("every OpenAPI spec of the codegen manifest compares equal to itself", () => {
    const repo = join(import.meta.dirname, "..", "..", "..");
    const specs = readManifest(repo).filter((e) => e.kind === "openapi");
    expect(specs.map((e) => e.spec)).toContain("specs/dss-ums/openapi.yaml");
    for (const { spec } of specs) {
      const doc = parse(readFileSync(join(repo, spec), "utf8")) as Doc;
      expect(compareApis(model(doc), model(structuredClone(doc))), spec).toEqual([]);
    }
  });

  it("on the notification WSDL: equal to itself; a dropped element breaks the request", () => {
    const file = join(
      import.meta.dirname,
      "..",
      "..",
      "..",
      "specs",
      "dss-notification",
      "NotificationService.wsdl",
    );
    const text = readFileSync(file, "utf8");
    const options = { name: "N", source: "n.wsdl" };
    expect(compareApis(wsdlToModel(text, options), wsdlToModel(text, options))).toEqual([]);
    const dropped = text.replace(/<xs:element name="OperationCode"[\s\S]*?<\/xs:element>/, "");
    expect(dropped).not.toBe(text);
    const found = breakingChanges(wsdlToModel(text, options), wsdlToModel(dropped, options));
    expect(found.map((c) => c.what)).toContain("the field is no longer accepted");
    const action = text.replace(/soapAction="([^"]+)"/, 'soapAction="$1-v2"');
    expect(action).not.toBe(text);
    expect(
      breakingChanges(wsdlToModel(text, options), wsdlToModel(action, options)).map((c) => c.what),
    ).toEqual([expect.stringMatching(/^its SOAPAction is now /)]);
  });

  it("on the licence spec: a field dropped from Licence breaks every answer that carries it", () => {
    const root = join(import.meta.dirname, "..", "..", "..", "specs");
    const doc = parse(readFileSync(join(root, "licence", "openapi.yaml"), "utf8")) as Doc;
    const after = structuredClone(doc);
    const schemas = (after.components as { schemas: Schemas }).schemas;
    const licence = Object.entries(schemas).find(([, s]) => s.properties?.DaysLeft)!;
    delete licence[1].properties.DaysLeft;
    const found = breakingChanges(model(doc), model(after));
    expect(found).toContainEqual({
      kind: "breaking",
      where: `${licence[0]}/DaysLeft`,
      what: "the field was removed",
    });
  });
});
