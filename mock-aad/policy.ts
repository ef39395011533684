import { randomUUID } from "node:crypto";
import {
  authenticateClient,
  isPublicClient,
  type ClientAuthentication,
  type ClientCredential,
  type IssuerKeys,
} from "./client-auth.js";
import {
  findTenant,
  findUserByUpn,
  type AppRegistration,
  type Directory,
  type Resource,
  type Tenant,
  type User,
} from "./directory.js";
import { AadError } from "./errors.js";
import { GRAPH } from "./first-party.js";
import { findResource, parseScopes, type OidcScope } from "./scopes.js";

/*
 * The one place that decides "may user U of tenant T get scopes S of resource R for app A by flow F?".
 * Routes translate the decision into their wire form: the token endpoint into JSON, the authorize
 * endpoint into a redirect with `error=`, a consent page, or an error page.
 */

/** How the request arrived: the same misconfiguration reads differently at the token and authorize endpoints. */
export type Channel = "token" | "authorize";

export type Flow =
  | "password"
  | "client_credentials"
  | "refresh_token"
  | "on_behalf_of"
  | "authorization_code"
  | "device_code"
  /** The interactive `/authorize` sign-in, after the user authenticated on the login page. */
  | "authorize"
  /** `/adminconsent` and `prompt=consent` by an admin: consent is what is being asked for, not checked. */
  | "admin_consent";

/** Who the token is for. */
export type Subject =
  /** App-only (client credentials). */
  | { kind: "app" }
  /** Credentials to check now (ROPC). */
  | { kind: "password"; username: string; password: string }
  /** A user authenticated earlier: refresh token, OBO assertion, authorization code, device code, session. */
  | { kind: "user"; tenantId: string; objectId: string; amr?: string[] };

export interface PolicyRequest {
  flow: Flow;
  channel: Channel;
  /** The authority's tenant path segment as sent: GUID, domain, world name, `common`, `organizations`, `consumers`. */
  authority: string;
  clientId: string;
  subject: Subject;
  /** The `scope` parameter as sent (space-separated). */
  scope: string;
  /** Token channel: the client's credential. Ignored at authorize (the client proves nothing there). */
  credential?: ClientCredential;
  /**
   * Token channel: whether this request may come without a credential. Default by flow: ROPC and device
   * code need public client flows on; refresh and code redemption need a public-client or SPA redirect;
   * client credentials and OBO never. The code grant overrides it with the redirect URI's platform.
   */
  mayBePublic?: boolean;
  /** Token endpoint URLs a client assertion may name as `aud`. */
  assertionAudiences?: string[];
  /** Token channel: external issuers whose keys Entra can fetch, for federated assertions. */
  issuerKeys?: IssuerKeys;
  /** The sandbox time of the decision. */
  now: Date;
}

/** What the policy allows: everything a token needs, resolved. */
export interface PolicyGrant {
  flow: Flow;
  /** The tenant the token is issued in (`tid`): the user's home tenant, or the authority's for app-only. */
  tenant: Tenant;
  /** Absent for app-only tokens. */
  user: User | undefined;
  app: AppRegistration;
  /** `appidacr`: "0" at the authorize channel (no credential there). */
  clientAuthentication: ClientAuthentication;
  resource: Resource;
  /** The resource as requested (v1 `aud`): `https://communication.azure.com/` keeps its trailing slash. */
  audience: string;
  /** Delegated scope names the token carries (`scp`): everything consented on that resource. */
  scopes: string[];
  /** Application permissions (`roles`) of an app-only token. */
  roles: string[];
  tokenVersion: 1 | 2;
  /** Sign-in scopes asked for: `openid` → id_token, `offline_access` → refresh token. */
  oidc: Set<OidcScope>;
  /** Authentication methods (`amr`). */
  amr: string[];
  /** True when the grant names only sign-in scopes (the access token then is for Microsoft Graph). */
  signInOnly: boolean;
}

/** Authorize channel: the user could get the grant after consenting. The route shows a consent page or 90094. */
export interface ConsentPrompt {
  tenant: Tenant;
  user: User;
  app: AppRegistration;
  resource: Resource;
  /** Scope names the app asks for on the resource, and those nobody consented to yet. */
  requested: string[];
  missing: string[];
  /** The tenant's user-consent policy lets this user consent for themself. */
  userMayConsent: boolean;
  /** The user is an admin and may consent for the whole organisation. */
  adminMayConsent: boolean;
  /** 90094 ("Need admin approval") when neither may consent. */
  blocked: AadError<"AADSTS90094"> | undefined;
}

