import type { DssSignHandlers } from "../../generated/signserver/server.gen.js";
import { actionName } from "../../policy.js";
import { checkDtbsDocument } from "../dtbs.js";
import { DssEmulatorError } from "../errors.js";
import { decodeBase64, guard, type SignServerContext, signatureTypeName } from "./context.js";

/**
 * The transaction operation: records an operation to confirm (guide, §6.2), with the document
 * and parameters that the confirmed operation will then use. A transaction with `DocumentType`
 * = `dtbs` must carry a displayed-data document (§6.4); nothing is recorded otherwise.
 */
export function transactionHandlers(
  ctx: SignServerContext,
): Pick<DssSignHandlers, "createTransaction"> {
  const { state } = ctx;
  return {
    createTransaction: ({ request, body }) =>
      guard(() => {
        const p = ctx.who(request);
        const action = actionName(body.OperationCode);
        if (action === undefined || action === "Issue") {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "OperationCode must be a DSSActions member other than Issue.",
          );
        }
        const parameters: Record<string, string> = {};
        for (const { Name, Value } of body.Parameters ?? []) parameters[Name] = Value;
        if (parameters.CertificateID !== undefined) {
          const id = Number(parameters.CertificateID);
          const c = Number.isInteger(id) ? state.certificates.get(id) : undefined;
          if (!c || c.owner !== p.user.login) {
            throw new DssEmulatorError(
              400,
              "invalid_parameters",
              "CertificateID names no certificate of the user.",
            );
          }
        }
        if (
          parameters.SignatureType !== undefined &&
          !signatureTypeName(parameters.SignatureType)
        ) {
          throw new DssEmulatorError(
            400,
            "invalid_parameters",
            "SignatureType is not a SignatureType.",
          );
        }
        const document =
          body.Document !== undefined
            ? decodeBase64(body.Document, "invalid_parameters", "Document")
            : undefined;
        checkDtbsDocument(parameters, document);
        const tx = state.createTransaction({
          owner: p.user.login,
          action,
          parameters,
          ...(document !== undefined ? { document } : {}),
          ...(body.Documents !== undefined
            ? {
                documents: body.Documents.map((d, i) => ({
                  ...(d.Name !== undefined ? { Name: d.Name } : {}),
                  Content: decodeBase64(d.Content, "invalid_parameters", `Documents[${i}].Content`),
                })),
              }
            : {}),
        });
        return { status: 200, body: tx.id };
      }),
  };
}
