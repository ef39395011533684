import { randomUUID } from "node:crypto";
import type { Evidence, ExplainedError } from "../core/catalog.js";

/*
 * The catalog of AADSTS errors the fake Entra ID answers with: wire form (OAuth `error`, `suberror`,
 * HTTP status, message) and the explanation `acs-sandbox explain` prints. Messages follow Microsoft
 * Learn's AADSTS reference (MicrosoftDocs/entra-docs `docs/identity-platform/reference-error-codes.md`,
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes) and answers quoted in recordings
 * and issues; where no public source gives the exact value, the entry's `evidence` says `inferred` and why. Routes ask the catalog how to deliver a code (`browserChannel`), never a list of their own.
 */

/** Where a code usually reaches the user: a JSON body, a redirect to the app, or a login.microsoftonline.com page. */
export type Surface = "json" | "redirect" | "page";

interface CatalogEntry<P extends string> {
  /** OAuth 2.0 `error` value. */
  error: string;
  suberror?: string;
  /** HTTP status when answered as JSON (the token endpoint, discovery). */
  status: number;
  surface: Surface;
  /**
   * In a browser flow (authorize, device login, admin consent): Entra's own error page, when it cannot
   * trust the redirect or the person is in the wrong place, or a redirect to the app with `error=`.
   */
  browser: "page" | "redirect";
  /** Message after `AADSTSnnnn: `, from the reference's wording. */
  message: (params: Record<P, string>) => string;
  cause: string;
  fix: string;
  /** Bundled scenario that reproduces the error (file name without extension). */
  scenario?: string;
  evidence: Evidence;
}

function entry<P extends string = never>(e: CatalogEntry<NoInfer<P>>): CatalogEntry<P> {
  return e;
}

export const ADMIN_STEP_1 = "Admin step 1: in the app registration, set Supported account types";
export const ADMIN_STEP_2 =
  "Admin step 2: on the app's Authentication pane, set Allow public client flows to Yes (`publicClientFlows: true`)";
export const ADMIN_STEP_7 =
  "Admin step 7: create the ACS service principal in the user's tenant, `New-MgServicePrincipal -AppId 1fd5118e-2576-4263-8130-9503064c837a` (`servicePrincipals: [acs]`)";
export const ADMIN_STEP_8 =
  "Admin step 8: a tenant admin grants consent, https://login.microsoftonline.com/{tenant}/adminconsent?client_id={app} (a tenant-wide grant in `grants:`)";

