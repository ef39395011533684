import { authenticateClient, mayBePublicFor } from "../client-auth.js";
import { AadError } from "../errors.js";
import { decide } from "../policy.js";
import { registeredApp } from "../policy/app-visibility.js";
import { tokenResponse } from "../token-response.js";
import { grantOf, requireParam, type GrantHandler } from "./context.js";

/** What MSAL sends (reference §1.3); the docs show the URN. Both are accepted. */
export const DEVICE_CODE_GRANT = "device_code";
export const DEVICE_CODE_GRANT_URN = "urn:ietf:params:oauth:grant-type:device_code";

/**
 * Device code polling: pending (70016) until the person finishes on the verification page, then the
 * tokens once; declined, expired (70019) or unknown (70018) codes end the polling. The client is
 * checked on every poll, so an app without public client flows learns it at once (7000218).
 */
export const deviceCodeGrant: GrantHandler = async (g) => {
  const clientId = requireParam(g.body, "client_id");
  const deviceCode = requireParam(g.body, "device_code");
  // The client proves itself on every poll, before the state of the code is told; the policy checks it
  // again when the code is approved.
  // [infer] An unknown app is named with the authority as sent: the code was issued through that authority.
  const app = registeredApp(g.ctx.directory(), clientId);
  if (!app) throw new AadError("AADSTS700016", { clientId, directory: g.authority });
  await authenticateClient({
    app,
    credential: g.credential,
    mayBePublic: mayBePublicFor("device_code", app),
    assertionAudiences: g.assertionAudiences,
    now: g.ctx.clock.now(),
  });
  const poll = await g.state.deviceCodes.poll(deviceCode);
  switch (poll.status) {
    case "pending":
      throw new AadError("AADSTS70016");
    case "expired":
      throw new AadError("AADSTS70019");
    case "declined":
      // [infer] code 65004 as mocks use it; `error` as the device code docs give it.
      throw new AadError("AADSTS65004").withError("authorization_declined");
    case "unknown":
    case "redeemed":
      throw new AadError("AADSTS70018");
    case "approved":
      break;
  }
  if (poll.request.clientId.toLowerCase() !== clientId.toLowerCase()) {
    throw new AadError("AADSTS70000", { reason: "The device code was issued to a different client." });
  }
  const decision = await decide(
    {
      flow: "device_code",
      channel: "token",
      authority: g.authority,
      clientId,
      subject: { kind: "user", tenantId: poll.tenantId, objectId: poll.userObjectId },
      scope: g.body.scope ?? poll.request.scopes.join(" "),
      credential: g.credential,
      assertionAudiences: g.assertionAudiences,
      now: g.ctx.clock.now(),
    },
    g.ctx.directory(),
  );
  return tokenResponse(grantOf(decision), g.mint, g.state, { clientInfo: g.body.client_info === "1" });
};
