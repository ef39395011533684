import type { AppRegistration, DirectoryDocument, Resource, Tenant, User } from "../directory.js";
import { hasServicePrincipal } from "./app-visibility.js";

/*
 * Consent: what has been consented, who may consent, when an admin's consent counts for the whole
 * organisation, and how accepting changes the directory (reference §4: the client app gets a service
 * principal in the user's tenant, and a delegated grant).
 */

/** Scopes of `resource` consented to `app` for `user` in `tenant`: tenant-wide grants plus the user's own. */
export function consentedScopes(
  tenant: Tenant,
  app: AppRegistration,
  resource: Resource,
  user: User,
): string[] {
  // Without the app's service principal in the tenant nothing was ever consented there.
  if (!hasServicePrincipal(tenant, app.clientId)) return [];
  const scopes = new Set<string>(
    app.preAuthorized?.find((p) => p.resourceAppId === resource.appId)?.scopes ?? [],
  );
  for (const g of tenant.grants) {
    if (g.clientAppId !== app.clientId || g.resourceAppId !== resource.appId) continue;
    if (g.principalId !== undefined && g.principalId !== user.objectId) continue;
    g.scopes.forEach((s) => scopes.add(s));
  }
  return [...scopes];
}

/**
 * The scopes a request asks consent for: those it names, plus, for `…/.default`, the permissions the
 * app registration lists for that resource (`requiredResourceAccess`).
 */
export function scopesAskedFor(
  app: AppRegistration,
  resource: Resource,
  names: readonly string[],
): { scopes: string[]; requestedDefault: boolean } {
  const explicit = names.filter((n) => n !== ".default");
  const requestedDefault = names.includes(".default");
  if (!requestedDefault) return { scopes: explicit, requestedDefault };
  const configured = app.requiredResourceAccess.find((r) => r.resourceAppId === resource.appId)?.scopes ?? [];
  return { scopes: [...new Set([...explicit, ...configured])], requestedDefault };
}

/** The user may consent themself under the tenant's policy ([infer] home-tenant apps count as verified). */
export function userMayConsent(
  tenant: Tenant,
  app: AppRegistration,
  resource: Resource,
  scopes: string[],
): boolean {
  const needsAdmin = scopes.some(
    (name) => resource.scopes.find((s) => s.name === name)?.adminConsentRequired,
  );
  if (needsAdmin) return false;
  switch (tenant.userConsentPolicy) {
    case "allowAll":
      return true;
    case "verifiedPublishersOnly":
      return app.verifiedPublisher || app.homeTenantId === tenant.id;
    case "none":
      return false;
  }
}

/**
 * Whether an admin's consent at a sign-in counts for the organisation. Reference §4: "`prompt=consent` by
 * an admin makes it tenant-wide". [infer] It does too when users may not consent for themselves: the
 * admin's answer then stands for everyone, as the admin consent endpoint's would.
 */
export function consentCountsForOrganization(
  who: { adminMayConsent: boolean; userMayConsent: boolean },
  promptParam: string | undefined,
): boolean {
  return who.adminMayConsent && (promptParam === "consent" || !who.userMayConsent);
}

/** Accepted consent of one resource's scopes; `user` undefined for the organisation. */
export interface AcceptedConsent {
  tenant: Tenant;
  app: AppRegistration;
  resourceAppId: string;
  scopes: string[];
  user: User | undefined;
}

/**
 * The directory change accepting consent makes: the client app gets a service principal in the
 * tenant (when it has none), and a delegated grant, tenant-wide or for this user only.
 */
export function consentEdit(consent: AcceptedConsent): (doc: DirectoryDocument) => void {
  const { tenant, app, user } = consent;
  return (doc) => {
    const t = doc.tenants[tenant.name];
    if (!t) return;
    const hasSp =
      hasServicePrincipal(tenant, app.clientId) ||
      t.servicePrincipals.includes(app.name) ||
      t.servicePrincipals.includes(app.clientId);
    if (!hasSp) {
      t.servicePrincipals = [...t.servicePrincipals, app.name];
    }
    t.grants = [
      ...t.grants,
      {
        client: app.name,
        resource: consent.resourceAppId,
        scopes: consent.scopes,
        ...(user ? { user: user.name } : {}),
      },
    ];
  };
}