const CATALOG = {
  // ── The service itself ───────────────────────────────────────────────────────────────────────────
  AADSTS50000: entry({
    // learn.microsoft.com/entra/identity-platform/reference-error-codes: "TokenIssuanceError - There's an
    // issue with the sign-in service." [infer] The OAuth `error` value and the 500 status.
    error: "server_error",
    status: 500,
    surface: "json",
    browser: "redirect",
    evidence: {
      recorded: "learn.microsoft.com/entra/identity-platform/reference-error-codes (TokenIssuanceError)",
      inferred: "The OAuth error value and the 500 status.",
    },
    message: () => "There was an error issuing a token or an issue with our sign-in service.",
    cause: "The sandbox itself failed while answering: a bug in acs-sandbox, not a mistake in the request.",
    fix: "Report it with the entry's `error.stack` from GET /_sandbox/requests (or the `serve --debug FILE` log); MSAL retries a 500 once on its own.",
  }),
  // ── Tenants and endpoints ────────────────────────────────────────────────────────────────────────
  AADSTS90002: entry<"tenant">({
    error: "invalid_tenant",
    status: 400,
    surface: "json",
    browser: "page",
    message: (p) =>
      `Tenant '${p.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
    cause: "The authority names a tenant (GUID or domain) that does not exist.",
    fix: "Use the tenant id or verified domain of an existing tenant in the authority (`/_sandbox/descriptor` lists them).",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; microsoftgraph/windowsupdates-webapplication-sample issue #6, Azure/azure-cli issue #22145: 400 JSON at discovery and token, a page at authorize",
    },
  }),
  AADSTS9001023: entry({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "The grant type is not supported over the /common or /consumers endpoints. Please use the /organizations or tenant-specific endpoint.",
    cause:
      "Username/password and client-credential requests need a tenant; /common and /consumers have none.",
    fix: "Use the tenant-specific authority (https://login.microsoftonline.com/<tenant id>) or /organizations.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; learn.microsoft.com/entra/identity-platform/v2-oauth-ropc",
    },
  }),
  AADSTS50049: entry({
    error: "invalid_instance",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "Unknown or invalid instance.",
    cause: "Instance discovery was asked about an authority host that is not an Entra ID cloud.",
    fix: "Point the authority at login.microsoftonline.com or the sandbox, or skip discovery (`knownAuthorities`, `disableInstanceDiscovery`).",
    evidence: {
      recorded:
        "MSAL.NET 'Custom authority aliases' (MicrosoftDocs/entra-docs, learn.microsoft.com/entra/msal/dotnet) and MSAL.NET's test constants (AzureAD/microsoft-authentication-library-for-dotnet)",
    },
  }),

  // ── Applications and client authentication ──────────────────────────────────────────────────────
  AADSTS700016: entry<"clientId" | "directory">({
    error: "unauthorized_client",
    status: 400,
    surface: "json",
    browser: "page",
    message: (p) =>
      `Application with identifier '${p.clientId}' was not found in the directory '${p.directory}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    cause:
      "The client id is unknown, or the app is single-tenant and the request went to another tenant's authority.",
    fix: `Check the client id; for users of other organisations, ${ADMIN_STEP_1} to "Accounts in any organizational directory" (\`signInAudience: multitenant\`).`,
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; an AKS troubleshooting article on Microsoft Learn quoting the JSON; OneDrive/onedrive-api-docs issue #950 (the page): 400 at token, a page at authorize",
    },
  }),
  AADSTS50020: entry<"userTenantId" | "tenant" | "clientId" | "appName">({
    error: "invalid_grant",
    status: 400,
    surface: "page",
    browser: "page",
    message: (p) =>
      `User account '{EmailHidden}' from identity provider 'https://sts.windows.net/${p.userTenantId}/' does not exist in tenant '${p.tenant}' and cannot access the application '${p.clientId}'(${p.appName}) in that tenant. The account needs to be added as an external user in the tenant first. Sign out and sign in again with a different Azure Active Directory user account.`,
    cause:
      "A user signed in through another tenant's authority, typically the app's home tenant of a single-tenant app.",
    fix: `Sign in through the user's own tenant (or /organizations), and ${ADMIN_STEP_1} to multitenant (\`signInAudience: multitenant\`).`,
    evidence: {
      inferred:
        "The token endpoint's `error` for this case is in no public source; invalid_grant as for other user errors.",
    },
  }),
  AADSTS50194: entry<"clientId" | "appName">({
    error: "invalid_request",
    status: 400,
    surface: "page",
    browser: "page",
    message: (p) =>
      `Application '${p.clientId}'(${p.appName}) is not configured as a multi-tenant application. Usage of the /common endpoint is not supported for such applications created after '10/15/2018'. Use a tenant-specific endpoint or configure the application to be multi-tenant.`,
    cause: "A single-tenant app used the /common authority.",
    fix: `Use the app's tenant authority, or ${ADMIN_STEP_1} to multitenant.`,
    evidence: {
      inferred:
        "The surface (a page at authorize): learn.microsoft.com/entra/identity-platform/reference-error-codes gives only the code and gist.",
    },
  }),
  AADSTS7000218: entry({
    error: "invalid_client",
    status: 401,
    surface: "json",
    browser: "redirect",
    message: () =>
      "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    cause:
      "The app is treated as a confidential client (public client flows off, or only Web redirect URIs) and the request carried no credential.",
    fix: `${ADMIN_STEP_2}, or send the app's client secret or certificate assertion.`,
    evidence: {
      recorded:
        "tamhinsf/ChannelSurf issue #38 (401 + JSON), Azure/azure-sdk-for-go issue #22386 (a web-only redirect makes the app confidential)",
    },
  }),
  AADSTS7000215: entry<"clientId">({
    error: "invalid_client",
    status: 401,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${p.clientId}'.`,
    cause: "The client secret does not match any secret of the app registration.",
    fix: "Send the secret's value (not its id) from Certificates & secrets; create a new secret if it was lost.",
    evidence: {
      recorded: "OfficeDev/microsoft-365-agents-toolkit issue #8621, Azure/sap-automation issue #418",
    },
  }),
  AADSTS7000222: entry<"clientId">({
    error: "invalid_client",
    status: 401,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The provided client secret keys for app '${p.clientId}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
    cause: "The client secret sent has passed its expiry date.",
    fix: "Create a new client secret for the app (Certificates & secrets) and use its value.",
    evidence: {
      inferred:
        "Error value and status: learn.microsoft.com/entra/identity-platform/reference-error-codes gives only the code and gist.",
    },
  }),
  AADSTS700025: entry({
    error: "invalid_client",
    status: 401,
    surface: "json",
    browser: "redirect",
    message: () => "Client is public so neither 'client_assertion' nor 'client_secret' should be presented.",
    cause: "A public client (no secrets or certificates registered) sent a client credential.",
    fix: "Do not send a secret from a public client application, or register one for a confidential client.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; third-party Entra mocks quoting the answer (not authoritative)",
    },
  }),
  AADSTS700027: entry({
    error: "invalid_client",
    status: 401,
    surface: "json",
    browser: "redirect",
    message: () =>
      "Client assertion failed signature validation. The key used to sign the assertion is not registered on the application.",
    cause: "The client assertion was not signed by a certificate registered on the app.",
    fix: "Upload the certificate's public key to the app registration (`certificates:`) and sign with its private key.",
    evidence: { inferred: "Status: invalid_client answers are 401 elsewhere." },
  }),
  AADSTS700024: entry<"now" | "validFrom" | "expiry">({
    // Recorded: AzureAD/microsoft-authentication-library-for-java issue #984 and Azure/login issue #372
    // (message, invalid_client; a missing nbf shown as 1970-01-01). [infer] the 401 status.
    error: "invalid_client",
    status: 401,
    surface: "json",
    browser: "redirect",
    evidence: {
      recorded:
        "AzureAD/microsoft-authentication-library-for-java issue #984, Azure/login issue #372 (message, invalid_client, a missing nbf as 1970-01-01)",
      inferred: "The 401 status; a missing exp read as 1970-01-01.",
    },
    message: (p) =>
      `Client assertion is not within its valid time range. Current time: ${p.now}, assertion valid from ${p.validFrom}, expiry time of assertion ${p.expiry}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`,
    cause:
      "The client assertion's nbf/exp do not cover the current time, or it has no exp (an assertion must expire).",
    fix: "Create a fresh client assertion with an exp (MSAL's live ten minutes) and check the machine's clock.",
  }),
  AADSTS70021: entry<"issuer" | "subject" | "audience">({
    // Recorded (AKS workload identity and GitHub Actions logs, 2022–2023): 400 invalid_request with this
    // wording; some later logs show 401 unauthorized_client for the same code.
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    evidence: {
      recorded:
        "AKS workload identity and GitHub Actions logs, 2022–2023 (400 invalid_request and the wording)",
      inferred: "Some later logs show 401 unauthorized_client for the same code.",
    },
    message: (p) =>
      `No matching federated identity record found for presented assertion. Assertion Issuer: '${p.issuer}'. Assertion Subject: '${p.subject}'. Assertion Audience: '${p.audience}'. https://docs.microsoft.com/en-us/azure/active-directory/develop/workload-identity-federation`,
    cause:
      "The client assertion came from an external issuer (workload identity federation), and no federated credential of the app names its issuer, subject and audience exactly.",
    fix: "Add a federated credential to the app registration with the token's exact issuer, subject and audience (`federatedCredentials: [{ issuer, subject, audiences }]`); all three compare case-sensitively.",
  }),
  AADSTS501661: entry({
    // Message recorded in GitLab's Azure OIDC docs ("ERROR: AADSTS501661: Request to External OIDC
    // endpoint failed."); [infer] error value and status.
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    evidence: { recorded: "GitLab's Azure OIDC docs (the message)", inferred: "The error value and status." },
    message: () => "Request to External OIDC endpoint failed.",
    cause:
      "A federated credential matched the assertion, but Entra could not fetch the issuer's OIDC discovery document or keys. The sandbox reaches only its own workload issuer.",
    fix: "Mint the token with the sandbox's workload issuer (`POST /_sandbox/workload-issuer/token`) and name it `issuer: sandbox` in the federated credential.",
  }),
  AADSTS50027: entry<"reason">({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `JWT token is invalid or malformed. ${p.reason}`,
    cause:
      "The client assertion is not a JWT, or its aud/iss/sub claims do not name the token endpoint and client.",
    fix: "Build the assertion with aud = the token endpoint and iss = sub = the client id (MSAL does this).",
    evidence: {
      inferred: "Used for client assertions whose claims are wrong (aud, iss, sub) or that are not JWTs.",
    },
  }),
  AADSTS7000229: entry<"clientId" | "tenant">({
    error: "invalid_client",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The client application ${p.clientId} is missing service principal in the tenant ${p.tenant}. See instructions here: https://go.microsoft.com/fwlink/?linkid=2225119`,
    cause: "An app asked for an app-only token in a tenant that has no service principal of it.",
    fix: "Have the tenant's admin consent to the app (admin consent creates its service principal).",
    evidence: {
      inferred:
        "Not in learn.microsoft.com/entra/identity-platform/reference-error-codes: the code Entra gives when a multitenant app has no service principal in the tenant.",
    },
  }),

  // ── Users ───────────────────────────────────────────────────────────────────────────────────────
  AADSTS50034: entry<"tenantId">({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "page",
    message: (p) =>
      `The user account {EmailHidden} does not exist in the ${p.tenantId} directory. To sign into this application, the account must be added to the directory.`,
    cause: "No user with that sign-in name exists.",
    fix: "Check the user name (UPN); create the user in the tenant (`users:` in the world).",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; a third-party Entra mock quoting the answer (not authoritative)",
    },
  }),
  AADSTS50126: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "Error validating credentials due to invalid username or password.",
    cause: "The password is wrong.",
    fix: "Use the user's password (`/_sandbox/descriptor` lists the test users' passwords).",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; a third-party Entra mock quoting the answer (not authoritative)",
    },
  }),
  AADSTS50196: entry({
    // Recorded: the public error-code list ("LoopDetected - A client loop has been detected") and MSAL.NET's
    // client-and-server throttling doc (invalid_grant, this message, for user flows). [infer] the page/redirect
    // channel, and that too many sign-ins in progress from one address is what trips it.
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "The server terminated an operation because it encountered a client request loop. Please contact your app vendor.",
    cause:
      "One client address started too many sign-ins without finishing them (a loop that keeps opening /authorize or /adminconsent).",
    fix: "Finish or abandon sign-ins before starting new ones, and cache tokens instead of signing in per request; abandoned sign-ins expire after an hour on the sandbox clock.",
    evidence: {
      recorded:
        "reference-error-codes (LoopDetected); MSAL.NET docs, client-and-server throttling (invalid_grant and the message)",
      inferred: "The browser channel, and the bound of 1,000 sign-ins in progress per client address.",
    },
  }),
  AADSTS50053: entry({
    // Recorded message: AzureAD/microsoft-authentication-library-for-python issue #211. [infer] error and status.
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "page",
    evidence: {
      recorded: "AzureAD/microsoft-authentication-library-for-python issue #211 (the message)",
      inferred: "The error value and status; one fixed lockout duration.",
    },
    message: () =>
      "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
    cause:
      "Smart lockout: too many wrong passwords in a row (the tenant's `lockout.threshold`); it lasts `lockout.duration`.",
    fix: "Wait for the lockout to pass (advance the sandbox clock past `lockout.duration`), then sign in with the right password.",
    scenario: "account-locked",
  }),
  AADSTS50057: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "page",
    message: () => "The user account is disabled.",
    cause: "The user's account is disabled (`enabled: false`).",
    fix: "Enable the account in the tenant (`enabled: true`).",
    evidence: {
      inferred:
        "Error value: learn.microsoft.com/entra/identity-platform/reference-error-codes gives only the code and gist.",
    },
  }),
  AADSTS50076: entry<"resourceAppId">({
    error: "invalid_grant",
    suberror: "basic_action",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${p.resourceAppId}'.`,
    cause: "The user must pass multi-factor authentication, which a username/password request cannot do.",
    fix: "Sign in interactively (authorization code or device code flow) instead of with a password.",
    evidence: {
      recorded: "AzureAD/microsoft-authentication-library-for-js issue #5491 (the 2023 JSON)",
    },
  }),

  // ── Resources, scopes and consent ───────────────────────────────────────────────────────────────
  AADSTS500011: entry<"resource" | "tenantName">({
    error: "invalid_resource",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The resource principal named ${p.resource} was not found in the tenant named ${p.tenantName}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
    cause:
      "The user's tenant has no service principal of the requested resource (for ACS: the Communication Services first-party app).",
    fix: ADMIN_STEP_7,
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; the Microsoft support article text for AADSTS500011 and logs quoted in issues",
    },
  }),
  AADSTS650052: entry<"resourceAppId" | "resourceName" | "tenantId">({
    error: "invalid_client",
    status: 400,
    surface: "redirect",
    browser: "redirect",
    message: (p) =>
      `The app is trying to access a service '${p.resourceAppId}'(${p.resourceName}) that your organization '${p.tenantId}' lacks a service principal for. Contact your IT Admin to review the configuration of your service subscriptions or consent to the application in order to create the required service principal.`,
    cause: "Interactive sign-in: the user's tenant has no service principal of the requested resource.",
    fix: ADMIN_STEP_7,
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; learn.microsoft.com/azure/communication-services/quickstarts/manage-teams-identity; PostHog/posthog issue #43486 (2025 wording)",
    },
  }),
  AADSTS65001: entry<"clientId" | "appName">({
    error: "invalid_grant",
    suberror: "consent_required",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The user or administrator has not consented to use the application with ID '${p.clientId}' named '${p.appName}'. Send an interactive authorization request for this user and resource.`,
    cause:
      "Nobody in the user's tenant consented to the app for these scopes (no tenant-wide grant, no grant of the user), or the app has no service principal there.",
    fix: `${ADMIN_STEP_8}; or sign the user in interactively so they can consent.`,
    evidence: { recorded: "MicrosoftDocs/azure-docs issue #39189 (the full JSON)" },
  }),
  AADSTS70011: entry<"scope">({
    error: "invalid_scope",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The provided value for the input parameter 'scope' is not valid. The scope ${p.scope} is not valid.`,
    cause: "A requested scope is not one the resource exposes, or is not a well-formed scope.",
    fix: "Request the resource's scopes by full URI, e.g. https://auth.msft.communication.azure.com/Teams.ManageCalls.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow and learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow",
    },
  }),
  AADSTS1002012: entry<"scope">({
    error: "invalid_scope",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The provided value for scope ${p.scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    cause: "A client-credentials request named individual scopes instead of `<resource>/.default`.",
    fix: "Request `<resource>/.default`, e.g. https://communication.azure.com//.default.",
    evidence: {
      inferred:
        "Code from Entra's answers for client credentials; not in learn.microsoft.com/entra/identity-platform/reference-error-codes.",
    },
  }),
  AADSTS700022: entry<"scope">({
    error: "invalid_scope",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The provided value for the input parameter scope is not valid because it contains more than one resource. Scope ${p.scope} is not valid.`,
    cause: "One token request named scopes of two different resources; a token has one audience.",
    fix: "Request one resource's scopes per token call.",
    evidence: {
      inferred:
        "Error value; learn.microsoft.com/entra/identity-platform/reference-error-codes names the code InvalidMultipleResourcesScope.",
    },
  }),
  AADSTS650053: entry<"appName" | "scope" | "resourceAppId">({
    error: "invalid_client",
    status: 400,
    surface: "redirect",
    browser: "redirect",
    message: (p) =>
      `The application '${p.appName}' asked for scope '${p.scope}' that doesn't exist on the resource '${p.resourceAppId}'. Contact the app vendor.`,
    cause: "Interactive sign-in asked for a scope the resource does not expose.",
    fix: "Admin step 4: request only the resource's scopes (for ACS: Teams.ManageCalls, Teams.ManageChats).",
    evidence: {
      recorded:
        "Azure-Samples/active-directory-aspnetcore-webapp-openidconnect-v2 issue #554, MicrosoftDocs/azure-docs issue #67211",
    },
  }),
  AADSTS90094: entry<"appName">({
    error: "access_denied",
    status: 400,
    surface: "page",
    browser: "page",
    message: (p) =>
      `Administrator consent is required. '${p.appName}' needs permission to access resources in your organization that only an admin can grant. Please ask an admin to grant permission to this app before you can use it.`,
    cause:
      "The user may not consent to this app (tenant user-consent policy, or an unverified multitenant app) and no admin has.",
    fix: ADMIN_STEP_8,
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; Azure-Samples/active-directory-aspnetcore-webapp-openidconnect-v2 issue #44",
    },
  }),
  AADSTS90093: entry({
    error: "access_denied",
    status: 403,
    surface: "page",
    browser: "page",
    message: () => "Calling principal cannot consent due to lack of permissions.",
    cause: "A user who is not an administrator opened the admin consent URL.",
    fix: `${ADMIN_STEP_8}, signed in as a tenant administrator.`,
    evidence: { inferred: "Error value." },
  }),
  AADSTS65004: entry({
    error: "access_denied",
    status: 400,
    surface: "redirect",
    browser: "redirect",
    message: () => "User declined to consent to access the app.",
    cause: "The user (or admin) cancelled the consent prompt.",
    fix: "Sign in again and accept the consent prompt, or have an admin consent for the tenant.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/v2-admin-consent; MicrosoftDocs/azure-docs issue #114009",
    },
  }),

  // ── Refresh tokens, codes, device codes ─────────────────────────────────────────────────────────
  AADSTS700082: entry<"issuedAt" | "inactiveFor">({
    error: "invalid_grant",
    suberror: "bad_token",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The refresh token has expired due to inactivity. The token was issued on ${p.issuedAt} and was inactive for ${p.inactiveFor}.`,
    cause: "The refresh token was not used for 90 days.",
    fix: "Sign the user in again; refresh tokens stay alive only while used.",
    evidence: { recorded: "Azure/azure-cli issue #14244, microsoft/foundry-dev-tools issue #707" },
  }),
  AADSTS700084: entry<"issuedAt">({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The refresh token was issued to a single page app (SPA), and therefore has a fixed, limited lifetime of 1.00:00:00, which cannot be extended. It is now expired and a new sign in request must be sent by the SPA to the sign in page. The token was issued on ${p.issuedAt}.`,
    cause: "A single-page app's refresh token is older than 24 hours.",
    fix: "Sign the user in again; SPA refresh tokens cannot be extended.",
    evidence: { inferred: "Error value." },
  }),
  AADSTS70000: entry<"reason">({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `Provided grant is invalid or malformed. ${p.reason}`,
    cause: "The grant (refresh token, code) belongs to another client.",
    fix: "Redeem the grant with the client id it was issued to.",
    evidence: { recorded: "AzureAD/microsoft-authentication-library-for-js issue #3088" },
  }),
  AADSTS700005: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "Provided Authorization Code is intended to use against other tenant, thus rejected.",
    cause: "A grant issued in one tenant was redeemed through another tenant's authority.",
    fix: "Redeem the grant through the authority of the tenant that issued it.",
    evidence: { inferred: "Error value and message." },
  }),
  AADSTS50173: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "The provided grant has expired due to it being revoked, a fresh auth token is needed.",
    cause: "The user's or an admin's action revoked the user's refresh tokens.",
    fix: "Sign the user in again.",
    evidence: { inferred: "Error value." },
  }),
  AADSTS70008: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.",
    cause: "The authorization code (10 minutes) or grant expired before it was redeemed.",
    fix: "Redeem authorization codes right away; start a new sign-in.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; third-party Entra mocks quoting the answer (not authoritative)",
    },
  }),
  AADSTS54005: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.",
    cause: "An authorization code was redeemed twice.",
    fix: "Redeem each code once; use the refresh token afterwards.",
    evidence: { recorded: "davidjrh/dnn.azureadprovider issue #17 (the JSON)" },
  }),
  AADSTS501481: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "The Code_Verifier does not match the code_challenge supplied in the authorization request.",
    cause: "The PKCE code_verifier does not hash to the code_challenge of the authorization request.",
    fix: "Send the verifier generated with the challenge of the same sign-in (MSAL's cryptoProvider.generatePkceCodes).",
    evidence: { recorded: "AzureAD/microsoft-authentication-library-for-js issue #7425" },
  }),
  AADSTS9002327: entry({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "Tokens issued for the 'Single-Page Application' client-type may only be redeemed via cross-origin requests.",
    cause:
      "A code issued to an `spa` redirect URI, or a refresh token issued with it, was redeemed without an Origin header (from a server).",
    fix: "Redeem the code and refresh tokens from the browser, or register the redirect URI under Mobile and desktop / Web instead of SPA.",
    evidence: {
      recorded: "Azure-Samples/communication-services-javascript-quickstarts issue #229",
    },
  }),
  AADSTS9002326: entry({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "Cross-origin token redemption is permitted only for the 'Single-Page Application' client-type.",
    cause: "A code for a Web or desktop redirect URI was redeemed from a browser (with an Origin header).",
    fix: "Register the redirect URI under Single-page application, or redeem from a server.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow (the note on cross-origin redemption: the error value); the code and text as third-party troubleshooting notes quote them",
    },
  }),
  AADSTS70016: entry({
    error: "authorization_pending",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "OAuth 2.0 device flow error. Authorization is pending. Continue polling.",
    cause: "The user has not finished signing in with the device code yet.",
    fix: "Keep polling (MSAL does) until the user completes sign-in.",
    evidence: {
      recorded:
        "AzureAD/microsoft-authentication-library-for-js lib/msal-common/test/test_kit/StringConstants.ts (AUTHORIZATION_PENDING_RESPONSE)",
    },
  }),
  AADSTS70018: entry({
    error: "bad_verification_code",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "Invalid verification code. Ensure that the code is correct and try again.",
    cause: "The device code is unknown.",
    fix: "Poll with the device_code of the devicecode response.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code",
    },
  }),
  AADSTS70019: entry({
    error: "expired_token",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () => "Verification code expired.",
    cause: "The device code expired (15 minutes) before the user signed in.",
    fix: "Start a new device code sign-in.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; a third-party Entra mock quoting the answer (not authoritative)",
    },
  }),
  AADSTS50058: entry({
    error: "login_required",
    status: 400,
    surface: "redirect",
    browser: "redirect",
    message: () =>
      "A silent sign-in request was sent but no user is signed in. The cookies used to represent the user's session were not sent in the request to Azure AD.",
    cause: "prompt=none was asked but there is no session to sign in silently.",
    fix: "Send an interactive request (without prompt=none).",
    evidence: {
      recorded:
        "AzureAD/microsoft-authentication-library-for-js lib/msal-common/test/test_kit/StringConstants.ts (TEST_*_ERROR_HASH); microsoft/azure-spring-boot issue #549",
    },
  }),
  AADSTS50011: entry<"redirectUri" | "clientId">({
    error: "invalid_request",
    status: 400,
    surface: "page",
    browser: "page",
    message: (p) =>
      `The redirect URI '${p.redirectUri}' specified in the request does not match the redirect URIs configured for the application '${p.clientId}'. Make sure the redirect URI sent in the request matches one added to your application in the Azure portal. Navigate to https://aka.ms/redirectUriMismatchError to learn more about how to fix this.`,
    cause: "The redirect_uri is not registered (for http://localhost the port is ignored, the path is not).",
    fix: "Admin step 1: register the exact redirect URI (e.g. http://localhost/redirect) under Mobile and desktop applications.",
    evidence: {
      recorded:
        "unoplatform/uno.todo issue #180, OfficeDev/microsoft-teams-apps-company-communicator issue #1035",
    },
  }),
  AADSTS500113: entry({
    error: "invalid_request",
    status: 400,
    surface: "page",
    browser: "page",
    message: () => "No reply address is registered for the application.",
    cause: "The app has no redirect URI to send the answer to (typical of daemon apps after /adminconsent).",
    fix: "Register a redirect URI on the app registration.",
    evidence: { recorded: "the message as third-party notes and tests quote it (not authoritative)" },
  }),

  AADSTS900971: entry({
    error: "invalid_request",
    status: 400,
    surface: "page",
    browser: "page",
    message: () => "No reply address provided.",
    cause: "The authorize request named no redirect_uri.",
    fix: "Send the redirect_uri registered on the app (MSAL does).",
    evidence: { recorded: "learn.microsoft.com/entra/identity-platform/reference-error-codes" },
  }),
  AADSTS500112: entry<"requested" | "original">({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) =>
      `The reply address '${p.requested}' does not match the reply address '${p.original}' provided when requesting Authorization code.`,
    cause: "The code was redeemed with another redirect_uri than the one sent to /authorize.",
    fix: "Redeem the code with the same redirect_uri the sign-in used.",
    evidence: { inferred: "Error value; the message is the one issues quote for this code." },
  }),
  AADSTS70005: entry<"responseType">({
    error: "unsupported_response_type",
    status: 400,
    surface: "redirect",
    browser: "redirect",
    message: (p) => `response_type '${p.responseType}' is not enabled for the application.`,
    cause: "The authorize request asked for a response type other than `code`.",
    fix: "Use the authorization code flow (response_type=code) with PKCE, as MSAL does.",
    evidence: {
      inferred:
        "Wording; learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow lists `unsupported_response_type` among the authorize errors.",
    },
  }),

  // ── Malformed requests ──────────────────────────────────────────────────────────────────────────
  AADSTS900144: entry<"parameter">({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `The request body must contain the following parameter: '${p.parameter}'.`,
    cause: "A required parameter is missing (or the body was not application/x-www-form-urlencoded).",
    fix: "Send the parameter in a form-encoded body.",
    evidence: { recorded: "learn.microsoft.com/entra/identity-platform/reference-error-codes" },
  }),
  AADSTS70003: entry<"grantType">({
    error: "unsupported_grant_type",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `The app requested an unsupported grant type '${p.grantType}'.`,
    cause: "The grant_type is not one Entra ID supports.",
    fix: "Use authorization_code, refresh_token, password, client_credentials, device_code or the on-behalf-of grant.",
    evidence: {
      inferred: "Code number: RFC 6749 §5.2 gives the `error` value (unsupported_grant_type) only.",
    },
  }),
  AADSTS900561: entry<"method">({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `The endpoint only accepts POST, OPTIONS requests. Received a ${p.method} request.`,
    cause: "The token endpoint was called with a method other than POST.",
    fix: "POST a form-encoded body to the token endpoint.",
    evidence: { inferred: "Wording." },
  }),
  AADSTS9002313: entry<"reason">({
    error: "invalid_request",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `Invalid request. Request is malformed or invalid. ${p.reason}`,
    cause:
      "The request could not be read: an unknown grant (refresh token, code), a repeated parameter, or a body that is too large.",
    fix: "Send each parameter once, in a form-encoded body under 1 MiB, with a grant this tenant issued.",
    evidence: {
      recorded:
        "AzureAD/microsoft-authentication-library-for-js issue #3088 and another project's issue quoting the answer",
    },
  }),
  AADSTS50013: entry<"reason">({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: (p) => `Assertion failed signature validation. [Reason - ${p.reason}]`,
    cause:
      "The on-behalf-of assertion is not a user access token issued by Entra: a bad signature, or no iss/tid, or the issuer of another tenant.",
    fix: "Pass the access token the client got for this API (aud = the API's client id) as the assertion.",
    evidence: {
      inferred:
        "Not in learn.microsoft.com/entra/identity-platform/reference-error-codes: error value and wording as Entra's on-behalf-of answers are quoted in issues.",
    },
  }),
  AADSTS500131: entry<"audience" | "clientId" | "displayName">({
    // Recorded: OfficeDev/microsoft-teams-apps-company-communicator issue #214 (the message, invalid_grant).
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    evidence: {
      recorded: "OfficeDev/microsoft-teams-apps-company-communicator issue #214 (the message, invalid_grant)",
    },
    message: (p) =>
      `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${p.audience}' and the expected audience is '${p.clientId}' or one of the Application Uris of this application with App ID '${p.clientId}'(${p.displayName}). The downstream client must request a token for the expected audience (the application that made the OBO request) and this application should use that token as the assertion.`,
    cause:
      "The on-behalf-of assertion is an access token for another API, not for the middle tier presenting it.",
    fix: "Have the client request a token for the middle-tier API (aud = its client id or api:// URI) and pass that token on.",
  }),
  AADSTS500133: entry({
    error: "invalid_grant",
    status: 400,
    surface: "json",
    browser: "redirect",
    message: () =>
      "Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token.",
    cause:
      "The on-behalf-of assertion (the incoming access token) has expired, is not yet valid, or has no exp.",
    fix: "Have the client send a fresh access token.",
    evidence: {
      recorded:
        "learn.microsoft.com/entra/identity-platform/reference-error-codes; an AKS troubleshooting article on Microsoft Learn quoting the JSON",
    },
  }),
  // ── Service faults (answered only when a fault rule says so: /_sandbox/faults) ─────────────────
  AADSTS90006: entry({
    // [infer] The code and wording are the public error-code list's "ExternalServerRetryableError - The
    // service is temporarily unavailable."; no recorded 429/5xx token-endpoint body was found, so the
    // OAuth `error` (temporarily_unavailable, RFC 6749 §4.1.2.1) is ours. MSAL reads it as JSON.
    error: "temporarily_unavailable",
    status: 503,
    surface: "json",
    browser: "redirect",
    evidence: {
      recorded: "The public error-code list (ExternalServerRetryableError)",
      inferred:
        "No recorded 429/5xx token-endpoint body: the OAuth error value (temporarily_unavailable, RFC 6749 §4.1.2.1) and the shape are the sandbox's.",
    },
    message: () => "The service is temporarily unavailable.",
    cause:
      "Entra ID is throttling the client (429) or is briefly unavailable (5xx). MSAL then refuses the same request itself until Retry-After has passed (60 s when absent).",
    fix: "Cache tokens (acquireTokenSilent first) so the token endpoint is not called per request, and retry after the Retry-After the answer gives.",
    scenario: "entra-token-endpoint-throttled",
  }),
};