export type PolicyDecision =
  | { kind: "grant"; grant: PolicyGrant }
  | { kind: "consent"; prompt: ConsentPrompt }
  | { kind: "error"; error: AadError };

const PASSWORDLESS_FLOWS_NEED_PUBLIC_FLOWS: ReadonlySet<Flow> = new Set(["password", "device_code"]);
const NEVER_PUBLIC: ReadonlySet<Flow> = new Set(["client_credentials", "on_behalf_of"]);

type AuthorityKind = { kind: "tenant"; tenant: Tenant } | { kind: "organizations" | "common" | "consumers" };

function resolveAuthority(directory: Directory, segment: string): AuthorityKind {
  const key = segment.toLowerCase();
  if (key === "organizations" || key === "common" || key === "consumers") return { kind: key };
  const tenant = findTenant(directory, segment);
  if (!tenant) throw new AadError("AADSTS90002", { tenant: segment });
  return { kind: "tenant", tenant };
}

function findApp(
  directory: Directory,
  clientId: string,
  authority: AuthorityKind,
  segment: string,
): AppRegistration {
  const app = directory.apps.find((a) => a.clientId.toLowerCase() === clientId.toLowerCase());
  const visible =
    app &&
    (authority.kind !== "tenant" ||
      app.signInAudience === "multitenant" ||
      app.homeTenantId === authority.tenant.id);
  if (!visible) {
    throw new AadError("AADSTS700016", {
      clientId,
      directory: authority.kind === "tenant" ? authority.tenant.displayName : segment,
    });
  }
  return app;
}

function defaultMayBePublic(flow: Flow, app: AppRegistration): boolean {
  if (NEVER_PUBLIC.has(flow)) return false;
  if (PASSWORDLESS_FLOWS_NEED_PUBLIC_FLOWS.has(flow)) return app.publicClientFlows;
  return isPublicClient(app);
}

function tenantById(directory: Directory, id: string): Tenant | undefined {
  return directory.tenants.find((t) => t.id === id);
}

/** Authenticates or looks up the user; returns the user and their home tenant. */
function resolveUser(
  directory: Directory,
  subject: Exclude<Subject, { kind: "app" }>,
  authority: AuthorityKind,
  app: AppRegistration,
): { user: User; tenant: Tenant } {
  const found =
    subject.kind === "password"
      ? findUserByUpn(directory, subject.username)
      : (() => {
          const tenant = tenantById(directory, subject.tenantId);
          const user = tenant?.users.find((u) => u.objectId === subject.objectId);
          return tenant && user ? { tenant, user } : undefined;
        })();
  if (!found) {
    throw new AadError("AADSTS50034", {
      tenantId:
        authority.kind === "tenant"
          ? authority.tenant.id
          : subject.kind === "user"
            ? subject.tenantId
            : authority.kind,
    });
  }
  // No guest accounts in the sandbox: a user exists only in their home tenant.
  if (authority.kind === "tenant" && authority.tenant.id !== found.tenant.id) {
    throw new AadError("AADSTS50020", {
      userTenantId: found.tenant.id,
      tenant: authority.tenant.displayName,
      clientId: app.clientId,
      appName: app.displayName,
    });
  }
  if (subject.kind === "password" && subject.password !== found.user.password)
    throw new AadError("AADSTS50126");
  if (!found.user.enabled) throw new AadError("AADSTS50057");
  return found;
}

function hasServicePrincipal(tenant: Tenant, appId: string): boolean {
  return tenant.servicePrincipals.some((sp) => sp.appId === appId);
}

/** Scopes of `resource` consented to `app` for `user` in `tenant`: tenant-wide grants plus the user's own. */
export function consentedScopes(
  tenant: Tenant,
  app: AppRegistration,
  resource: Resource,
  user: User,
): string[] {
  const scopes = new Set<string>();
  for (const g of tenant.grants) {
    if (g.clientAppId !== app.clientId || g.resourceAppId !== resource.appId) continue;
    if (g.principalId !== undefined && g.principalId !== user.objectId) continue;
    g.scopes.forEach((s) => scopes.add(s));
  }
  return [...scopes];
}

