import { decide } from "../policy.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/** Resource owner password credentials (ROPC): the user's name and password in the request. */
export const passwordGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const scope = requireParam(g.body, "scope");
  const username = requireParam(g.body, "username");
  const password = requireParam(g.body, "password");
  const decision = await decide(
    {
      flow: "password",
      channel: "token",
      authority: g.authority,
      clientId,
      subject: { kind: "password", username, password },
      scope,
      credential: g.credential,
      assertionAudiences: g.assertionAudiences,
      now: g.ctx.clock.now(),
    },
    g.ctx.directory(),
  );
  return tokenResponse(grantOf(decision), g.mint, g.state, { clientInfo: g.body.client_info === "1" });
};