type Catalog = typeof CATALOG;

/** Every AADSTS code the fake Entra ID emits. `switch (err.code)` narrows on it. */
export type AadCode = keyof Catalog;

type ParamsOf<C extends AadCode> = Parameters<Catalog[C]["message"]>[0];
type ParamArgs<C extends AadCode> = [keyof ParamsOf<C>] extends [never] ? [] : [params: ParamsOf<C>];

/**
 * A catalogued Entra ID error: code, wire form and message in one object, as routes send it.
 *
 * @example
 * const err = new AadError("AADSTS500011", { resource: "https://auth.msft.communication.azure.com", tenantName: "Fabrikam" });
 * err.status; // 400
 * err.error; // "invalid_resource"
 */
export class AadError<C extends AadCode = AadCode> extends Error {
  readonly code: C;
  /** Extra `claims` challenge (JSON string), as Conditional Access errors carry. */
  claims: string | undefined;
  /** The OAuth `error` when a flow spells the same code differently (device code: `authorization_declined`). */
  errorOverride: string | undefined;

  constructor(code: C, ...params: ParamArgs<C>) {
    const entry = CATALOG[code] as CatalogEntry<string>;
    super(`${code}: ${entry.message((params[0] ?? {}) as Record<string, string>)}`);
    this.name = "AadError";
    this.code = code;
  }

