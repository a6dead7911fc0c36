import type { ApiModel, SoapOperationModel, XmlElementModel } from "../model.js";
import { doc, header, importUsedTypes, tsType } from "./ts.js";
import { type ValidatorNames, validatorNames } from "./validators.js";

/**
 * Emitters of the SOAP side: the XML descriptors the runtime codec reads (`xml.gen.ts`), the
 * service descriptor with the WSDL (`soap.gen.ts`), and the typed client, server stub and MSW
 * handlers over @trustspec/runtime/soap.
 */

function xml(model: ApiModel) {
  if (!model.xml) throw new Error(`${model.source}: no XML types in the model`);
  return model.xml;
}

function soap(model: ApiModel) {
  if (!model.soap) throw new Error(`${model.source}: no SOAP service in the model`);
  return model.soap;
}

/** `xml.gen.ts`: every XML type and global element as a descriptor of the runtime's codec. */
export function emitXml(model: ApiModel): string {
  const { types, xsdNames, elements } = xml(model);
  const out = [
    header(model.source),
    'import type { XmlElementDescriptor, XmlName, XmlTypes } from "@trustspec/runtime/soap";',
    "",
    doc(
      "The XML types of the schema, by TypeScript name: how each is read from and written to XML.",
    ),
    `export const xmlTypes: XmlTypes = ${JSON.stringify(types, null, 2)};`,
    "",
    doc("The XSD name each type was declared with."),
    `export const xsdNames: Readonly<Record<string, XmlName>> = ${JSON.stringify(xsdNames, null, 2)};`,
    "",
    doc("The global elements of the schema."),
    `export const xmlElements = ${JSON.stringify(elements, null, 2)} as const satisfies Record<string, XmlElementDescriptor>;`,
    "",
  ];
  return out.join("\n");
}

/** The TypeScript type of an element's value. */
export function elementTsType(el: XmlElementModel): string {
  if ("ref" in el.type) return el.nillable ? `${el.type.ref} | null` : el.type.ref;
  const t = tsType(
    el.type.scalar === "integer" || el.type.scalar === "number"
      ? { type: "number" }
      : el.type.scalar === "boolean"
        ? { type: "boolean" }
        : el.type.scalar === "string"
          ? { type: "string" }
          : {},
  );
  return el.nillable ? `${t} | null` : t;
}

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);

/** The function name of an operation in the client (`Notify` -> `notify`). */
export function soapFunctionName(op: SoapOperationModel): string {
  return lowerFirst(op.name);
}

/** An element's descriptor; one with a schema carries its compiled validator (`v.validate<Name>`). */
function elementDescriptor(
  el: XmlElementModel,
  model: ApiModel,
  validators: ValidatorNames,
): Record<string, unknown> {
  const d: Record<string, unknown> = { name: el.name, type: el.type, nillable: el.nillable };
  if (el.schema) {
    d.schema = el.schema;
    d.validate = `\u0002${validators.nameOf({ $ref: `${model.bundleId}#/$defs/${el.schema}` })}`;
  }
  return d;
}

/** `soap.gen.ts`: the service descriptor (binding, actions, elements) and the WSDL text. */
export function emitSoapService(model: ApiModel): string {
  const s = soap(model);
  const validators = validatorNames(model);
  const operations: Record<string, unknown> = {};
  for (const op of s.operations) {
    const d: Record<string, unknown> = {
      name: op.name,
      action: op.action,
      input: elementDescriptor(op.input, model, validators),
    };
    // The input action matters only where the binding uses addressing (it is then `wsa:Action`).
    if (s.addressing && op.inputAction && op.inputAction !== op.action)
      d.inputAction = op.inputAction;
    if (op.outputAction) d.outputAction = op.outputAction;
    if (op.output) d.output = elementDescriptor(op.output, model, validators);
    if (op.faults) d.faults = op.faults;
    operations[op.name] = d;
  }
  const descriptor: Record<string, unknown> = {
    name: s.serviceName,
    version: s.version,
    ...(s.addressing ? { addressing: true } : {}),
    ...(s.address ? { address: s.address } : {}),
    targetNamespace: s.targetNamespace,
  };
  const body = JSON.stringify(descriptor, null, 2)
    .replace(
      /\n}$/,
      `,\n  "types": xmlTypes,\n  "operations": ${JSON.stringify(operations, null, 2).replace(/\n/g, "\n  ")}\n}`,
    )
    .replace(/"\\u0002(\w+)"/g, "v.$1");
  return [
    header(model.source),
    'import type { SoapServiceDescriptor } from "@trustspec/runtime/soap";',
    ...(validators.entries.length > 0 ? ['import * as v from "./validators.gen.js";'] : []),
    'import { xmlTypes } from "./xml.gen.js";',
    "",
    doc(
      `The ${s.serviceName} service (port ${s.portName}, binding ${s.bindingName}, SOAP ${s.version}${s.addressing ? " with WS-Addressing 1.0" : ""}, document/literal).`,
    ),
    `export const service: SoapServiceDescriptor = ${body};`,
    "",
    doc("The WSDL the service was generated from, as served at `?wsdl`."),
    `export const wsdl = ${JSON.stringify(s.wsdl)};`,
    "",
    ...(s.schemaDocuments
      ? [
          doc(
            "The schema documents the WSDL imports, served beside it at `?xsd=<name>` (WCF's names); each `schemaLocation` names its served copy.",
          ),
          `export const schemaDocuments: Readonly<Record<string, string>> = ${JSON.stringify(s.schemaDocuments, null, 2)};`,
          "",
        ]
      : []),
  ].join("\n");
}

