import { ADMIN_STEP_1, ADMIN_STEP_2, ADMIN_STEP_7, ADMIN_STEP_8 } from "../../../mock-aad/errors.js";

/** The ACS first-party app (quickstart admin step 7 creates its service principal). */
const ACS_APP_ID = "1fd5118e-2576-4263-8130-9503064c837a";
import type { Descriptor } from "../../sandbox/descriptor.js";
import type { World } from "../../sandbox/world.js";

/*
 * The world as the inspector draws it: tenants with their users, service principals and grants; app
 * registrations; ACS resources; and, for every app and tenant, whether the tenant's users can use the app
 * for ACS and which quickstart admin step would change that.
 */

export interface AppInTenant {
  app: string;
  tenant: string;
  state: "ready" | "blocked" | "needs consent" | "home";
  detail: string;
  /** The quickstart admin step that changes this cell, when something is missing. */
  step?: string;
}

function nameOf(world: World, appId: string): string {
  const { directory } = world;
  return (
    directory.apps.find((a) => a.clientId === appId)?.name ??
    directory.resources.find((r) => r.appId === appId)?.displayName ??
    appId
  );
}

export interface IdentityView {
  id: string;
  createdAt: string;
  state: "active" | "deleted";
  tokensRevokedBefore?: string;
}

type IdentityRecordLike = {
  id: string;
  createdAtMs: number;
  deletedAtMs?: number;
  revokedAtSeconds?: number;
};

export function worldView(
  world: World,
  descriptor: Descriptor,
  identitiesOf: (resourceId: string) => IdentityRecordLike[] = () => [],
) {
  const { directory } = world;
  const tenants = directory.tenants.map((t) => ({
    name: t.name,
    id: t.id,
    domain: t.domain,
    displayName: t.displayName,
    userConsentPolicy: t.userConsentPolicy,
    users: t.users.map((u) => ({
      name: u.name,
      upn: u.upn,
      objectId: u.objectId,
      isAdmin: u.isAdmin,
      teamsLicense: u.teamsLicense,
      enabled: u.enabled,
      mfaRequired: u.mfaRequired,
    })),
    servicePrincipals: t.servicePrincipals.map((sp) => ({ appId: sp.appId, displayName: sp.displayName })),
    ...(t.servicePrincipals.some((sp) => sp.appId === ACS_APP_ID)
      ? {}
      : { missingAcsServicePrincipal: ADMIN_STEP_7 }),
    grants: t.grants.map((g) => ({
      client: nameOf(world, g.clientAppId),
      resource: nameOf(world, g.resourceAppId),
      scopes: g.scopes,
      consentedBy: g.principalId
        ? (t.users.find((u) => u.objectId === g.principalId)?.name ?? g.principalId)
        : "tenant-wide (admin)",
    })),
  }));
  const apps = directory.apps.map((a) => ({
    name: a.name,
    clientId: a.clientId,
    displayName: a.displayName,
    homeTenant: directory.tenants.find((t) => t.id === a.homeTenantId)?.name ?? a.homeTenantId,
    signInAudience: a.signInAudience,
    publicClientFlows: a.publicClientFlows,
    verifiedPublisher: a.verifiedPublisher,
    redirectUris: a.redirectUris,
    requiredResourceAccess: a.requiredResourceAccess.map((r) => ({
      resource: nameOf(world, r.resourceAppId),
      scopes: r.scopes,
    })),
    // The registration settings the quickstart's admin steps would change for an ACS Teams client.
    steps: [
      ...(a.signInAudience === "single" ? [`${ADMIN_STEP_1} to multitenant (users of other tenants)`] : []),
      ...(!a.publicClientFlows && a.requiredResourceAccess.some((r) => r.resourceAppId === ACS_APP_ID)
        ? [`${ADMIN_STEP_2} (password and device code sign-in)`]
        : []),
    ],
  }));
  const matrix: AppInTenant[] = directory.apps.flatMap((app) =>
    directory.tenants.map((tenant): AppInTenant => {
      const cell = { app: app.name, tenant: tenant.name };
      const home = tenant.id === app.homeTenantId;
      if (!home && app.signInAudience === "single") {
        return {
          ...cell,
          state: "blocked",
          detail: "single-tenant app: users of this tenant cannot sign in (AADSTS700016)",
          step: `${ADMIN_STEP_1} to multitenant`,
        };
      }
      const missing = app.requiredResourceAccess.filter(
        (r) => !tenant.servicePrincipals.some((sp) => sp.appId === r.resourceAppId),
      );
      if (missing.length > 0) {
        return {
          ...cell,
          state: "blocked",
          detail: `no service principal for ${missing.map((r) => nameOf(world, r.resourceAppId)).join(", ")} (AADSTS650052 / AADSTS500011)`,
          step: ADMIN_STEP_7,
        };
      }
      if (home) return { ...cell, state: "home", detail: "home tenant of the app" };
      const consented = app.requiredResourceAccess.every((r) =>
        tenant.grants.some(
          (g) => g.clientAppId === app.clientId && g.resourceAppId === r.resourceAppId && !g.principalId,
        ),
      );
      if (!consented) {
        return {
          ...cell,
          state: "needs consent",
          detail: "no tenant-wide consent: users see a consent prompt or AADSTS65001",
          step: ADMIN_STEP_8.replace("{tenant}", tenant.id).replace("{app}", app.clientId),
        };
      }
      return { ...cell, state: "ready", detail: "service principals present and admin consent granted" };
    }),
  );
  const acs = world.resources.map((r) => ({
    name: r.name,
    resourceId: r.resourceId,
    location: r.location,
    tenant: r.tenant,
    endpoint: descriptor.acs.find((d) => d.name === r.name)?.endpoint,
    roleAssignments: r.roleAssignments,
    identities: identitiesOf(r.resourceId).map((i): IdentityView => ({
      id: i.id,
      createdAt: new Date(i.createdAtMs).toISOString(),
      state: i.deletedAtMs !== undefined ? "deleted" : "active",
      ...(i.revokedAtSeconds !== undefined
        ? { tokensRevokedBefore: new Date(i.revokedAtSeconds * 1000).toISOString() }
        : {}),
    })),
  }));
  return { tenants, apps, matrix, acs };
}
