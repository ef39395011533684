import type { RunningSandbox } from "../../harness/index.js";

/** Every end-to-end test runs in both transports. */
export const MODES = ["intercept", "server"] as const;
export type Mode = (typeof MODES)[number];

/** Tenant id by world name. */
export function tenantId(sb: RunningSandbox, name: string): string {
  const tenant = sb.descriptor.tenants.find((t) => t.name === name);
  if (!tenant) throw new Error(`No tenant ${name} in the sandbox world`);
  return tenant.id;
}

export function clientId(sb: RunningSandbox, name: string): string {
  const app = sb.descriptor.apps.find((a) => a.name === name);
  if (!app) throw new Error(`No app ${name} in the sandbox world`);
  return app.clientId;
}

export function user(sb: RunningSandbox, name: string) {
  const found = sb.descriptor.users.find((u) => u.name === name);
  if (!found) throw new Error(`No user ${name} in the sandbox world`);
  return found;
}

/**
 * MSAL Node `auth` settings as a user would write them: the real authority and nothing else when
 * intercepting; the sandbox authority plus `knownAuthorities` (which skips instance discovery) on a port.
 */
export function msalAuth(sb: RunningSandbox, tenant: string) {
  const segment =
    /^[0-9a-f-]{36}$/i.test(tenant) || tenant.includes(".") || ["common", "organizations"].includes(tenant)
      ? tenant
      : tenantId(sb, tenant);
  const { baseUrl, mode } = sb.descriptor;
  return mode === "server"
    ? { authority: `${baseUrl}/${segment}`, knownAuthorities: [new URL(baseUrl).host] }
    : { authority: `https://login.microsoftonline.com/${segment}` };
}

/** @azure/identity credential options: none when intercepting; authority host and no discovery on a port. */
export function identityOptions(sb: RunningSandbox) {
  const { baseUrl, mode } = sb.descriptor;
  return mode === "server" ? { authorityHost: baseUrl, disableInstanceDiscovery: true } : {};
}

/**
 * The store a sandbox of this test run keeps its state in, as `GET /_sandbox/health` names it: memory,
 * unless the suite runs on PostgreSQL (`ACS_SANDBOX_TEST_STORE`, docs/team-sandbox.md).
 */
export function testStore(): "memory" | "postgres" {
  return process.env.ACS_SANDBOX_TEST_STORE ? "postgres" : "memory";
}
