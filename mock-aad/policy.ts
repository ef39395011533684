import { randomUUID } from "node:crypto";
import {
  authenticateClient,
  mayBePublicFor,
  type ClientAuthentication,
  type ClientCredential,
  type IssuerKeys,
} from "./client-auth.js";
import type { AppRegistration, Directory, Resource, Tenant, User } from "./directory.js";
import { AadError } from "./errors.js";
import { GRAPH } from "./first-party.js";
import { checkUsableInHomeTenant, hasServicePrincipal, visibleApp } from "./policy/app-visibility.js";
import { resolveAuthority, type Authority } from "./policy/authority.js";
import { consentedScopes, scopesAskedFor, userMayConsent } from "./policy/consent.js";
import type { Channel, Flow } from "./policy/flow.js";
import {
  accountById,
  accountByUpn,
  checkEnabled,
  checkPassword,
  checkSignsInHere,
  unknownUser,
  type Account,
} from "./policy/sign-in.js";
import { findResource, parseScopes, type OidcScope, type RequestedScopes } from "./scopes.js";

/*
 * The one place that decides "may user U of tenant T get scopes S of resource R for app A by flow F?".
 * Each check is a named step, and each kind of check lives in one module of `policy/`: the authority
 * (authority.ts), which apps a tenant sees (app-visibility.ts), password and account checks
 * (sign-in.ts), client authentication (client-auth.ts) and consent (consent.ts). Routes translate the
 * decision into their wire form: the token endpoint into JSON, the authorize endpoint into a redirect
 * with `error=`, a consent page, or an error page.
 */

export type { Channel, Flow } from "./policy/flow.js";

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
  assertionAudiences?: () => string[];
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
  /** `…/.default` was asked for: a delegated token response lists it after the granted scopes (recorded). */
  requestedDefault?: boolean;
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

type UserSubject = Exclude<Subject, { kind: "app" }>;

/** What every delegated grant carries whatever the resource. */
type GrantBase = Pick<
  PolicyGrant,
  "flow" | "tenant" | "user" | "app" | "clientAuthentication" | "roles" | "oidc" | "amr"
>;

/** ROPC and client credentials need a tenant or `/organizations` (9001023, reference §4). */
function checkGrantAllowedAtAuthority(request: PolicyRequest): void {
  if (
    (request.flow === "password" || request.flow === "client_credentials") &&
    ["common", "consumers"].includes(request.authority.toLowerCase())
  ) {
    throw new AadError("AADSTS9001023");
  }
}

/** `appidacr`: nothing is proven at the authorize channel; at the token channel the credential is checked. */
async function clientAuthenticationOf(
  request: PolicyRequest,
  app: AppRegistration,
): Promise<ClientAuthentication> {
  if (request.channel === "authorize") return "0";
  return authenticateClient({
    app,
    credential: request.credential ?? { kind: "none" },
    mayBePublic: request.mayBePublic ?? mayBePublicFor(request.flow, app),
    assertionAudiences: request.assertionAudiences ?? (() => []),
    now: request.now,
    ...(request.issuerKeys ? { issuerKeys: request.issuerKeys } : {}),
  });
}

/**
 * The user and their home tenant: found by name (ROPC) or by id (signed in earlier), in the tenant the
 * authority names, with the right password, enabled. The name comes before the password, so an unknown
 * user reads 50034 whatever the password; the tenant before the password, so a guest's password is
 * never tried in a directory they are not in.
 */
function signedInUser(
  directory: Directory,
  subject: UserSubject,
  authority: Authority,
  app: AppRegistration,
): Account {
  const account =
    subject.kind === "password" ? accountByUpn(directory, subject.username) : accountById(directory, subject);
  if (!account) {
    throw unknownUser(
      authority.kind === "tenant"
        ? authority.tenant.id
        : subject.kind === "user"
          ? subject.tenantId
          : authority.kind,
    );
  }
  checkSignsInHere(account, authority, app);
  if (subject.kind === "password") checkPassword(account, subject.password);
  checkEnabled(account);
  return account;
}