  get number(): number {
    return Number(this.code.slice("AADSTS".length));
  }
  get error(): string {
    return this.errorOverride ?? CATALOG[this.code].error;
  }
  get suberror(): string | undefined {
    return (CATALOG[this.code] as CatalogEntry<string>).suberror;
  }
  get status(): number {
    return CATALOG[this.code].status;
  }

  withClaims(claims: string): this {
    this.claims = claims;
    return this;
  }

  /** Same code and message, another OAuth `error` value. */
  withError(error: string): this {
    this.errorOverride = error;
    return this;
  }
}

/** The catalog as `acs-sandbox explain` prints it. */
export function aadCatalog(): ExplainedError[] {
  return Object.entries(CATALOG).map(([code, e]: [string, CatalogEntry<string>]) => ({
    code,
    service: "Entra ID" as const,
    status: e.surface === "json" ? e.status : e.surface,
    cause: e.cause,
    fix: e.fix,
    evidence: e.evidence,
    ...(e.scenario ? { scenario: e.scenario } : {}),
  }));
}

/** How a browser flow delivers `code`: Entra's own page, or a redirect to the app. */
export function browserChannel(code: AadCode): "page" | "redirect" {
  return CATALOG[code].browser;
}

/** The token-endpoint JSON error body, as learn.microsoft.com/entra/identity-platform/reference-error-codes samples it. */
export interface AadErrorBody {
  error: string;
  error_description: string;
  error_codes: number[];
  timestamp: string;
  trace_id: string;
  correlation_id: string;
  error_uri: string;
  suberror?: string;
  claims?: string;
}

