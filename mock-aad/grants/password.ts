import { decide } from "../policy.js";
import { accountByUpn, checkNotLockedOut, recordPasswordOutcome } from "../policy/sign-in.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/** Resource owner password credentials (ROPC): the user's name and password in the request. */
export const passwordGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const scope = requireParam(g.body, "scope");
  const username = requireParam(g.body, "username");
  const password = requireParam(g.body, "password");
  // Smart lockout answers before anything else is looked at, even the client (it guards the account).
  const account = accountByUpn(g.ctx.directory(), username);
  if (account) await checkNotLockedOut(g.state.lockouts, account);
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
  // [infer] Only a complete grant starts the lockout count again: a right password refused later
  // (consent, MFA) leaves it as it was.
  if (account && decision.kind === "error" && decision.error.code === "AADSTS50126")
    await recordPasswordOutcome(g.state.lockouts, account, false);
  if (account && decision.kind === "grant") await recordPasswordOutcome(g.state.lockouts, account, true);
  return tokenResponse(grantOf(decision), g.mint, g.state, { clientInfo: g.body.client_info === "1" });
};
