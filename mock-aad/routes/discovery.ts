import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import type { Tenant } from "../directory.js";
import { AadError } from "../errors.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { resolveAuthority } from "../policy/authority.js";
import { v1Issuer, v2Issuer } from "../tokens.js";
import { deliverErrors, discoveryHeaders } from "./respond.js";

/*
 * Discovery: OpenID configuration (v2 and v1), signing keys, and instance discovery. Endpoints are built
 * on the origin the client used, so a sandbox on https://localhost:8443 describes itself and one behind
 * login.microsoftonline.com (intercept mode) describes the real host. Shapes: reference §1.1.
 */

/** The consumer (MSA) tenant: [infer] per the reference, from the access-token claims documentation. */
const CONSUMERS_TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad";
const REAL_HOST = "login.microsoftonline.com";

/** The public cloud's aliases and the sovereign clouds, as instance discovery lists them. */
const CLOUD_METADATA = [
  {
    preferred_network: REAL_HOST,
    preferred_cache: "login.windows.net",
    aliases: [REAL_HOST, "login.windows.net", "login.microsoft.com", "sts.windows.net"],
  },
  {
    preferred_network: "login.partner.microsoftonline.cn",
    preferred_cache: "login.partner.microsoftonline.cn",
    aliases: ["login.partner.microsoftonline.cn", "login.chinacloudapi.cn"],
  },
  {
    preferred_network: "login.microsoftonline.de",
    preferred_cache: "login.microsoftonline.de",
    aliases: ["login.microsoftonline.de"],
  },
  {
    preferred_network: "login.microsoftonline.us",
    preferred_cache: "login.microsoftonline.us",
    aliases: ["login.microsoftonline.us", "login.usgovcloudapi.net"],
  },
  {
    preferred_network: "login-us.microsoftonline.com",
    preferred_cache: "login-us.microsoftonline.com",
    aliases: ["login-us.microsoftonline.com"],
  },
];

/** What an authority segment stands for in discovery documents. */
interface DiscoveryTenant {
  /** Path segment of the endpoints: the tenant GUID, or `common` / `organizations` / `consumers`. */
  segment: string;
  /** The tenant id in issuers: a GUID or the literal `{tenantid}` template. */
  issuerTenant: string;
  tenant: Tenant | undefined;
}

function discoveryTenant(ctx: AadContext, segment: string): DiscoveryTenant {
  const authority = resolveAuthority(ctx.directory(), segment);
  switch (authority.kind) {
    case "common":
    case "organizations":
      return { segment: authority.kind, issuerTenant: "{tenantid}", tenant: undefined };
    case "consumers":
      return { segment: authority.kind, issuerTenant: CONSUMERS_TENANT_ID, tenant: undefined };
    case "tenant":
      // A domain resolves to the GUID: MSAL relies on it (Authority.replacePath).
      return { segment: authority.tenant.id, issuerTenant: authority.tenant.id, tenant: authority.tenant };
  }
}

const V2_CLAIMS = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "nonce",
  "preferred_username",
  "name",
  "tid",
  "ver",
  "at_hash",
  "c_hash",
  "email",
];
const V1_CLAIMS = [
  "sub",
  "iss",
  "cloud_instance_name",
  "cloud_instance_host_name",
  "cloud_graph_host_name",
  "msgraph_host",
  "aud",
  "exp",
  "iat",
  "auth_time",
  "acr",
  "amr",
  "nonce",
  "email",
  "given_name",
  "family_name",
  "nickname",
];

function cloudKeys(t: DiscoveryTenant) {
  return {
    // [infer] Sandbox tenants have no region; the real value for a European or American tenant is "EU" / "NA".
    tenant_region_scope: t.tenant ? "NA" : null,
    cloud_instance_name: "microsoftonline.com",
    cloud_graph_host_name: "graph.windows.net",
    msgraph_host: "graph.microsoft.com",
    rbac_url: "https://pas.windows.net",
  };
}

export function openIdConfigurationV2(origin: string, t: DiscoveryTenant) {
  const base = `${origin}/${t.segment}`;
  return {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
    scopes_supported: ["openid", "profile", "email", "offline_access"],
    issuer: v2Issuer(origin, t.issuerTenant),
    request_uri_parameter_supported: false,
    userinfo_endpoint: "https://graph.microsoft.com/oidc/userinfo",
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: V2_CLAIMS,
    kerberos_endpoint: `${base}/kerberos`,
    ...cloudKeys(t),
  };
}

