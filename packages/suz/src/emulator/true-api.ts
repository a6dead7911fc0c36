import { HttpError } from "@trustspec/runtime/server";
import type { SuzHandlers, TrueApiSimpleSignInReply } from "../generated/server.gen.js";
import { fromBase64 } from "../signing/signer.js";
import { inspectCmsSignature } from "../signing/verify.js";
import { registeredInstallation, type SuzHandlerContext } from "./context.js";

/**
 * The ГИС МТ (True API) sign-in: a challenge, then a token for an installation in exchange for
 * the challenge signed as an attached CMS.
 */
export function trueApiHandlers(
  ctx: SuzHandlerContext,
): Pick<SuzHandlers, "trueApiAuthKey" | "trueApiSimpleSignIn"> {
  const { state } = ctx;
  return {
    trueApiAuthKey: () => {
      const challenge = state.newChallenge();
      return { status: 200, body: { uuid: challenge.uuid, data: challenge.data } };
    },

    trueApiSimpleSignIn: async (call): Promise<TrueApiSimpleSignInReply> => {
      const challenge = state.takeChallenge(call.body.uuid);
      if (!challenge) throw new HttpError(400, "Unknown, used or expired uuid", "INVALID_UUID");
      const bytes = fromBase64(call.body.data);
      let attached = false;
      try {
        attached = bytes !== undefined && inspectCmsSignature(bytes).attached;
      } catch {
        attached = false;
      }
      if (!attached) {
        throw new HttpError(
          400,
          "data must be the challenge signed as an attached CMS, base64",
          "BAD_SIGNATURE",
        );
      }
      const result = await ctx.verify(
        call.body.data,
        new TextEncoder().encode(challenge.data),
        "data",
      );
      if (!result.valid)
        throw new HttpError(
          400,
          `The signed data does not verify: ${result.reason}`,
          "BAD_SIGNATURE",
        );
      const installation = registeredInstallation(state, call.path.omsConnection);
      const record = state.issueToken(installation.omsConnection, "trueApi");
      ctx.log(`issued a ГИС МТ token for ${installation.omsConnection}`);
      return { status: 200, body: { token: record.token } };
    },
  };
}
