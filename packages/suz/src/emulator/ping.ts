import type { PingReply, SuzHandlers } from "../generated/server.gen.js";
import { omsError, type SuzHandlerContext } from "./context.js";

/** Ping, which checks the `clientToken` of an installation of this СУЗ. */
export function pingHandlers(ctx: SuzHandlerContext): Pick<SuzHandlers, "ping"> {
  const { state } = ctx;
  return {
    ping: (call): PingReply => {
      const token = call.request.headers.clienttoken;
      if (!token) return { status: 401, body: omsError("The clientToken header is missing", 401) };
      const checked = state.checkToken(token);
      if (checked.state === "expired")
        return { status: 401, body: omsError("The client token has expired", 401) };
      if (checked.state !== "valid") {
        return {
          status: 401,
          body: omsError("The client token is not valid (unknown or replaced by a newer one)", 401),
        };
      }
      const installation = state.installation(checked.record.omsConnection)!;
      if (installation.omsId !== call.query.omsId.toLowerCase()) {
        return {
          status: 403,
          body: omsError("The client token is for an installation of another СУЗ (omsId)", 403),
        };
      }
      return {
        status: 200,
        body: {
          omsId: call.query.omsId,
          apiVersion: "2.0.0",
          omsVersion: "trustspec-suz-emulator",
        },
      };
    },
  };
}