/** Entra's timestamp form: `yyyy-MM-dd HH:mm:ssZ`. */
export function entraTimestamp(at: Date): string {
  return at
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d{3}Z$/, "Z");
}

/**
 * Renders an error as the token endpoint does. `correlationId` echoes the client's `client-request-id`
 * ([infer] from MSAL logs quoted in AzureAD/microsoft-authentication-library-for-js issues #2694 and
 * #7425); a fresh one is made when the client sent none.
 *
 * @example
 * renderAadError(new AadError("AADSTS50126"), { now: clock.now(), correlationId: "…" }).body.error_codes; // [50126]
 */
export function renderAadError(
  err: AadError,
  context: { now: Date; correlationId?: string | undefined; traceId?: string },
): { status: number; body: AadErrorBody } {
  const timestamp = entraTimestamp(context.now);
  const traceId = context.traceId ?? randomUUID();
  const correlationId = context.correlationId ?? randomUUID();
  const body: AadErrorBody = {
    error: err.error,
    error_description: `${err.message}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
    error_codes: [err.number],
    timestamp,
    trace_id: traceId,
    correlation_id: correlationId,
    // The real URL even when the sandbox serves another host: MSAL parses `code=` from it, nothing else.
    error_uri: `https://login.microsoftonline.com/error?code=${err.number}`,
  };
  if (err.suberror) body.suberror = err.suberror;
  if (err.claims) body.claims = err.claims;
  return { status: err.status, body };
}
