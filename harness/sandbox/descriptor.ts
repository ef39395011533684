import { SANDBOX_ISSUER_PATH } from "../../mock-aad/federation.js";
import { APP_SERVICE_IDENTITY_HEADER, machineIdentities } from "../../mock-aad/managed-identity.js";
import { APP_SERVICE_TOKEN_PATH } from "../../mock-aad/routes/managed-identity.js";
import type { World } from "./world.js";

/**
 * Everything a client needs to point at a running sandbox. Printed by `serve --json`, served at
 * `GET /_sandbox/descriptor`, and returned by `startSandbox()`. Field names are a public interface.
 */
export interface Descriptor {
  mode: "intercept" | "server" | "handlers";
  /** Origin of the fake Entra ID and of the admin API. */
  baseUrl: string;
  /** Authority template: replace `{tenant}` with a tenant id, domain, `organizations` or `common`. */
  authority: string;
  /** PEM CA certificate path to trust (server mode); null when interception needs no TLS. */
  caCertPath: string | null;
  tenants: { name: string; id: string; domain: string; authority: string }[];
  apps: { name: string; clientId: string; tenant: string }[];
  users: {
    name: string;
    upn: string;
    password: string;
    objectId: string;
    tenant: string;
    teamsLicense: boolean;
    isAdmin: boolean;
  }[];
  /**
   * `resourceId` is the resource's immutable id (ARM's `properties.immutableResourceId`, the `resourceId`
   * ACS tokens carry); `armId` its Azure Resource Manager id (`/subscriptions/…/communicationServices/…`).
   */
  acs: { name: string; endpoint: string; connectionString: string; resourceId: string; armId: string }[];
  /** Azure subscriptions (Azure Resource Manager), each owned by a tenant. */
  subscriptions: { name: string; id: string; tenant: string }[];
  /**
   * Server mode: whether port 443 of the same address answers as well. MSAL Python drops the authority's
   * port when it asks for the user realm before a password sign-in, so it asks 443 whatever the port.
   */
  port443?: Port443;
  /** Managed identities of the world; `assigned` ones are the machine's (IMDS and App Service answer for them). */
  managedIdentities: {
    name: string;
    tenant: string;
    type: "systemAssigned" | "userAssigned";
    clientId: string;
    objectId: string;
    resourceId: string;
    assigned: boolean;
  }[];
  /**
   * Server mode: the listener is also an HTTPS proxy for the real hosts it plays (login.microsoftonline.com,
   * `<resource>.communication.azure.com`, IMDS), so `HTTPS_PROXY=<proxy>` points unmodified code at it.
   */
  proxy: string | null;
  /** The sandbox-hosted workload token issuer; `issuer: sandbox` in a federated credential names it. */
  workloadIssuer: string;
  /** Environment lines that point the Azure SDKs' ManagedIdentityCredential at the sandbox. */
  managedIdentityEnv: { imds: string[]; appService: string[] };
}

/**
 * Intercept mode answers at IMDS's own address (no variable needed for IMDS); on a port, the pod identity
 * variable that every SDK's IMDS source reads names the sandbox.
 */
export function managedIdentityEnv(
  mode: Descriptor["mode"],
  baseUrl: string,
): Descriptor["managedIdentityEnv"] {
  const origin = mode === "server" ? baseUrl : "http://169.254.169.254";
  return {
    imds: mode === "server" ? [`AZURE_POD_IDENTITY_AUTHORITY_HOST=${baseUrl}`] : [],
    appService: [
      `IDENTITY_ENDPOINT=${origin}${APP_SERVICE_TOKEN_PATH}`,
      `IDENTITY_HEADER=${APP_SERVICE_IDENTITY_HEADER}`,
    ],
  };
}

/**
 * The listener on 443: its origin, the address and port it holds, and in unmodified mode the host file
 * lines that send the real host names there; or why there is none and what to do about it.
 */