export function openIdConfigurationV1(origin: string, t: DiscoveryTenant) {
  const base = `${origin}/${t.segment}`;
  return {
    token_endpoint: `${base}/oauth2/token`,
    token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
    jwks_uri: `${base}/discovery/keys`,
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    response_types_supported: ["code", "id_token", "code id_token", "token id_token", "token"],
    scopes_supported: ["openid"],
    // v1 tokens always name sts.windows.net, whatever host issued them.
    issuer: v1Issuer(t.issuerTenant),
    microsoft_multi_refresh_token: true,
    authorization_endpoint: `${base}/oauth2/authorize`,
    device_authorization_endpoint: `${base}/oauth2/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/logout`,
    claims_supported: V1_CLAIMS,
    check_session_iframe: `${base}/oauth2/checksession`,
    userinfo_endpoint: `${base}/openid/userinfo`,
    kerberos_endpoint: `${base}/kerberos`,
    ...cloudKeys(t),
  };
}

/**
 * Instance discovery: the cloud's aliases, plus the sandbox host when it is not the real one. A v1
 * authorization endpoint (`…/oauth2/authorize`) is pointed at the v1 document, a v2 one at the v2
 * document (v2 recorded: azure-sdk-for-js communication-identity recordings; v1 as MSAL's own tests
 * fixture it: AzureAD/microsoft-authentication-library-common-for-objc, `…/common/.well-known/openid-configuration`).
 */
export function instanceDiscovery(origin: string, authorizationEndpoint: string | undefined) {
  const host = new URL(origin).host;
  const tenant = authorizationEndpoint
    ? /^https:\/\/[^/]+\/([^/?#]+)/.exec(authorizationEndpoint)?.[1]
    : undefined;
  const v1 =
    authorizationEndpoint !== undefined && /\/oauth2\/authorize\/?(?:[?#]|$)/.test(authorizationEndpoint);
  const metadata =
    host.toLowerCase() === REAL_HOST
      ? CLOUD_METADATA
      : [...CLOUD_METADATA, { preferred_network: host, preferred_cache: host, aliases: [host] }];
  return {
    tenant_discovery_endpoint: `${origin}/${tenant ?? "{tenant}"}${v1 ? "" : "/v2.0"}/.well-known/openid-configuration`,
    "api-version": "1.1",
    metadata,
  };
}

function knownInstance(origin: string, authorizationEndpoint: string | undefined): boolean {
  if (!authorizationEndpoint) return true;
  let host: string;
  try {
    host = new URL(authorizationEndpoint).host.toLowerCase();
  } catch {
    return false;
  }
  return host === new URL(origin).host.toLowerCase() || CLOUD_METADATA.some((m) => m.aliases.includes(host));
}

type TenantRequest = FastifyRequest<{ Params: { tenant: string } }>;

/** Whether a request came in on the v2 URL of an operation that answers on both (`…/v2.0/…`). */
function onV2Path(request: FastifyRequest): boolean {
  return (request.routeOptions.url ?? "").includes("/v2.0/");
}

export async function discoveryRoutes(app: FastifyInstance, ctx: AadContext): Promise<void> {
  const withTenant =
    (build: (origin: string, t: DiscoveryTenant, request: TenantRequest) => unknown | Promise<unknown>) =>
    async (request: TenantRequest, reply: FastifyReply) => {
      deliverErrors(request, { kind: "json", cacheControl: "private" });
      const t = discoveryTenant(ctx, request.params.tenant);
      return discoveryHeaders(reply).send(await build(ctx.publicOrigin(request), t, request));
    };

  serveOperation(
    app,
    ENTRA_OPERATIONS.openidConfiguration,
    withTenant((origin, t, request) =>
      onV2Path(request) ? openIdConfigurationV2(origin, t) : openIdConfigurationV1(origin, t),
    ),
  );
  // v2 keys carry the issuer they sign for; v1 keys do not. Every published key is listed, so right
  // after a fresh start this waits for the one still being made (keys.ts).
  serveOperation(
    app,
    ENTRA_OPERATIONS.keys,
    withTenant(async (origin, t, request) => {
      await ctx.keys.whole;
      return onV2Path(request)
        ? ctx.keys.jwks({ issuer: v2Issuer(origin, t.issuerTenant) })
        : ctx.keys.jwks();
    }),
  );
  serveOperation(
    app,
    ENTRA_OPERATIONS.instanceDiscovery,
    async (request: FastifyRequest<{ Querystring: Record<string, string | undefined> }>, reply) => {
      const origin = ctx.publicOrigin(request);
      const authorizationEndpoint = request.query.authorization_endpoint;
      if (!knownInstance(origin, authorizationEndpoint)) throw new AadError("AADSTS50049");
      return discoveryHeaders(reply).send(instanceDiscovery(origin, authorizationEndpoint));
    },
  );
}
