import { decide } from "../policy.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/** Client credentials: an app-only token for `<resource>/.default`, with a secret or certificate assertion. */
export const clientCredentialsGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const scope = requireParam(g.body, "scope");
  const decision = await decide(
    {
      flow: "client_credentials",
      channel: "token",
      authority: g.authority,
      clientId,
      subject: { kind: "app" },
      scope,
      credential: g.credential,
      assertionAudiences: g.assertionAudiences,
      // A workload identity's federated token arrives as this grant's client assertion.
      ...(g.ctx.issuerKeys ? { issuerKeys: g.ctx.issuerKeys } : {}),
      now: g.ctx.clock.now(),
    },
    g.ctx.directory(),
  );
  return tokenResponse(grantOf(decision), g.mint, g.state, { clientInfo: false });
};
