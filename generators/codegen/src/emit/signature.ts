import type { ApiModel } from "../model.js";
import { doc, header } from "./ts.js";

/**
 * `signature.gen.ts`: how the API signs its answers, as the document's
 * `x-trustspec-response-signature` extension states it — header names, algorithm and what is
 * signed — so hand-written signing and verification code imports them instead of restating them.
 * An API without the extension gets no such file (`undefined`).
 */
export function emitSignature(model: ApiModel): string | undefined {
  const sig = model.responseSignature;
  if (!sig) return undefined;
  const name = `${model.name[0]!.toLowerCase()}${model.name.slice(1)}ResponseSignature`;
  const field = (comment: string, key: string, value: unknown) => [
    `  ${doc(comment).replace(/\n/g, "\n  ")}`,
    `  ${key}: ${JSON.stringify(value)},`,
  ];
  return [
    header(model.source),
    doc("How the API's answers are signed (the document's `x-trustspec-response-signature`)."),
    `export const ${name} = {`,
    ...field("The signature algorithm.", "algorithm", sig.algorithm),
    ...field(
      "The response header that carries the signature.",
      "signatureHeader",
      sig.signatureHeader,
    ),
    ...field(
      "Other names the signature header is accepted under.",
      "signatureHeaderAliases",
      sig.signatureHeaderAliases,
    ),
    ...field(
      "The request header whose value the answer echoes and the signature covers.",
      "queryIdHeader",
      sig.queryIdHeader,
    ),
    ...field("What the signature covers, in order.", "signedContent", sig.signedContent),
    "} as const;",
    "",
  ].join("\n");
}
