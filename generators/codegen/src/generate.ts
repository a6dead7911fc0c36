import { emitClient, emitLiteClient } from "./emit/client.js";
import { emitMsw } from "./emit/msw.js";
import { emitLiteOperations, emitOperations } from "./emit/operations.js";
import { emitSchemas } from "./emit/schemas.js";
import { emitServer } from "./emit/server.js";
import { emitSignature } from "./emit/signature.js";
import {
  emitSoapClient,
  emitSoapMsw,
  emitSoapServer,
  emitSoapService,
  emitXml,
} from "./emit/soap.js";
import { emitTypes } from "./emit/types.js";
import { emitValidators } from "./emit/validators.js";
import { formatTypeScriptFiles } from "./format.js";
import type { ApiModel } from "./model.js";

/** The emitters, by output file. Each reads only the model; returning nothing writes no file. */
const emitters: Record<string, (model: ApiModel) => string | undefined> = {
  "types.gen.ts": emitTypes,
  "schemas.gen.ts": emitSchemas,
  "validators.gen.ts": emitValidators,
  "operations.gen.ts": emitOperations,
  "client.gen.ts": emitClient,
  "operations-lite.gen.ts": emitLiteOperations,
  "client-lite.gen.ts": emitLiteClient,
  "server.gen.ts": emitServer,
  "msw.gen.ts": emitMsw,
  "signature.gen.ts": emitSignature,
};

/** The emitters of a SOAP service (WSDL input). */
const soapEmitters: Record<string, (model: ApiModel) => string | undefined> = {
  "types.gen.ts": emitTypes,
  "schemas.gen.ts": emitSchemas,
  "validators.gen.ts": emitValidators,
  "xml.gen.ts": emitXml,
  "soap.gen.ts": emitSoapService,
  "client.gen.ts": emitSoapClient,
  "server.gen.ts": emitSoapServer,
  "msw.gen.ts": emitSoapMsw,
};

/** The emitters of a schema without a service (XSD input). */
const xsdEmitters: Record<string, (model: ApiModel) => string> = {
  "types.gen.ts": emitTypes,
  "schemas.gen.ts": emitSchemas,
  "xml.gen.ts": emitXml,
};

/** Renders every generated file of one API, formatted, keyed by file name. */
export function generateFiles(model: ApiModel): Map<string, string> {
  const files = new Map<string, string>();
  const chosen = model.soap ? soapEmitters : model.xml ? xsdEmitters : emitters;
  for (const [name, emit] of Object.entries(chosen)) {
    const text = emit(model);
    if (text !== undefined) files.set(name, text);
  }
  return formatTypeScriptFiles(files);
}