function typeNames(model: ApiModel): string[] {
  return model.schemas.map((s) => s.name);
}

/** `client.gen.ts`: a client factory and one function per operation. */
export function emitSoapClient(model: ApiModel): string {
  const s = soap(model);
  const n = model.name;
  const fns: string[] = [];
  for (const op of s.operations) {
    const input = elementTsType(op.input);
    const output = op.output ? elementTsType(op.output) : "void";
    fns.push(
      doc(
        op.description,
        `Calls \`${op.name}\`: sends the \`${op.input.name.local}\` element with SOAPAction \`${op.action}\`${op.output ? ` and resolves to the \`${op.output.name.local}\` element` : ""}.`,
        "@throws SoapFaultError for a SOAP fault; ValidationError when the input or the answer breaks the schema; TimeoutError, AbortError, TransportError",
      ),
      `export function ${soapFunctionName(op)}(\n  client: ${n}Client,\n  input: ${input},\n  options?: SoapCallOptions,\n): Promise<${output}> {\n  return callSoapOperation<${output}>(client, ${JSON.stringify(op.name)}, input, options);\n}`,
      "",
    );
  }
  const body = fns.join("\n");
  const out = [
    header(model.source),
    "import {",
    "  type SoapCallOptions,",
    "  type SoapClient,",
    "  type SoapClientOptions,",
    "  callSoapOperation,",
    "  createSoapClient,",
    '} from "@trustspec/runtime/soap";',
    'import { service } from "./soap.gen.js";',
    importUsedTypes(typeNames(model), body, "./types.gen.js"),
    "",
  ];
  if (s.address) {
    out.push(
      doc("The address the WSDL names for the service."),
      `export const default${n}Url = ${JSON.stringify(s.address)};`,
      "",
    );
  }
  out.push(
    doc(
      `A client made for the ${s.serviceName} SOAP service: its operation functions take it, those of any other service refuse it at compile time. The brand is a type only.`,
    ),
    `export type ${n}Client = SoapClient<${JSON.stringify(n)}>;`,
    "",
    doc(
      `A client of the ${s.serviceName} SOAP service. Pass it to the operation functions.`,
      s.address ? `\`url\` defaults to \`${s.address}\`.` : undefined,
    ),
    `export function create${n}Client(options: SoapClientOptions = {}): ${n}Client {`,
    `  return createSoapClient<${JSON.stringify(n)}>(service, options);`,
    "}",
    "",
    body,
  );
  return out.join("\n");
}

/** Whether an element's value is an object without members (its handler may answer nothing). */
function isEmpty(model: ApiModel, el: XmlElementModel | undefined): boolean {
  if (!el || !("ref" in el.type)) return false;
  const t = model.xml?.types[el.type.ref];
  return t?.kind === "complex" && t.particles.length === 0 && t.attributes.length === 0 && !t.text;
}

