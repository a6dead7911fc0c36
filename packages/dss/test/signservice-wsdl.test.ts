import { listen } from "@trustspec/runtime/server";
import soap from "soap";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateXML } from "xmllint-wasm";
import { createDssSignServiceServer } from "../src/generated/signservice/server.gen.js";

// What a WCF, Metro, zeep or node-soap client does with the Sign Service: fetch `?wsdl` and follow
// every `schemaLocation` over HTTP. The served set must be whole (each import an absolute URL the
// service answers, WCF's `?xsd=xsdN`) and compile as one schema set.
let server: Awaited<ReturnType<typeof listen>>;
let endpoint: string;
beforeAll(async () => {
  server = await listen(createDssSignServiceServer({}), { host: "127.0.0.1" });
  endpoint = `${server.url.replace(/\/$/, "")}/SignService.svc`;
});
afterAll(() => server.close());

const LOCATION = /<(?:[\w.-]+:)?(?:import|include)\b[^>]*?\sschemaLocation\s*=\s*(["'])(.*?)\1/g;

async function get(url: string): Promise<string> {
  const res = await fetch(url);
  expect(res.status, url).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/xml/);
  return res.text();
}

/** `?wsdl` and every document reached from it by `schemaLocation`, by URL, fetched over HTTP. */
async function crawl(): Promise<Map<string, string>> {
  const docs = new Map<string, string>();
  const queue = [`${endpoint}?wsdl`];
  for (let url = queue.shift(); url; url = queue.shift()) {
    if (docs.has(url)) continue;
    const text = await get(url);
    docs.set(url, text);
    for (const m of text.matchAll(LOCATION)) queue.push(m[2]!);
  }
  return docs;
}

describe("the Sign Service stub's ?wsdl", () => {
  it("names each schema document by an absolute ?xsd=xsdN URL of the endpoint, and serves it", async () => {
    const docs = await crawl();
    const urls = [...docs.keys()];
    expect(urls[0]).toBe(`${endpoint}?wsdl`);
    // SignServiceTypes.xsd, Arrays.xsd and DssCommon.xsd (imported and included by relative path).
    expect(urls.slice(1).sort()).toEqual([0, 1, 2].map((i) => `${endpoint}?xsd=xsd${i}`));
    for (const text of docs.values()) {
      for (const m of text.matchAll(LOCATION)) expect(m[2]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    }
    // The eight ports keep their place under the service it was fetched from; the identity
    // centre's address in the federation bindings keeps its path on this host.
    const wsdl = docs.get(`${endpoint}?wsdl`)!;
    const ports = [...wsdl.matchAll(/<soap12:address location="([^"]*)"/g)].map((m) => m[1]);
    expect(ports.sort()).toEqual(
      ["federation", "federation/nosc", "federation/transport", "federation/transport/nosc"]
        .flatMap((f) => [f, f.replace("federation", "token")])
        .map((kind) => `${endpoint}/${kind}`)
        .sort(),
    );
    const origin = new URL(endpoint).origin;
    expect(wsdl).toContain(`>${origin}/STS/Active.svc/username/transport<`);
  });

  it("answers an unknown ?xsd= name with a fault, not a document", async () => {
    const res = await fetch(`${endpoint}?xsd=xsd9`);
    expect(res.status).toBe(405);
  });

  it("compiles as one schema set (libxml2) and validates a request element", async () => {
    const docs = await crawl();
    // libxml2 in WebAssembly does not fetch over HTTP: each fetched document is handed to it under
    // a file name, and the URLs it was named by are replaced with that name.
    const names = new Map([...docs.keys()].map((url, i) => [url, `doc${i}.xsd`]));
    const local = (text: string) =>
      text.replace(LOCATION, (whole, _q: string, url: string) =>
        whole.replace(url, names.get(url) ?? url),
      );
    const wsdl = docs.get(`${endpoint}?wsdl`)!;
    const inline = /<(xs|xsd):schema\b[\s\S]*?<\/\1:schema>/.exec(wsdl)?.[0];
    expect(inline).toBeDefined();
    const declarations = [
      ...(/<wsdl:definitions\b([^>]*)>/.exec(wsdl)?.[1] ?? "").matchAll(
        /\sxmlns:([\w.-]+)\s*=\s*"([^"]*)"/g,
      ),
    ]
      .filter((m) => !new RegExp(`^<\\w+:schema\\b[^>]*\\sxmlns:${m[1]}=`).test(inline!))
      .map((m) => ` xmlns:${m[1]}="${m[2]}"`)
      .join("");
    const main = local(inline!).replace(/^<(\w+:schema)\b/, `<$1${declarations}`);
    const result = await validateXML({
      xml: [
        {
          fileName: "request.xml",
          contents: '<GetDSSPolicy xmlns="http://dss.cryptopro.ru/services/2014/06/"/>',
        },
      ],
      schema: [{ fileName: "main.xsd", contents: main }],
      preload: [...docs]
        .slice(1)
        .map(([url, text]) => ({ fileName: names.get(url)!, contents: local(text) })),
    });
    expect(result.errors.map((e) => e.rawMessage)).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("is read by node-soap from the served URL alone: the client knows every operation", async () => {
    const client = await soap.createClientAsync(`${endpoint}?wsdl`);
    const described = client.describe() as Record<string, Record<string, Record<string, unknown>>>;
    const port = Object.values(Object.values(described)[0]!)[0]!;
    expect(Object.keys(port)).toHaveLength(23);
    expect(port).toHaveProperty("GetDSSPolicy");
  });
});
