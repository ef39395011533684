import { isGuid } from "../core/ids.js";
import { AadError } from "./errors.js";
import type { Directory, Resource } from "./directory.js";

/** Scopes that ask for sign-in artefacts (id_token, refresh token), not for a resource. */
export const OIDC_SCOPES = ["openid", "profile", "email", "offline_access"] as const;
export type OidcScope = (typeof OIDC_SCOPES)[number];

/** Resource that bare scope names (`User.Read`) belong to, as in Entra. */
const DEFAULT_RESOURCE_URI = "https://graph.microsoft.com";

/** A `scope` parameter, split the way Entra reads it: sign-in scopes plus one resource's scopes. */
export interface RequestedScopes {
  oidc: Set<OidcScope>;
  /** Absent when only sign-in scopes were asked for. */
  resource:
    | {
        /** The resource part exactly as requested (`https://communication.azure.com/` for `…//.default`): v1 `aud`. */
        uri: string;
        /** Scope names on that resource; `.default` stands for every consented one. */
        names: string[];
      }
    | undefined;
}

function isOidcScope(scope: string): scope is OidcScope {
  return (OIDC_SCOPES as readonly string[]).includes(scope);
}

/** Resource identifiers compare without trailing slashes: `https://communication.azure.com/` is the data plane. */
export function sameResourceUri(a: string, b: string): boolean {
  return a.replace(/\/+$/, "").toLowerCase() === b.replace(/\/+$/, "").toLowerCase();
}

function splitScope(scope: string): { uri: string; name: string } | undefined {
  const slash = scope.lastIndexOf("/");
  if (slash < 0) return { uri: DEFAULT_RESOURCE_URI, name: scope };
  const uri = scope.slice(0, slash);
  const name = scope.slice(slash + 1);
  // A resource is a URI with a host (`https://x`, `api://guid`) or an app id; `https://host` alone is not a scope.
  const looksLikeResource = /^[a-z][a-z0-9+.-]*:\/\/[^/]+/i.test(uri) || isGuid(uri);
  return looksLikeResource && name !== "" ? { uri, name } : undefined;
}

/**
 * Parses a `scope` parameter. Errors: 70011 for a token that is not a scope, 700022 for scopes of two
 * resources in one request.
 *
 * @example
 * parseScopes("https://auth.msft.communication.azure.com/Teams.ManageCalls openid offline_access")
 * // { oidc: {openid, offline_access}, resource: { uri: "https://auth.msft.communication.azure.com", names: ["Teams.ManageCalls"] } }
 */
export function parseScopes(scope: string): RequestedScopes {
  const oidc = new Set<OidcScope>();
  let resource: RequestedScopes["resource"];
  for (const token of scope.split(/\s+/).filter(Boolean)) {
    if (isOidcScope(token)) {
      oidc.add(token);
      continue;
    }
    const split = splitScope(token);
    if (!split) throw new AadError("AADSTS70011", { scope: token });
    if (!resource) resource = { uri: split.uri, names: [] };
    else if (!sameResourceUri(resource.uri, split.uri)) throw new AadError("AADSTS700022", { scope: token });
    if (!resource.names.includes(split.name)) resource.names.push(split.name);
  }
  return { oidc, resource };
}

/** The resource an identifier names: an identifier URI (any trailing slashes) or its app id. */
export function findResource(directory: Directory, uri: string): Resource | undefined {
  return directory.resources.find(
    (r) =>
      r.appId.toLowerCase() === uri.toLowerCase() || r.identifierUris.some((u) => sameResourceUri(u, uri)),
  );
}

/** Scope names as the token response lists them: full URIs on the resource as requested. */
export function qualifiedScopes(resourceUri: string, names: readonly string[]): string[] {
  const base = resourceUri.endsWith("/") ? resourceUri : `${resourceUri}/`;
  return names.map((n) => `${base}${n}`);
}
