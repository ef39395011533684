import { declareOperation, operationTable } from "../core/operations.js";

/*
 * Every endpoint of the fake Entra ID (login.microsoftonline.com, and the managed identity endpoints of
 * a VM or an App Service app), declared once (core/operations.ts). The routes in mock-aad/routes are
 * registered from these declarations; the journal, fault rules, `explain` and docs/faults.md read them.
 * One operation may answer on several URLs (Entra's v1 and v2 paths); `group` lets a fault rule or a
 * journal query name several operations at once (`discovery`).
 */

const JS_RECORDINGS =
  "Azure/azure-sdk-for-js communication-identity recordings (login.microsoftonline.com answers), test/parity/recorded.json";
const TENANT = "/:tenant";

export const ENTRA_OPERATIONS = operationTable(
  declareOperation({
    service: "entra",
    name: "token",
    method: "POST",
    urls: [`${TENANT}/oauth2/v2.0/token`],
    summary:
      "The token endpoint: every grant (password, code, refresh, device code, client credentials, OBO)",
    evidence: "recorded",
    source: `${JS_RECORDINGS}; learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow`,
  }),
  declareOperation({
    service: "entra",
    name: "tokenPreflight",
    method: "OPTIONS",
    urls: [`${TENANT}/oauth2/v2.0/token`],
    summary: "A browser's CORS preflight of the token endpoint",
    // [infer] Entra's preflight answer is not recorded; the headers are what msal-browser's requests need.
    evidence: "inferred",
    source: "[infer] msal-browser sends simple CORS requests; the preflight answer is the sandbox's",
  }),
  declareOperation({
    service: "entra",
    name: "tokenWrongMethod",
    method: ["GET", "PUT", "DELETE", "PATCH"],
    urls: [`${TENANT}/oauth2/v2.0/token`],
    summary: "The token endpoint called with another method than POST: a JSON invalid_request",
    evidence: "inferred",
    source: "[infer] The error's wording (the method-not-allowed entry of mock-aad/errors.ts)",
  }),
  declareOperation({
    service: "entra",
    name: "authorize",
    method: "GET",
    urls: [`${TENANT}/oauth2/v2.0/authorize`],
    summary: "Start a browser sign-in (authorization code flow, PKCE)",
    evidence: "docs",
    source: "learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow",
  }),
  declareOperation({
    service: "entra",
    name: "devicecode",
    method: "POST",
    urls: [`${TENANT}/oauth2/v2.0/devicecode`],
    summary: "Start a device code sign-in: the user code and the verification URI",
    evidence: "docs",
    source: "learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code",
  }),
  declareOperation({
    service: "entra",
    name: "adminconsent",
    method: "GET",
    urls: [`${TENANT}/adminconsent`, `${TENANT}/v2.0/adminconsent`],
    summary: "A tenant admin grants an app its permissions for the whole tenant (v1 and v2)",
    evidence: "docs",
    source: "learn.microsoft.com/entra/identity-platform/v2-admin-consent",
  }),
  declareOperation({
    service: "entra",
    name: "openidConfiguration",
    group: "discovery",
    method: "GET",
    urls: [`${TENANT}/v2.0/.well-known/openid-configuration`, `${TENANT}/.well-known/openid-configuration`],
    summary: "The OpenID Connect discovery document (v2 and v1)",
    evidence: "recorded",
    source: JS_RECORDINGS,
  }),
  declareOperation({
    service: "entra",
    name: "instanceDiscovery",
    group: "discovery",
    method: "GET",
    urls: [`${TENANT}/discovery/instance`],
    summary: "Instance discovery: the cloud's host aliases and the tenant discovery endpoint",
    evidence: "recorded",
    source: JS_RECORDINGS,
  }),
  declareOperation({
    service: "entra",
    name: "userRealm",
    group: "discovery",
    method: "GET",
    // MSAL Python and MSAL4J write `userrealm`; MSAL.NET writes `UserRealm`, and the router is case-sensitive.
    urls: [`${TENANT}/userrealm/:upn`, `${TENANT}/UserRealm/:upn`],
    summary: "User realm discovery: whether a user's domain is managed or federated",
    evidence: "recorded",
    source:
      "Azure/azure-sdk-for-python sdk/communication/azure-communication-identity/tests/recordings/test_communication_identity_client.test_exchange_teams_token_with_valid_token.yaml",
  }),
  declareOperation({
    service: "entra",
    name: "keys",
    method: "GET",
    urls: [`${TENANT}/discovery/v2.0/keys`, `${TENANT}/discovery/keys`],
    summary: "The signing keys (JWKS) tokens are verified with",
    evidence: "recorded",
    source: JS_RECORDINGS,
  }),
  declareOperation({
    service: "entra",
    name: "logout",
    method: ["GET", "POST"],
    urls: [`${TENANT}/oauth2/v2.0/logout`, `${TENANT}/oauth2/logout`],
    summary: "Sign out: end the browser's session, return to a registered post-logout URI",
    evidence: "docs",
    source:
      "learn.microsoft.com/entra/identity-platform/v2-protocols-oidc (Send a sign-out request); AzureAD/microsoft-identity-web issue #554",
  }),
  declareOperation({
    service: "entra",
    name: "signInForm",
    method: "POST",
    urls: ["/common/login"],
    summary: "The sign-in page's form post (user name and password)",
    // [infer] Real Entra posts its sign-in form to `/common/login` too; the fields are the sandbox's.
    evidence: "inferred",
    source: "[infer] The page and its fields are the sandbox's; only the path is Entra's",
  }),
  declareOperation({
    service: "entra",
    name: "consentForm",
    method: "POST",
    urls: ["/common/Consent/Set"],
    summary: "The consent page's form post (accept or cancel)",
    evidence: "inferred",
    source: "[infer] The page and its fields are the sandbox's; only the path is Entra's",
  }),
  declareOperation({
    service: "entra",
    name: "adminApprovalReturn",
    method: "GET",
    urls: ["/common/reprocess"],
    summary: 'The links of the "Need admin approval" page: back to the app, or sign in as an admin',
    evidence: "inferred",
    source: "[infer] The page's links; only the path is Entra's",
  }),
  declareOperation({
    service: "entra",
    name: "deviceLogin",
    method: "GET",
    urls: ["/devicelogin"],
    summary: "The short address people are told to open: a redirect to the code entry page",
    evidence: "inferred",
    source: "[infer] microsoft.com/devicelogin redirects to the code entry page",
  }),
  declareOperation({
    service: "entra",
    name: "deviceCodePage",
    method: "GET",
    urls: ["/common/oauth2/deviceauth"],
    summary: "The page where a person types the device's user code",
    evidence: "inferred",
    source: "[infer] The sandbox's own verification page (mock-aad/routes/device-login.ts)",
  }),
  declareOperation({
    service: "entra",
    name: "deviceCodeEntry",
    method: "POST",
    urls: ["/common/oauth2/deviceauth"],
    summary: "The user code typed, then the sign-in",
    evidence: "inferred",
    source: "[infer] The sandbox's own verification page (mock-aad/routes/device-login.ts)",
  }),
  declareOperation({
    service: "entra",
    name: "deviceCodeConfirm",
    method: "POST",
    urls: ["/common/oauth2/deviceauth/confirm"],
    summary: '"Are you trying to sign in to …?": the person confirms the device',
    evidence: "inferred",
    source: "[infer] The sandbox's own confirmation page (mock-aad/routes/device-login.ts)",
  }),
  declareOperation({
    service: "entra",
    name: "managedIdentityImds",
    method: "GET",
    // msal-node's UrlString adds a trailing slash to the path it builds from AZURE_POD_IDENTITY_AUTHORITY_HOST.
    urls: ["/metadata/identity/oauth2/token", "/metadata/identity/oauth2/token/"],
    summary: "A VM's managed identity token (IMDS)",
    evidence: "docs",
    source:
      "learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token (Get a token using HTTP); AzureAD/microsoft-authentication-library-for-js lib/msal-node/src/client/ManagedIdentitySources/Imds.ts",
  }),
  declareOperation({
    service: "entra",
    name: "managedIdentityAppService",
    method: "GET",
    urls: ["/msi/token"],
    summary: "An App Service app's managed identity token (IDENTITY_ENDPOINT, api-version 2019-08-01)",
    evidence: "docs",
    source:
      "learn.microsoft.com/azure/app-service/overview-managed-identity (REST protocol); AzureAD/microsoft-authentication-library-for-js lib/msal-node/src/client/ManagedIdentitySources/AppService.ts",
  }),
);

/** The name of an Entra ID operation, as declared. */
export type EntraOperation = keyof typeof ENTRA_OPERATIONS;
