import { ZodError } from "zod";
import type { Step } from "../scenario.js";
import { mergeWorld, type WorldDocument } from "../../sandbox/world.js";
import type { RunContext } from "../context.js";
import { ScenarioRuntimeError } from "../errors.js";
import type { StepValue } from "../types.js";

type Args<A extends Step["action"]> = Extract<Step, { action: A }>["args"];
type Tenant = WorldDocument["tenants"][string];

/*
 * World edits: what a tenant admin does in the portal or PowerShell (create the ACS service principal,
 * grant consent, flip "Allow public client flows"). They go through the World API, never the mocks'
 * internals: in place when intercepting, through `PUT /_sandbox/world` in server mode.
 */

function tenantOf(doc: WorldDocument, name: string): Tenant {
  const tenant = doc.tenants[name];
  if (!tenant)
    throw new ScenarioRuntimeError(
      `Unknown tenant "${name}": the world has ${Object.keys(doc.tenants).join(", ")}`,
    );
  return tenant;
}

function appOf(doc: WorldDocument, name: string) {
  const app = doc.apps[name];
  if (!app)
    throw new ScenarioRuntimeError(
      `Unknown app "${name}": the world has ${Object.keys(doc.apps).join(", ")}`,
    );
  return app;
}

async function edit(ctx: RunContext, change: (doc: WorldDocument) => void): Promise<StepValue> {
  try {
    await ctx.control.editWorld(change);
  } catch (err) {
    if (err instanceof ZodError) {
      throw new ScenarioRuntimeError(
        `The edit leaves an invalid world: ${err.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
      );
    }
    throw err;
  }
  ctx.worldChanged();
  return { kind: "none" };
}

export const worldEdits = {
  createServicePrincipal: (ctx: RunContext, a: Args<"createServicePrincipal">) =>
    edit(ctx, (doc) => {
      const tenant = tenantOf(doc, a.tenant);
      if (!tenant.servicePrincipals.includes(a.resource)) tenant.servicePrincipals.push(a.resource);
    }),
  deleteServicePrincipal: (ctx: RunContext, a: Args<"deleteServicePrincipal">) =>
    edit(ctx, (doc) => {
      const tenant = tenantOf(doc, a.tenant);
      tenant.servicePrincipals = tenant.servicePrincipals.filter((sp) => sp !== a.resource);
    }),
  grantConsent: (ctx: RunContext, a: Args<"grantConsent">) =>
    edit(ctx, (doc) => {
      appOf(doc, a.app);
      tenantOf(doc, a.tenant).grants.push({
        client: a.app,
        resource: a.resource,
        scopes: a.scopes,
        ...(a.user ? { user: a.user } : {}),
      });
    }),
  revokeConsent: (ctx: RunContext, a: Args<"revokeConsent">) =>
    edit(ctx, (doc) => {
      const tenant = tenantOf(doc, a.tenant);
      tenant.grants = tenant.grants.filter(
        (g) =>
          !(
            g.client === a.app &&
            (a.resource === undefined || g.resource === a.resource) &&
            (a.user === undefined || g.user === a.user)
          ),
      );
    }),
  setApp: (ctx: RunContext, { app, ...fields }: Args<"setApp">) =>
    edit(ctx, (doc) => {
      doc.apps[app] = mergeWorld(appOf(doc, app), fields) as WorldDocument["apps"][string];
    }),
  setUser: (ctx: RunContext, { tenant, user, ...fields }: Args<"setUser">) =>
    edit(ctx, (doc) => {
      const users = tenantOf(doc, tenant).users;
      const existing = users[user];
      if (!existing) throw new ScenarioRuntimeError(`Unknown user "${user}" in tenant "${tenant}"`);
      users[user] = mergeWorld(existing, fields) as Tenant["users"][string];
    }),
  setTenantPolicy: (ctx: RunContext, a: Args<"setTenantPolicy">) =>
    edit(ctx, (doc) => {
      tenantOf(doc, a.tenant).userConsentPolicy = a.userConsentPolicy;
    }),
};