export type Port443 =
  | {
      listening: true;
      origin: string;
      /** The IP address port 443 is held on: an address of the sandbox's own on 127.0.0.0/8 unless `--host` named one. */
      address?: string;
      port?: 443;
      /** Unmodified mode: the `/etc/hosts` lines (address, then name) that point the real hosts at the sandbox. */
      hosts?: string[];
    }
  | { listening: false; reason: string; fix: string };

/**
 * The origin as a client must write it: an explicit default port is dropped (`https://localhost`, never
 * `https://localhost:443`). Azure SDKs sign the endpoint's host with its port (the HMAC `host` header)
 * while HTTP clients send `Host` without a default port, so a connection string with `:443` is denied.
 */
export function canonicalOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    // A Host header no URL can hold: echoed as sent, as before; the request fails further on.
    return origin;
  }
}

/**
 * How a resource is reached: its own host when intercepting or when the sandbox answers as the real Entra
 * host (unmodified mode), else the base URL (first) or a sub-host (others) on one port.
 */
export function acsEndpoint(mode: Descriptor["mode"], baseUrl: string, name: string, index: number): string {
  const real = new URL(baseUrl).hostname === "login.microsoftonline.com";
  if (mode !== "server" || real) {
    const port = real ? new URL(baseUrl).port : "";
    return `https://${name}.communication.azure.com${port ? `:${port}` : ""}/`;
  }
  if (index === 0) return `${baseUrl}/`;
  const url = new URL(baseUrl);
  url.hostname = `${name}.${url.hostname}`;
  return `${url.origin}/`;
}

export function buildDescriptor(
  world: World,
  mode: Descriptor["mode"],
  baseUrl: string,
  caCertPath: string | null,
  port443?: Port443,
): Descriptor {
  const { directory, resources } = world;
  baseUrl = canonicalOrigin(baseUrl);
  const tenantName = (id: string) => directory.tenants.find((t) => t.id === id)?.name ?? id;
  // Only one system-assigned identity is the machine's, whatever the world says.
  const onThisMachine = new Set(machineIdentities(directory));
  return {
    mode,
    baseUrl,
    authority: `${baseUrl}/{tenant}`,
    caCertPath,
    tenants: directory.tenants.map((t) => ({
      name: t.name,
      id: t.id,
      domain: t.domain,
      authority: `${baseUrl}/${t.id}`,
    })),
    apps: directory.apps.map((a) => ({
      name: a.name,
      clientId: a.clientId,
      tenant: tenantName(a.homeTenantId),
    })),
    users: directory.tenants.flatMap((t) =>
      t.users.map((u) => ({
        name: u.name,
        upn: u.upn,
        password: u.password,
        objectId: u.objectId,
        tenant: t.name,
        teamsLicense: u.teamsLicense,
        isAdmin: u.isAdmin,
      })),
    ),
    acs: resources.map((r, i) => {
      const endpoint = acsEndpoint(mode, baseUrl, r.name, i);
      return {
        name: r.name,
        endpoint,
        connectionString: `endpoint=${endpoint};accesskey=${r.primaryKey}`,
        resourceId: r.resourceId,
        armId: r.armId,
      };
    }),
    subscriptions: world.arm.subscriptions.map((s) => ({
      name: s.name,
      id: s.id,
      tenant: s.tenantId === undefined ? "" : tenantName(s.tenantId),
    })),
    ...(port443 ? { port443 } : {}),
    managedIdentities: directory.tenants.flatMap((t) =>
      t.managedIdentities.map((mi) => ({
        name: mi.name,
        tenant: t.name,
        type: mi.type,
        clientId: mi.clientId,
        objectId: mi.objectId,
        resourceId: mi.resourceId,
        assigned: onThisMachine.has(mi),
      })),
    ),
    proxy: mode === "server" ? baseUrl : null,
    workloadIssuer: `${baseUrl}${SANDBOX_ISSUER_PATH}`,
    managedIdentityEnv: managedIdentityEnv(mode, baseUrl),
  };
}