/** [infer] Only sign-in scopes: Entra issues a Microsoft Graph token for the sign-in scopes, no consent check. */
function signInOnlyGrant(directory: Directory, base: GrantBase, requested: RequestedScopes): PolicyDecision {
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

/** The resource a scope names must exist (500011). */
function requestedResource(directory: Directory, audience: string, tenant: Tenant): Resource {
  const resource = findResource(directory, audience);
  if (!resource) throw new AadError("AADSTS500011", { resource: audience, tenantName: tenant.displayName });
  return resource;
}

/** Each scope name must exist on the resource: 650053 interactively, 70011 at the token endpoint. */
function checkScopesExist(
  channel: Channel,
  app: AppRegistration,
  resource: Resource,
  audience: string,
  names: readonly string[],
): void {
  for (const name of names) {
    if (name === ".default" || resource.scopes.some((s) => s.name === name)) continue;
    throw channel === "authorize"
      ? new AadError("AADSTS650053", { appName: app.displayName, scope: name, resourceAppId: resource.appId })
      : new AadError("AADSTS70011", { scope: `${audience.replace(/\/+$/, "")}/${name}` });
  }
}

/**
 * The resource must have a service principal in the user's tenant before anyone can consent to it
 * (reference §4: "All resources the client requests permission for must already exist in the user's
 * tenant"): 650052 interactively, 500011 at the token endpoint.
 */
function checkResourceInTenant(channel: Channel, resource: Resource, audience: string, tenant: Tenant): void {
  if (hasServicePrincipal(tenant, resource.appId)) return;
  throw channel === "authorize"
    ? new AadError("AADSTS650052", {
        resourceAppId: resource.appId,
        resourceName: resource.displayName,
        tenantId: tenant.id,
      })
    : new AadError("AADSTS500011", { resource: audience, tenantName: tenant.displayName });
}

/** Multi-factor challenge Entra returns with 50076 ([infer] the policy id is a placeholder). */
function mfaClaims(): string {
  return JSON.stringify({ access_token: { capolids: { essential: true, values: [randomUUID()] } } });
}

/** ROPC cannot answer a second factor: a user who needs MFA gets 50076 and its claims challenge. */
function checkNoSecondFactorNeeded(flow: Flow, user: User, resource: Resource): void {
  if (flow === "password" && user.mfaRequired) {
    throw new AadError("AADSTS50076", { resourceAppId: resource.appId }).withClaims(mfaClaims());
  }
}

/** `/adminconsent` and an admin's `prompt=consent`: only an admin may (90093); the grant is what is asked for. */
function adminConsentGrant(grant: Omit<PolicyGrant, "scopes">, scopes: string[]): PolicyDecision {
  if (!grant.user?.isAdmin) throw new AadError("AADSTS90093");
  return { kind: "grant", grant: { ...grant, scopes } };
}

/**
 * Everything asked for must be consented: the token endpoint cannot ask, so it refuses (65001); the
 * interactive channel prompts, or shows "Need admin approval" (90094) when neither the user nor an admin
 * signing in may consent. Like Entra, the token carries every scope consented on the resource, not
 * only those asked for.
 */
function consentDecision(
  channel: Channel,
  grant: Omit<PolicyGrant, "scopes">,
  account: Account,
  wanted: string[],
): PolicyDecision {
  const { tenant, user } = account;
  const { app, resource } = grant;
  const consented = consentedScopes(tenant, app, resource, user);
  const missing = wanted.filter((s) => !consented.includes(s));
  if (consented.length > 0 && missing.length === 0)
    return { kind: "grant", grant: { ...grant, scopes: consented } };
  if (channel === "token") {
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

/**
 * A token for a user, in the order Entra checks: the user first (who, where, password, account), then
 * whether the app may sign them in from their home tenant, then what is asked for (resource, scopes,
 * the resource's presence in the tenant), then a second factor, and consent last: consent is asked only
 * for something that could be granted.
 */
function delegated(
  request: PolicyRequest,
  directory: Directory,
  authority: Authority,
  app: AppRegistration,
  clientAuthentication: ClientAuthentication,
): PolicyDecision {
  const subject = request.subject as UserSubject;
  const account = signedInUser(directory, subject, authority, app);
  checkUsableInHomeTenant(app, authority, account.tenant, request.channel);

  const requested = parseScopes(request.scope);
  const base: GrantBase = {
    flow: request.flow,
    tenant: account.tenant,
    user: account.user,
    app,
    clientAuthentication,
    roles: [],
    oidc: requested.oidc,
    amr: subject.kind === "user" && subject.amr ? subject.amr : ["pwd"],
  };
  if (!requested.resource) return signInOnlyGrant(directory, base, requested);

  const audience = requested.resource.uri;
  const resource = requestedResource(directory, audience, account.tenant);
  checkScopesExist(request.channel, app, resource, audience, requested.resource.names);
  checkResourceInTenant(request.channel, resource, audience, account.tenant);
  checkNoSecondFactorNeeded(request.flow, account.user, resource);

  const asked = scopesAskedFor(app, resource, requested.resource.names);
  const grant = {
    ...base,
    resource,
    audience,
    tokenVersion: resource.accessTokenVersion,
    signInOnly: false,
    ...(asked.requestedDefault ? { requestedDefault: true } : {}),
  };
  return request.flow === "admin_consent"
    ? adminConsentGrant(grant, asked.scopes)
    : consentDecision(request.channel, grant, account, asked.scopes);
}

/** App-only tokens ask for `{resource}/.default` and nothing else (1002012). */
function appOnlyResourceUri(request: PolicyRequest): string {
  const requested = parseScopes(request.scope);
  const names = requested.resource?.names ?? [];
  if (!requested.resource || names.length !== 1 || names[0] !== ".default" || requested.oidc.size > 0) {
    throw new AadError("AADSTS1002012", { scope: request.scope });
  }
  return requested.resource.uri;
}

/** The application permissions granted to the app on the resource in the tenant (`roles`). */
function assignedRoles(tenant: Tenant, app: AppRegistration, resource: Resource): string[] {
  const roles = new Set<string>();
  for (const a of tenant.appRoleAssignments) {
    if (a.clientAppId === app.clientId && a.resourceAppId === resource.appId)
      a.roles.forEach((r) => roles.add(r));
  }
  return [...roles];
}

/**
 * A token for the app itself: `.default` of one resource, the client app's service principal in the
 * tenant (7000229), then the resource's (500011).
 */
function appOnly(
  request: PolicyRequest,
  directory: Directory,
  authority: Authority,
  app: AppRegistration,
  clientAuthentication: ClientAuthentication,
): PolicyDecision {
  // [infer] /organizations carries no tenant for an app-only token; the app's home tenant is used.
  const tenant =
    authority.kind === "tenant"
      ? authority.tenant
      : directory.tenants.find((t) => t.id === app.homeTenantId)!;
  const audience = appOnlyResourceUri(request);
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
      roles: assignedRoles(tenant, app, resource),
      tokenVersion: resource.accessTokenVersion,
      oidc: new Set(),
      amr: [],
      signInOnly: false,
    },
  };
}

/**
 * Every request: the grant type must be allowed at the authority, the authority must name a tenant
 * (or a multi-tenant segment), the app must be visible from it, and the client must prove itself before
 * anything about a user or a resource is told (a caller without the secret learns nothing more).
 */
async function evaluate(request: PolicyRequest, directory: Directory): Promise<PolicyDecision> {
  checkGrantAllowedAtAuthority(request);
  const authority = resolveAuthority(directory, request.authority);
  const app = visibleApp(directory, request.clientId, authority, request.authority);
  const clientAuthentication = await clientAuthenticationOf(request, app);
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
