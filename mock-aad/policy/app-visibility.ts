import type { AppRegistration, Directory, Tenant } from "../directory.js";
import { AadError } from "../errors.js";
import type { Authority } from "./authority.js";

/*
 * Which app registrations a tenant can see. A multi-tenant app is visible from every tenant, a
 * single-tenant app only from its home tenant; through a segment that names no tenant every app is
 * visible until the user's home tenant is known (then {@link checkUsableInHomeTenant} applies).
 */

/** The registration with this client id (client ids are GUIDs: any case names the same app). */
export function registeredApp(directory: Directory, clientId: string): AppRegistration | undefined {
  const key = clientId.toLowerCase();
  return (
    directory.apps.find((a) => a.clientId.toLowerCase() === key) ??
    directory.firstPartyClients.find((a) => a.clientId === key)
  );
}

function visibleFrom(app: AppRegistration, tenant: Tenant): boolean {
  return app.signInAudience === "multitenant" || app.homeTenantId === tenant.id;
}

/**
 * The app a request names, as the authority's tenant sees it, or 700016 naming the directory looked in
 * (reference §3.3: "Application with identifier X was not found in the directory Y").
 */
export function visibleApp(
  directory: Directory,
  clientId: string,
  authority: Authority,
  segment: string,
): AppRegistration {
  const app = registeredApp(directory, clientId);
  if (app && (authority.kind !== "tenant" || visibleFrom(app, authority.tenant))) return app;
  throw new AadError("AADSTS700016", {
    clientId,
    directory: authority.kind === "tenant" ? authority.tenant.displayName : segment,
  });
}

/**
 * Through `/common` or `/organizations`, a single-tenant app signs in only users of its home tenant.
 * The interactive channel says so (50194, reference §3.3); the token channel reads as the app not being
 * found in the user's directory ([infer] there the app is looked up where the user lives).
 */
export function checkUsableInHomeTenant(
  app: AppRegistration,
  authority: Authority,
  userTenant: Tenant,
  channel: "token" | "authorize",
): void {
  if (authority.kind === "tenant" || visibleFrom(app, userTenant)) return;
  throw channel === "authorize"
    ? new AadError("AADSTS50194", { clientId: app.clientId, appName: app.displayName })
    : new AadError("AADSTS700016", { clientId: app.clientId, directory: userTenant.displayName });
}

/** Whether the tenant holds a service principal of the app (a client app after consent, or a resource). */
export function hasServicePrincipal(tenant: Tenant, appId: string): boolean {
  return tenant.servicePrincipals.some((sp) => sp.appId === appId);
}