/** `server.gen.ts`: the handler interface and the server stub's factory. */
export function emitSoapServer(model: ApiModel): string {
  const s = soap(model);
  const n = model.name;
  const lines: string[] = [];
  lines.push(
    doc(`What a server of the ${s.serviceName} service implements: one handler per operation.`),
  );
  lines.push(`export interface ${n}Handlers {`);
  for (const op of s.operations) {
    const output = op.output ? elementTsType(op.output) : "void";
    const answer = isEmpty(model, op.output) ? `${output} | undefined` : output;
    lines.push(
      doc(
        op.description,
        `\`${op.name}\` (SOAPAction \`${op.action}\`): receives the \`${op.input.name.local}\` element, decoded and checked against the schema${op.output ? `; answers the \`${op.output.name.local}\` element` : ""}. Throw a \`SoapFault\` to answer with a fault.`,
      )
        .replace(/^/gm, "  ")
        .trimEnd(),
    );
    lines.push(
      `  ${op.name}(ctx: SoapHandlerContext<${elementTsType(op.input)}>): ${answer} | Promise<${answer}>;`,
    );
  }
  lines.push("}", "");
  lines.push(
    doc(
      "The server stub: POST a SOAP envelope to call an operation, GET `?wsdl` for the WSDL.",
      "Malformed XML, DTDs and entities, a wrong SOAPAction, input that breaks the schema and an oversized body are answered with a SOAP fault; operations without a handler answer a fault with HTTP 501.",
    ),
  );
  lines.push(
    `export function create${n}Server(handlers: Partial<${n}Handlers>, options: SoapServerOptions = {}): Router {`,
    `  return createSoapServer(service, handlers, { defaultWsdl: wsdl, ${s.schemaDocuments ? "defaultSchemaDocuments: schemaDocuments, " : ""}...options });`,
    "}",
    "",
  );
  const body = lines.join("\n");
  return [
    header(model.source),
    'import type { Router } from "@trustspec/runtime/server";',
    "import {",
    "  type SoapHandlerContext,",
    "  type SoapServerOptions,",
    "  createSoapServer,",
    '} from "@trustspec/runtime/soap";',
    `import { ${s.schemaDocuments ? "schemaDocuments, " : ""}service, wsdl } from "./soap.gen.js";`,
    importUsedTypes(typeNames(model), body, "./types.gen.js"),
    "",
    body,
  ].join("\n");
}

/** `msw.gen.ts`: MSW 2 handlers that speak SOAP envelopes through the server stub. */
export function emitSoapMsw(model: ApiModel): string {
  const s = soap(model);
  const n = model.name;
  const samples = s.operations.some((op) => op.output?.schema && !isEmpty(model, op.output));
  const out = [
    header(model.source),
    ...(samples ? ['import { sampleFromSchema } from "@trustspec/runtime/core";'] : []),
    'import { toSoapMswHandlers } from "@trustspec/runtime/msw";',
    'import type { SoapServerOptions } from "@trustspec/runtime/soap";',
    'import type { HttpHandler } from "msw";',
    ...(samples ? ['import { schemas } from "./schemas.gen.js";'] : []),
    `import { type ${n}Handlers, create${n}Server } from "./server.gen.js";`,
    "",
    `export interface ${n}MockOptions {`,
    "  /** The URL the mocked service answers on (default: the address the WSDL names). */",
    "  url?: string;",
    "  /** Seed of the made-up answers: the same seed gives the same data. */",
    "  seed?: number;",
    "  /** Handlers that replace the default answers, per operation. */",
    `  overrides?: Partial<${n}Handlers>;`,
    "  /** Further server options; answers are checked against the schema unless changed here. */",
    "  server?: SoapServerOptions;",
    "}",
    "",
    doc(
      "Default answers: for each operation an answer made from the schema of its output element.",
    ),
    `export function default${n}Handlers(${samples ? "seed = 1" : "_seed = 1"}): ${n}Handlers {`,
    "  return {",
  ];
  s.operations.forEach((op, i) => {
    const answer = !op.output
      ? "undefined"
      : isEmpty(model, op.output)
        ? "({})"
        : op.output.schema
          ? `sampleFromSchema(schemas, ${JSON.stringify(op.output.schema)}, seed + ${i}) as never`
          : "undefined as never";
    out.push(`    ${op.name}: () => ${answer},`);
  });
  out.push("  };", "}", "");
  const url = s.address ?? "http://localhost/";
  out.push(
    doc(
      "MSW 2 request handlers for the service: envelopes are parsed, routed by SOAPAction and checked exactly as the server stub does.",
    ),
    `export function create${n}MockHandlers(options: ${n}MockOptions = {}): HttpHandler[] {`,
    `  const server = create${n}Server({ ...default${n}Handlers(options.seed), ...options.overrides }, options.server);`,
    `  return toSoapMswHandlers(server, options.url ?? ${JSON.stringify(url)});`,
    "}",
    "",
  );
  return out.join("\n");
}
