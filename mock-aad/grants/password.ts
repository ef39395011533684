import { findUserByUpn } from "../directory.js";
import { AadError } from "../errors.js";
import { decide } from "../policy.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/** Resource owner password credentials (ROPC): the user's name and password in the request. */
export const passwordGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const scope = requireParam(g.body, "scope");
  const username = requireParam(g.body, "username");
  const password = requireParam(g.body, "password");
  const account = findUserByUpn(g.ctx.directory(), username);
  if (account && g.state.lockouts.locked(account.user.objectId)) throw new AadError("AADSTS50053");
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
  if (account && decision.kind === "error" && decision.error.code === "AADSTS50126")
    g.state.lockouts.failed(account.user.objectId, account.tenant.lockout);
  if (account && decision.kind === "grant") g.state.lockouts.succeeded(account.user.objectId);
  return tokenResponse(grantOf(decision), g.mint, g.state, { clientInfo: g.body.client_info === "1" });
};
