import type { Step } from "../scenario.js";
import { adminConsentInBrowser } from "../browser.js";
import { entraOrigin, tenantSegment } from "../clients.js";
import type { RunContext } from "../context.js";
import { redirectError, ServiceFailure } from "../errors.js";
import type { StepValue } from "../types.js";

type AdminConsentArgs = Extract<Step, { action: "adminConsent" }>["args"];

/**
 * Admin step 8: the tenant's administrator opens the admin consent URL the quickstart gives
 * (`/{tenant}/adminconsent?client_id=…`, or the v2.0 form with `scope=…/.default`) and approves or refuses.
 */
export async function adminConsent(ctx: RunContext, args: AdminConsentArgs): Promise<StepValue> {
  const descriptor = await ctx.descriptor();
  const app = await ctx.app(args.app);
  const admin = await ctx.user(args.admin);
  const segment = tenantSegment(descriptor, args.tenant);
  const url =
    args.version === "v2"
      ? new URL(`${entraOrigin(descriptor)}/${segment}/v2.0/adminconsent`)
      : new URL(`${entraOrigin(descriptor)}/${segment}/adminconsent`);
  url.searchParams.set("client_id", app.clientId);
  if (args.version === "v2")
    url.searchParams.set("scope", "https://auth.msft.communication.azure.com/.default");
  if (args.redirectUri) url.searchParams.set("redirect_uri", args.redirectUri);
  url.searchParams.set("state", "acs-sandbox-scenario");

  const landed = await adminConsentInBrowser(
    url.href,
    { upn: admin.upn, password: admin.password },
    args.approve,
  );
  const failure = redirectError(landed.searchParams);
  if (failure) throw new ServiceFailure(failure);
  // Consent creates service principals and grants: later steps must see the new world.
  ctx.worldChanged();
  return { kind: "none" };
}
