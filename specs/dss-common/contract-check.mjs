// Holds the SOAP data contracts of this folder's XML Schemas to the REST specs that define the same
// types, so the two descriptions (written separately: no emitter turns TypeSpec into XML Schema)
// cannot drift apart. Used by the checks of ../dss-signservice and ../dss-ums-soap.
//
// What is compared, on the shape DataContractSerializer publishes:
// - a complex type's members (its xs:element particles) with the REST schema's properties (own
//   and through allOf), by name; a member typed with another compared type (or an ArrayOf it) must
//   reference that type's REST schema (directly, through anyOf/oneOf/allOf or as array items), one
//   typed with a built-in type must allow its JSON form (xs:int an int32, xs:dateTime a date-time);
// - an enumeration's members (xs:enumeration values, codes in ser:EnumerationValue appinfo) with
//   the REST enum's members (x-trustspec-enum of a numeric enum: names and codes in order; a
//   string enum: its values, as a set);
// - an enumeration of dictionary keys (SignatureParams, RequestParams) with a REST object's
//   properties.
// Every difference fails, unless a table the caller gives allows it, naming why; an allowance
// that no longer matches a difference fails too, so the table stays the list of what differs.

const XS = "http://www.w3.org/2001/XMLSchema";
const SER = "http://schemas.microsoft.com/2003/10/Serialization/";

const children = (el, local) =>
  Array.from(el.childNodes).filter(
    (n) => n.nodeType === 1 && n.namespaceURI === XS && n.localName === local,
  );
const below = (el, local) => Array.from(el.getElementsByTagNameNS(XS, local));
const ordinal = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
const local = (qname) => qname?.replace(/^[^:]*:/, "");

/**
 * The data contracts of XML Schema documents (their root xs:schema elements): complex types with
 * their members, ArrayOf types with their item type, enumerations with their members.
 * @param {...Element} schemas
 */
export function xsdContracts(...schemas) {
  const complexTypes = new Map();
  const arrays = new Map();
  const enumerations = new Map();
  for (const schema of schemas) {
    for (const t of children(schema, "complexType")) {
      const name = t.getAttribute("name");
      const members = below(t, "element").map((e) => ({
        name: e.getAttribute("name"),
        type: e.getAttribute("type"),
      }));
      if (name.startsWith("ArrayOf") && members.length === 1)
        arrays.set(name, local(members[0].type));
      else complexTypes.set(name, members);
    }
    for (const s of children(schema, "simpleType")) {
      enumerations.set(
        s.getAttribute("name"),
        below(s, "enumeration").map((e) => {
          const code = e.getElementsByTagNameNS(SER, "EnumerationValue")[0]?.textContent;
          return {
            name: e.getAttribute("value"),
            code: code === undefined ? undefined : Number(code),
          };
        }),
      );
    }
  }
  return { complexTypes, arrays, enumerations };
}

/** A REST schema's properties, own and through allOf (following $ref). */
export function restMembers(schemas, name) {
  const of = (schema) => [
    ...Object.entries(schema?.properties ?? {}),
    ...(schema?.allOf ?? []).flatMap((s) =>
      s.$ref ? of(schemas[s.$ref.split("/").pop()]) : Object.entries(s.properties ?? {}),
    ),
  ];
  return new Map(of(schemas[name]));
}

/** A REST enum's members: x-trustspec-enum (name, code), else the values of a string enum. */
export function restEnumeration(schemas, name) {
  const schema = schemas[name];
  if (schema?.["x-trustspec-enum"]) return schema["x-trustspec-enum"].map((m) => ({ ...m }));
  if (Array.isArray(schema?.enum)) return schema.enum.map((v) => ({ name: String(v), value: v }));
  return undefined;
}

/** The schema names a REST property schema references: itself, its unions, its array items. */
function references(schema, seen = new Set()) {
  if (!schema || typeof schema !== "object") return seen;
  if (schema.$ref) seen.add(schema.$ref.split("/").pop());
  for (const key of ["anyOf", "oneOf", "allOf"])
    for (const s of schema[key] ?? []) references(s, seen);
  if (schema.items) references(schema.items, seen);
  return seen;
}

/** The JSON forms a REST property schema allows: `type/format` and `$Name` of each schema reached. */
function forms(schemas, schema, seen = new Set()) {
  if (!schema || typeof schema !== "object") return seen;
  if (schema.$ref) {
    const name = schema.$ref.split("/").pop();
    seen.add(`$${name}`);
    if (!schemas[name]?.properties) forms(schemas, { ...schemas[name], $ref: undefined }, seen);
  }
  for (const t of [schema.type ?? []].flat()) seen.add(`${t}/${schema.format ?? ""}`);
  for (const key of ["anyOf", "oneOf", "allOf"])
    for (const s of schema[key] ?? []) forms(schemas, s, seen);
  return seen;
}

/** The JSON forms that carry an XML Schema built-in type (one of them must be allowed). */
const PRIMITIVES = {
  "xs:int": ["integer/int32"],
  "xs:long": ["integer/int64"],
  "xs:boolean": ["boolean/"],
  "xs:string": ["string/"],
  "xs:base64Binary": ["string/byte", "string/"],
  "xs:dateTime": ["$DssDateTime", "string/date-time"],
};