/** The user may consent themself under the tenant's policy ([infer] home-tenant apps count as verified). */
function userMayConsent(tenant: Tenant, app: AppRegistration, resource: Resource, scopes: string[]): boolean {
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

/** Multi-factor challenge Entra returns with 50076 ([infer] the policy id is a placeholder). */
function mfaClaims(): string {
  return JSON.stringify({ access_token: { capolids: { essential: true, values: [randomUUID()] } } });
}

function delegated(
  request: PolicyRequest,
  directory: Directory,
  authority: AuthorityKind,
  app: AppRegistration,
  clientAuthentication: ClientAuthentication,
): PolicyDecision {
  const subject = request.subject as Exclude<Subject, { kind: "app" }>;
  const { user, tenant } = resolveUser(directory, subject, authority, app);
  if (authority.kind !== "tenant" && app.signInAudience === "single" && app.homeTenantId !== tenant.id) {
    throw request.channel === "authorize"
      ? new AadError("AADSTS50194", { clientId: app.clientId, appName: app.displayName })
      : // [infer] through /organizations the app is looked up in the user's directory, where it is not.
        new AadError("AADSTS700016", { clientId: app.clientId, directory: tenant.displayName });
  }
  const requested = parseScopes(request.scope);
  const amr = subject.kind === "user" && subject.amr ? subject.amr : ["pwd"];
  const base = {
    flow: request.flow,
    tenant,
    user,
    app,
    clientAuthentication,
    roles: [],
    oidc: requested.oidc,
    amr,
  };

  if (!requested.resource) {
    // [infer] Only sign-in scopes: Entra issues a Microsoft Graph token for the sign-in scopes, no consent check.
    const graph = findResource(directory, GRAPH.appId)!;
    const scopes = [...requested.oidc].filter((s) => s !== "offline_access");
    return {
      kind: "grant",
      grant: {
        ...base,
        resource: graph,
        audience: GRAPH.identifierUris[0]!,
        scopes,
        tokenVersion: 1,
        signInOnly: true,
      },
    };
  }

  const audience = requested.resource.uri;
  const resource = findResource(directory, audience);
  if (!resource) throw new AadError("AADSTS500011", { resource: audience, tenantName: tenant.displayName });
  for (const name of requested.resource.names) {
    if (name === ".default" || resource.scopes.some((s) => s.name === name)) continue;
    throw request.channel === "authorize"
      ? new AadError("AADSTS650053", { appName: app.displayName, scope: name, resourceAppId: resource.appId })
      : new AadError("AADSTS70011", { scope: `${audience.replace(/\/+$/, "")}/${name}` });
  }
  if (!hasServicePrincipal(tenant, resource.appId)) {
    throw request.channel === "authorize"
      ? new AadError("AADSTS650052", {
          resourceAppId: resource.appId,
          resourceName: resource.displayName,
          tenantId: tenant.id,
        })
      : new AadError("AADSTS500011", { resource: audience, tenantName: tenant.displayName });
  }
  if (request.flow === "password" && user.mfaRequired) {
    throw new AadError("AADSTS50076", { resourceAppId: resource.appId }).withClaims(mfaClaims());
  }

  const explicit = requested.resource.names.filter((n) => n !== ".default");
  const wantsDefault = requested.resource.names.includes(".default");
  const grantBase = {
    ...base,
    resource,
    audience,
    tokenVersion: resource.accessTokenVersion,
    signInOnly: false,
  };

  if (request.flow === "admin_consent") {
    if (!user.isAdmin) throw new AadError("AADSTS90093");
    const configured =
      app.requiredResourceAccess.find((r) => r.resourceAppId === resource.appId)?.scopes ?? [];
    const scopes = [...new Set([...explicit, ...(wantsDefault ? configured : [])])];
    return { kind: "grant", grant: { ...grantBase, scopes } };
  }

  const consented = hasServicePrincipal(tenant, app.clientId)
    ? consentedScopes(tenant, app, resource, user)
    : [];
  const wanted = wantsDefault
    ? [
        ...new Set([
          ...explicit,
          ...(app.requiredResourceAccess.find((r) => r.resourceAppId === resource.appId)?.scopes ?? []),
        ]),
      ]
    : explicit;
  const missing = wanted.filter((s) => !consented.includes(s));
  if (consented.length === 0 || missing.length > 0) {
    if (request.channel === "token") {
      throw new AadError("AADSTS65001", { clientId: app.clientId, appName: app.displayName });
    }
    const mayConsent = userMayConsent(tenant, app, resource, wanted);
    return {
      kind: "consent",
      prompt: {
        tenant,
        user,
        app,
        resource,
        requested: wanted,
        missing: consented.length === 0 && missing.length === 0 ? wanted : missing,
        userMayConsent: mayConsent,
        adminMayConsent: user.isAdmin,
        blocked:
          mayConsent || user.isAdmin ? undefined : new AadError("AADSTS90094", { appName: app.displayName }),
      },
    };
  }
  // Like Entra, the token carries every scope consented on the resource, not only those asked for.
  return { kind: "grant", grant: { ...grantBase, scopes: consented } };
}

function appOnly(
  request: PolicyRequest,
  directory: Directory,
  authority: AuthorityKind,
  app: AppRegistration,
  clientAuthentication: ClientAuthentication,
): PolicyDecision {
  // [infer] /organizations carries no tenant for an app-only token; the app's home tenant is used.
  const tenant = authority.kind === "tenant" ? authority.tenant : tenantById(directory, app.homeTenantId)!;
  const requested = parseScopes(request.scope);
  const names = requested.resource?.names ?? [];
  if (!requested.resource || names.length !== 1 || names[0] !== ".default" || requested.oidc.size > 0) {
    throw new AadError("AADSTS1002012", { scope: request.scope });
  }
  const audience = requested.resource.uri;
  const resource = findResource(directory, audience);
  if (!hasServicePrincipal(tenant, app.clientId)) {
    throw new AadError("AADSTS7000229", { clientId: app.clientId, tenant: tenant.id });
  }
  if (!resource || !hasServicePrincipal(tenant, resource.appId)) {
    throw new AadError("AADSTS500011", { resource: audience, tenantName: tenant.displayName });
  }
  return {
    kind: "grant",
    grant: {
      flow: request.flow,
      tenant,
      user: undefined,
      app,
      clientAuthentication,
      resource,
      audience,
      scopes: [],
      // Application-permission assignments are not modelled yet: app-only tokens carry no roles.
      roles: [],
      tokenVersion: resource.accessTokenVersion,
      oidc: new Set(),
      amr: [],
      signInOnly: false,
    },
  };
}

async function evaluate(request: PolicyRequest, directory: Directory): Promise<PolicyDecision> {
  const segment = request.authority;
  if (
    (request.flow === "password" || request.flow === "client_credentials") &&
    ["common", "consumers"].includes(segment.toLowerCase())
  ) {
    throw new AadError("AADSTS9001023");
  }
  const authority = resolveAuthority(directory, segment);
  const app = findApp(directory, request.clientId, authority, segment);
  const clientAuthentication =
    request.channel === "authorize"
      ? "0"
      : await authenticateClient({
          app,
          credential: request.credential ?? { kind: "none" },
          mayBePublic: request.mayBePublic ?? defaultMayBePublic(request.flow, app),
          assertionAudiences: request.assertionAudiences ?? [],
          now: request.now,
          ...(request.issuerKeys ? { issuerKeys: request.issuerKeys } : {}),
        });
  return request.subject.kind === "app"
    ? appOnly(request, directory, authority, app, clientAuthentication)
    : delegated(request, directory, authority, app, clientAuthentication);
}

/**
 * Decides a token or sign-in request against the directory. Never throws for a policy outcome: every
 * refusal is a catalogued {@link AadError} in the result.
 *
 * @example
 * const decision = await decide({ flow: "password", channel: "token", authority: fabrikamId, clientId,
 *   subject: { kind: "password", username: "alice@fabrikam.onmicrosoft.com", password: "Passw0rd!" },
 *   scope: "https://auth.msft.communication.azure.com/Teams.ManageCalls openid", now: clock.now() }, directory);
 * if (decision.kind === "grant") decision.grant.scopes; // ["Teams.ManageCalls", "Teams.ManageChats"]
 */
export async function decide(request: PolicyRequest, directory: Directory): Promise<PolicyDecision> {
  try {
    return await evaluate(request, directory);
  } catch (err) {
    if (err instanceof AadError) return { kind: "error", error: err };
    throw err;
  }
}
