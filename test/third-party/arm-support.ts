import { ClientSecretCredential, UsernamePasswordCredential } from "@azure/identity";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, identityOptions, tenantId, user } from "../support/modes.js";

/*
 * The world and credentials the ARM tests share: an admin tool Contoso registered (a public client with
 * Azure Service Management's user_impersonation, consented), so admins sign in by password as with
 * `az login --username`.
 */

export const ARM_WORLD = {
  extends: "default",
  tenants: {
    contoso: {
      users: { rita: { displayName: "Rita (reader)" } },
      grants: [
        { client: "contoso-calling", resource: "acs-clients", scopes: ["VoIP"] },
        { client: "contoso-admin", resource: "arm", scopes: ["user_impersonation"] },
      ],
    },
    fabrikam: {
      grants: [
        { client: "contoso-teams", resource: "acs", scopes: ["Teams.ManageCalls", "Teams.ManageChats"] },
        { client: "contoso-phone", resource: "acs", scopes: ["TeamsExtension.ManageCalls"] },
        { client: "contoso-admin", resource: "arm", scopes: ["user_impersonation"] },
      ],
      servicePrincipals: ["acs", "graph", "contoso-teams", "contoso-phone", "arm", "contoso-admin"],
    },
  },
  apps: {
    "contoso-admin": {
      tenant: "contoso",
      displayName: "Contoso admin tool",
      signInAudience: "multitenant",
      publicClientFlows: true,
      redirectUris: { publicClient: ["http://localhost"] },
      requiredResourceAccess: { arm: ["user_impersonation"] },
    },
  },
  subscriptions: {
    contoso: {
      roleAssignments: [
        { principal: "contoso/carol", role: "Owner" },
        { principal: "contoso/rita", role: "Reader" },
      ],
    },
  },
};

/** A user of the world signed in by password through the admin tool (ROPC). */
export function admin(sb: RunningSandbox, tenant: string, name: string) {
  return new UsernamePasswordCredential(
    tenantId(sb, tenant),
    clientId(sb, "contoso-admin"),
    user(sb, name).upn,
    user(sb, name).password,
    identityOptions(sb),
  );
}

/** Contoso's back end by client secret. */
export function backend(sb: RunningSandbox) {
  return new ClientSecretCredential(
    tenantId(sb, "contoso"),
    clientId(sb, "contoso-backend"),
    "contoso-backend-secret",
    identityOptions(sb),
  );
}

/** Subscription id by world name. */
export function subscriptionId(sb: RunningSandbox, name: string): string {
  const found = sb.descriptor.subscriptions.find((s) => s.name === name);
  if (!found) throw new Error(`No subscription ${name} in the sandbox world`);
  return found.id;
}

/** The resource group a resource's ARM id names. */
export function resourceGroupOf(armId: string): string {
  return /\/resourceGroups\/([^/]+)\//i.exec(armId)![1]!;
}
