import { CommunicationIdentityClient } from "@azure/communication-identity";
import {
  ConfidentialClientApplication,
  LogLevel,
  PublicClientApplication,
  type Configuration,
} from "@azure/msal-node";
import { isGuid } from "../../core/ids.js";
import type { Descriptor } from "../sandbox/descriptor.js";

/*
 * The SDK clients a scenario drives, configured the way a user would: in intercept mode the real
 * authority and endpoints and nothing else; in server mode the sandbox authority plus `knownAuthorities`
 * (which also skips instance discovery) and the connection string the descriptor gives.
 */

const SPECIAL_TENANTS = ["common", "organizations", "consumers"];

/** The authority path segment for a tenant named in a scenario: world name → id; GUID, domain, common pass through. */
export function tenantSegment(descriptor: Descriptor, tenant: string): string {
  if (SPECIAL_TENANTS.includes(tenant) || tenant.includes(".") || isGuid(tenant)) return tenant;
  const found = descriptor.tenants.find((t) => t.name === tenant);
  if (!found) {
    throw new Error(
      `Unknown tenant "${tenant}": the world has ${descriptor.tenants.map((t) => t.name).join(", ")}`,
    );
  }
  return found.id;
}

/** Origin of the Entra endpoints as clients address them. */
export function entraOrigin(descriptor: Descriptor): string {
  return descriptor.mode === "server" ? descriptor.baseUrl : "https://login.microsoftonline.com";
}

export function authorityFor(descriptor: Descriptor, segment: string): string {
  return `${entraOrigin(descriptor)}/${segment}`;
}

function msalConfig(descriptor: Descriptor, clientId: string, segment: string): Configuration {
  return {
    auth: {
      clientId,
      authority: authorityFor(descriptor, segment),
      ...(descriptor.mode === "server" ? { knownAuthorities: [new URL(descriptor.baseUrl).host] } : {}),
    },
    system: {
      loggerOptions: { logLevel: LogLevel.Error, piiLoggingEnabled: false, loggerCallback: () => {} },
    },
  };
}

export function publicClient(
  descriptor: Descriptor,
  clientId: string,
  segment: string,
): PublicClientApplication {
  return new PublicClientApplication(msalConfig(descriptor, clientId, segment));
}

export function confidentialClient(
  descriptor: Descriptor,
  clientId: string,
  segment: string,
  clientSecret: string,
): ConfidentialClientApplication {
  const config = msalConfig(descriptor, clientId, segment);
  return new ConfidentialClientApplication({ ...config, auth: { ...config.auth, clientSecret } });
}

/** An Entra ID credential as the Identity SDK takes it (`@azure/core-auth`'s TokenCredential). */
export type TokenCredential = Extract<
  ConstructorParameters<typeof CommunicationIdentityClient>[1],
  { getToken: unknown }
>;

/**
 * The Identity SDK with the resource's connection string (HMAC), optionally pinned to an api-version;
 * with a credential, the resource's endpoint and Entra ID (bearer) authentication instead.
 */
export function identityClient(
  descriptor: Descriptor,
  acs: string,
  apiVersion?: string,
  credential?: TokenCredential,
): CommunicationIdentityClient {
  const resource = descriptor.acs.find((r) => r.name === acs);
  if (!resource) {
    throw new Error(
      `Unknown ACS resource "${acs}": the world has ${descriptor.acs.map((r) => r.name).join(", ")}`,
    );
  }
  // `apiVersion` is honoured by the SDK's generated client though its public options type omits it.
  const options = apiVersion ? ({ apiVersion } as object) : {};
  return credential
    ? new CommunicationIdentityClient(resource.endpoint, credential, options)
    : new CommunicationIdentityClient(resource.connectionString, options);
}
