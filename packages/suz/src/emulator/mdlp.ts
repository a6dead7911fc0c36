import { createHash } from "node:crypto";
import { HttpError } from "@trustspec/runtime/server";
import type { MdlpTokenContext, MdlpTokenReply, SuzHandlers } from "../generated/server.gen.js";
import { certificateIds } from "../signing/certificates.js";
import { inspectCmsSignature } from "../signing/verify.js";
import { registeredInstallation, type SuzHandlerContext } from "./context.js";
import type { MdlpCode } from "./state.js";

/**
 * The ИС МДЛП sign-in: an authentication code for a client and user, then a token for an
 * installation in exchange for the code with the user's password (PASSWORD) or the code signed
 * by the certificate `user_id` names (SIGNED_CODE).
 */
export function mdlpHandlers(ctx: SuzHandlerContext): Pick<SuzHandlers, "mdlpAuth" | "mdlpToken"> {
  const { state } = ctx;
  return {
    mdlpAuth: (call) => {
      const { client_id, client_secret, user_id, auth_type } = call.body;
      const client = ctx.mdlpClients.find(
        (c) => c.clientId.toLowerCase() === client_id.toLowerCase(),
      );
      if (!client || !secretEquals(client.clientSecret, client_secret)) {
        throw new HttpError(400, "Unknown client_id or wrong client_secret", "INVALID_CLIENT");
      }
      if (auth_type === "PASSWORD" && !ctx.mdlpUsers.some((u) => u.userId === user_id.trim())) {
        throw new HttpError(400, "Unknown user_id", "INVALID_USER");
      }
      const code = state.newCode({
        clientId: client.clientId,
        userId: user_id.trim(),
        authType: auth_type,
      });
      return { status: 200, body: { code: code.code } };
    },

    mdlpToken: async (call): Promise<MdlpTokenReply> => {
      const code = state.takeCode(call.body.code);
      if (!code)
        throw new HttpError(400, "Unknown, used or expired authentication code", "INVALID_CODE");
      if (code.authType === "PASSWORD") checkPassword(ctx, code, call.body);
      else await checkSignedCode(ctx, code, call.body);
      const installation = registeredInstallation(state, call.path.omsConnection);
      const record = state.issueToken(installation.omsConnection, "mdlp");
      ctx.log(`issued an ИС МДЛП token for ${installation.omsConnection}`);
      return {
        status: 200,
        body: { token: record.token, life_time: state.timing.mdlpTokenLifetimeMinutes },
      };
    },
  };
}

/** PASSWORD: the password of the user the code was issued for. */
function checkPassword(ctx: SuzHandlerContext, code: MdlpCode, body: MdlpTokenContext["body"]) {
  if (!("password" in body)) {
    throw new HttpError(400, "The code was issued for PASSWORD: send password", "INVALID_REQUEST");
  }
  const user = ctx.mdlpUsers.find((u) => u.userId === code.userId);
  if (!user || !secretEquals(user.password, body.password)) {
    throw new HttpError(400, "Wrong password", "INVALID_PASSWORD");
  }
}

/** SIGNED_CODE: the code signed (attached or detached) by the certificate `user_id` names. */
async function checkSignedCode(
  ctx: SuzHandlerContext,
  code: MdlpCode,
  body: MdlpTokenContext["body"],
) {
  if (!("signature" in body)) {
    throw new HttpError(
      400,
      "The code was issued for SIGNED_CODE: send signature",
      "INVALID_REQUEST",
    );
  }
  const signature = body.signature;
  const bytes = new TextEncoder().encode(code.code);
  let attached = false;
  try {
    attached = inspectCmsSignature(signature).attached;
  } catch (error) {
    throw new HttpError(
      400,
      `signature is not a base64 CMS signature: ${(error as Error).message}`,
      "BAD_SIGNATURE",
    );
  }
  const result = await ctx.verify(signature, attached ? undefined : bytes, "signature");
  if (result.valid && attached && !Buffer.from(result.content!).equals(Buffer.from(bytes))) {
    throw new HttpError(400, "The signature is of other data than the code", "BAD_SIGNATURE");
  }
  if (!result.valid)
    throw new HttpError(
      400,
      `The signature of the code does not verify: ${result.reason}`,
      "BAD_SIGNATURE",
    );
  const ids = certificateIds(result.signerCertificate!);
  const userId = code.userId.toUpperCase();
  if (userId !== ids.thumbprint && code.userId !== ids.serialNumber) {
    throw new HttpError(
      400,
      "The signer's certificate is not the one user_id names",
      "INVALID_USER",
    );
  }
}

/** Compares secrets by their SHA-256, so that the time taken does not depend on where they differ. */
function secretEquals(a: string, b: string): boolean {
  const x = createHash("sha256").update(a).digest();
  const y = createHash("sha256").update(b).digest();
  return x.equals(y);
}