/**
 * Compares XSD data contracts with a REST spec's component schemas.
 * @param {{
 *   soap: ReturnType<typeof xsdContracts>;
 *   rest: Record<string, any>;
 *   pairs: { xsd: string; rest: string; as?: "type" | "enum" | "keys" }[];
 *   codes: "exact" | "printed" | "printed-or-order";
 *   ordinalOrder?: boolean;
 *   allowed?: { type: string; soap?: string; rest?: string; why: string }[];
 *   label: string;
 * }} options `codes`: "exact", every XSD member prints the REST code; "printed", where the XSD
 * prints one; "printed-or-order", where it prints none the REST code is the member's position
 * (WCF's numbering of an enum without explicit values). `ordinalOrder`: the members of each complex
 * type are in ordinal order (DataContractSerializer's order without DataMember Order). `allowed`:
 * the known differences, each a member only the SOAP side has (`soap`), only the REST side has
 * (`rest`), or both under other names, or, for an enumeration, a member (`soap`/`rest`) whose
 * code differs.
 * @returns {string[]} the differences not allowed, each a sentence
 */
export function compareContracts({ soap, rest, pairs, codes, ordinalOrder, allowed = [], label }) {
  const problems = [];
  const used = new Set();
  const restName = new Map(pairs.map((p) => [p.xsd, p.rest]));
  const allow = (type, side, member) => {
    const entry = allowed.find((a) => a.type === type && a[side] === member);
    if (entry) used.add(`${allowed.indexOf(entry)}:${side}`);
    return !!entry;
  };
  const compareNames = (type, soapNames, restNames) => {
    for (const m of soapNames)
      if (!restNames.includes(m) && !allow(type, "soap", m))
        problems.push(`${type}.${m}: ${label} has no member ${m} (it has ${restNames.join(", ")})`);
    for (const m of restNames)
      if (!soapNames.includes(m) && !allow(type, "rest", m))
        problems.push(
          `${type}: ${label} has the member ${m}, the XSD has not (it has ${soapNames.join(", ")})`,
        );
  };
  for (const { xsd, rest: name, as = "type" } of pairs) {
    if (!rest[name]) {
      problems.push(`${xsd}: ${label} has no schema ${name}`);
      continue;
    }
    if (as === "type") {
      const members = soap.complexTypes.get(xsd);
      if (!members) {
        problems.push(`${xsd}: no such complex type in the XSD`);
        continue;
      }
      const names = members.map((m) => m.name);
      if (ordinalOrder && JSON.stringify(names) !== JSON.stringify([...names].sort(ordinal)))
        problems.push(`${xsd}: members in ordinal order`);
      const props = restMembers(rest, name);
      compareNames(xsd, names, [...props.keys()]);
      for (const m of members) {
        const renamed = allowed.find((a) => a.type === xsd && a.soap === m.name && a.rest);
        const prop = props.get(renamed ? renamed.rest : m.name);
        if (!prop) continue;
        if (PRIMITIVES[m.type]) {
          const allowedForms = forms(rest, prop);
          if (!PRIMITIVES[m.type].some((f) => allowedForms.has(f)))
            problems.push(
              `${xsd}.${m.name}: typed ${m.type} in the XSD, but ${label}'s property allows ${[...allowedForms].join(", ") || "any JSON"}`,
            );
          continue;
        }
        const target = local(m.type);
        const expected = restName.get(soap.arrays.get(target) ?? target);
        if (!expected) continue;
        const refs = references(prop);
        if (!refs.has(expected))
          problems.push(
            `${xsd}.${m.name}: typed ${target} in the XSD, but ${label}'s property references ${[...refs].join(", ") || "no schema"}, not ${expected}`,
          );
      }
    } else if (as === "keys") {
      const keys = soap.enumerations.get(xsd);
      if (!keys) {
        problems.push(`${xsd}: no such enumeration in the XSD`);
        continue;
      }
      compareNames(
        xsd,
        keys.map((k) => k.name),
        [...restMembers(rest, name).keys()],
      );
    } else {
      const members = soap.enumerations.get(xsd);
      const restEnum = restEnumeration(rest, name);
      if (!members || !restEnum) {
        problems.push(`${xsd}: an enumeration on both sides`);
        continue;
      }
      const soapNames = members.map((m) => m.name);
      const restNames = restEnum.map((m) => m.name);
      const numeric = restEnum.every((m) => typeof m.value === "number");
      if (!numeric) {
        // A string enum: the names are the contract, not their order.
        compareNames(xsd, soapNames, restNames);
        continue;
      }
      if (JSON.stringify(soapNames) !== JSON.stringify(restNames)) {
        problems.push(
          `${xsd}: the members of ${label}'s ${name} in order (${restNames.join(", ")}), found ${soapNames.join(", ")}`,
        );
        continue;
      }
      for (const [i, m] of members.entries()) {
        const want = restEnum[i].value;
        const ok =
          m.code === undefined
            ? codes === "printed" || (codes === "printed-or-order" && want === i)
            : m.code === want;
        if (!ok && !allow(xsd, "soap", m.name))
          problems.push(
            `${xsd}.${m.name}: code ${m.code ?? `not printed (position ${i})`} in the XSD, ${want} in ${label}`,
          );
      }
    }
  }
  // An allowance holds only while each side it names still differs.
  for (const [i, a] of allowed.entries())
    if ((a.soap && !used.has(`${i}:soap`)) || (a.rest && !used.has(`${i}:rest`)))
      problems.push(
        `${a.type}: the allowed difference ${a.soap ?? "-"} / ${a.rest ?? "-"} (${a.why}) no longer occurs: remove it from the table`,
      );
  return problems;
}
