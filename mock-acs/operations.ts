import { declareOperation, operationTable } from "../core/operations.js";

/*
 * Every route of the ACS Identity API, declared once (core/operations.ts). The routes in mock-acs/routes
 * are registered from these declarations; the api-version table (api-versions.ts) keys by these names,
 * and the journal, fault rules, `explain` and docs/compatibility.md read them.
 */

const SPECS = "Azure/azure-rest-api-specs specification/communication/data-plane/Identity";
const STABLE = `${SPECS}/stable/2023-10-01/CommunicationIdentity.json`;
const PREVIEW_2025 = `${SPECS}/preview/2025-03-02-preview/CommunicationIdentity.json (b2f7419)`;
const TEAMS_EXTENSION = `${SPECS}/routes.tsp (0518e78) TeamsExtensionOperations, examples/2025-06-30`;
const JS_RECORDINGS =
  "Azure/azure-sdk-for-js sdk/communication/communication-identity/recordings (api-supported-versions Oct 2023)";

export const ACS_OPERATIONS = operationTable(
  declareOperation({
    service: "acs",
    name: "createIdentity",
    method: "POST",
    urls: ["/identities"],
    summary: "Create an identity, optionally with a first access token",
    evidence: "recorded",
    source: `${STABLE}; ${JS_RECORDINGS}`,
  }),
  declareOperation({
    service: "acs",
    name: "getIdentity",
    method: "GET",
    urls: ["/identities/:id"],
    summary: "Read an identity (its customId and lastTokenIssuedAt)",
    evidence: "spec",
    source: PREVIEW_2025,
  }),
  declareOperation({
    service: "acs",
    name: "deleteIdentity",
    method: "DELETE",
    urls: ["/identities/:id"],
    summary: "Delete an identity and revoke its tokens",
    evidence: "recorded",
    source: `${STABLE}; ${JS_RECORDINGS}`,
  }),
  declareOperation({
    service: "acs",
    name: "revokeTokens",
    method: "POST",
    urls: ["/identities/:id/::revokeAccessTokens"],
    summary: "Revoke every access token of an identity",
    evidence: "recorded",
    source: `${STABLE}; ${JS_RECORDINGS}`,
  }),
  declareOperation({
    service: "acs",
    name: "issueToken",
    method: "POST",
    urls: ["/identities/:id/::issueAccessToken"],
    summary: "Issue an access token for an identity",
    evidence: "recorded",
    source: `${STABLE}; ${JS_RECORDINGS}`,
  }),
  declareOperation({
    service: "acs",
    name: "issueTokenLegacy",
    method: "POST",
    urls: ["/identities/:id/token"],
    summary: "Issue an access token the 2020-07-20-preview2 way (200 `{id, token, expiresOn}`)",
    evidence: "spec",
    source: `${SPECS}/preview/2020-07-20-preview2/CommunicationIdentity.json`,
  }),
  declareOperation({
    service: "acs",
    name: "exchange",
    method: "POST",
    // `:getToken` is the same operation under the name the early-2022 beta SDKs used.
    urls: ["/teamsUser/::exchangeAccessToken", "/teamsUser/::getToken"],
    summary: "Exchange a Teams user's Entra ID token for an ACS token",
    evidence: "recorded",
    source: `${STABLE}; ${JS_RECORDINGS}; azure-sdk-for-js recordings Feb 2022 (POST /teamsUser/:getToken)`,
  }),
  declareOperation({
    service: "acs",
    name: "teamsExtensionExchange",
    method: "POST",
    // An endpoint with a trailing slash makes the JS credential send `//access/…` (communication-common 2.4.2).
    urls: ["/access/teamsExtension/::exchangeAccessToken", "//access/teamsExtension/::exchangeAccessToken"],
    summary: "Exchange a Teams Phone user's Entra ID token (the bearer) for an ACS token",
    evidence: "spec",
    source: `${TEAMS_EXTENSION}; @azure/communication-common 2.4.2 entraTokenCredential.js`,
  }),
  declareOperation({
    service: "acs",
    name: "getTeamsExtensionAssignment",
    method: "GET",
    urls: ["/access/teamsExtension/tenants/:tenantId/assignments/:objectId"],
    summary: "Read the Teams Phone extensibility assignment of a user",
    evidence: "spec",
    source: TEAMS_EXTENSION,
  }),
  declareOperation({
    service: "acs",
    name: "putTeamsExtensionAssignment",
    method: "PUT",
    urls: ["/access/teamsExtension/tenants/:tenantId/assignments/:objectId"],
    summary: "Create or replace the Teams Phone extensibility assignment of a user",
    evidence: "spec",
    source: TEAMS_EXTENSION,
  }),
  declareOperation({
    service: "acs",
    name: "deleteTeamsExtensionAssignment",
    method: "DELETE",
    urls: ["/access/teamsExtension/tenants/:tenantId/assignments/:objectId"],
    summary: "Remove the Teams Phone extensibility assignment of a user",
    evidence: "spec",
    source: TEAMS_EXTENSION,
  }),
  declareOperation({
    service: "acs",
    name: "entraExchange",
    method: "POST",
    // `//access/…` from a trailing-slash endpoint, as for the Teams extension exchange.
    urls: ["/access/entra/::exchangeAccessToken", "//access/entra/::exchangeAccessToken"],
    summary: "Exchange an Entra ID user's token (the bearer) for an ACS token",
    evidence: "spec",
    source: `${PREVIEW_2025}; @azure/communication-common 2.4.2 entraTokenCredential.js`,
  }),
  declareOperation({
    service: "acs",
    name: "listEntraAssignments",
    method: "GET",
    urls: ["/access/entra/assignments"],
    summary: "List the Entra ID assignments of the resource",
    evidence: "spec",
    source: PREVIEW_2025,
  }),
  declareOperation({
    service: "acs",
    name: "patchEntraAssignments",
    method: "PATCH",
    urls: ["/access/entra/assignments"],
    summary: "Create, replace or remove several Entra ID assignments at once",
    evidence: "spec",
    source: PREVIEW_2025,
  }),
  declareOperation({
    service: "acs",
    name: "getEntraAssignment",
    method: "GET",
    urls: ["/access/entra/assignments/:objectId"],
    summary: "Read the Entra ID assignment of a user, group or tenant",
    evidence: "spec",
    source: PREVIEW_2025,
  }),
  declareOperation({
    service: "acs",
    name: "putEntraAssignment",
    method: "PUT",
    urls: ["/access/entra/assignments/:objectId"],
    summary: "Create or replace the Entra ID assignment of a user, group or tenant",
    evidence: "spec",
    source: PREVIEW_2025,
  }),
  declareOperation({
    service: "acs",
    name: "deleteEntraAssignment",
    method: "DELETE",
    urls: ["/access/entra/assignments/:objectId"],
    summary: "Remove the Entra ID assignment of a user, group or tenant",
    evidence: "spec",
    source: PREVIEW_2025,
  }),
);

/** The name of an ACS Identity operation, as declared. */
export type AcsOperation = keyof typeof ACS_OPERATIONS;
