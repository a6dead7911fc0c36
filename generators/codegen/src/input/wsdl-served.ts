import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * The WSDL as a service serves it, WCF's way: each schema document it reaches through a relative
 * `schemaLocation` (of `xs:import` or `xs:include`, in the WSDL or in a schema it reaches) is
 * served beside it at `?xsd=xsd0`, `?xsd=xsd1`, … (numbered in the order they are met), and every
 * such `schemaLocation` is rewritten to name that query, so a client that fetches `?wsdl` finds
 * every schema over HTTP. The endpoint turns `?xsd=xsdN` into the absolute URL it is served at.
 */
export interface ServedWsdl {
  /** The WSDL text with its schema locations rewritten (the text as read when there are none). */
  wsdl: string;
  /** The schema documents by their served name (`xsd0`, …), their locations rewritten alike. */
  documents: Record<string, string>;
}

const isRemote = (location: string) =>
  /^[a-z][a-z0-9+.-]*:/i.test(location) || location.includes("?");

const LOCATION = /(<(?:[\w.-]+:)?(?:import|include)\b[^>]*?\sschemaLocation\s*=\s*)(["'])(.*?)\2/g;

/** The WSDL `text` (at `file`) and the schema documents it reaches, ready to be served. */
export function servedWsdl(
  text: string,
  file: string | undefined,
  readText: (file: string) => string = (f) => readFileSync(f, "utf8"),
): ServedWsdl {
  if (!file) return { wsdl: text, documents: {} };
  const names = new Map<string, string>();
  const texts = new Map<string, string>();
  const queue: string[] = [];
  const rewrite = (source: string, at: string) =>
    source.replace(LOCATION, (whole, head: string, quote: string, location: string) => {
      if (!location || isRemote(location)) return whole;
      const path = resolve(dirname(at), location);
      let name = names.get(path);
      if (name === undefined) {
        name = `xsd${names.size}`;
        names.set(path, name);
        queue.push(path);
      }
      return `${head}${quote}?xsd=${name}${quote}`;
    });
  const wsdl = rewrite(text, resolve(file));
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    texts.set(names.get(path)!, rewrite(readText(path), path));
  }
  const documents: Record<string, string> = {};
  for (const name of [...texts.keys()].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3))))
    documents[name] = texts.get(name)!;
  return { wsdl, documents };
}
