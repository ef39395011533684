import { declareOperation, type OperationDeclaration } from "../../core/operations.js";

/*
 * Every route Microsoft Graph answers in the sandbox, declared once. Each path is served under `/v1.0`
 * and `/beta` (the tools call both). Paths and methods are Graph v1.0's
 * (https://learn.microsoft.com/en-us/graph/api/overview?view=graph-rest-1.0); `recorded` where the
 * Azure CLI's Graph recordings show the call (Azure/azure-cli src/azure-cli/azure/cli/command_modules/
 * role/tests/latest/recordings/).
 */

const RECORDINGS = "Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/";
const DOCS = "https://learn.microsoft.com/en-us/graph/api/";

/** One path under both API versions. */
function both(...paths: string[]): string[] {
  return paths.flatMap((p) => [`/v1.0${p}`, `/beta${p}`]);
}

function op<const D extends Omit<OperationDeclaration, "service">>(d: D) {
  return declareOperation({ service: "graph" as const, ...d });
}

/** `applications/{id}` and `applications(appId='{appId}')`: Graph addresses an app by object or app id. */
const APPLICATION = ["/applications/:id", "/applications(appId=:key"];
const SERVICE_PRINCIPAL = ["/servicePrincipals/:id", "/servicePrincipals(appId=:key"];

export const GRAPH_OPERATIONS = {
  graphListApplications: op({
    name: "graphListApplications",
    method: "GET",
    urls: both("/applications"),
    summary: "List the tenant's app registrations ($filter, $select, $top, $count)",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_scenario.yaml (GET applications?$filter=…)`,
  }),
  graphCreateApplication: op({
    name: "graphCreateApplication",
    method: "POST",
    urls: both("/applications"),
    summary: "Register an app",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_scenario.yaml (POST applications)`,
  }),
  graphGetApplication: op({
    name: "graphGetApplication",
    method: "GET",
    urls: both(...APPLICATION),
    summary: "Read an app registration by object id or appId",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_scenario.yaml (GET applications/{id})`,
  }),
  graphUpdateApplication: op({
    name: "graphUpdateApplication",
    method: "PATCH",
    urls: both(...APPLICATION),
    summary: "Change an app registration (redirect URIs, public client flows, requiredResourceAccess, …)",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_permission.yaml (PATCH applications/{id} requiredResourceAccess)`,
  }),
  graphDeleteApplication: op({
    name: "graphDeleteApplication",
    method: "DELETE",
    urls: both(...APPLICATION),
    summary: "Delete an app registration",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_scenario.yaml (DELETE applications/{id})`,
  }),
  graphAddPassword: op({
    name: "graphAddPassword",
    method: "POST",
    urls: both("/applications/:id/addPassword", "/applications(appId=:key/addPassword"),
    summary: "Add a client secret; the answer is the only time its text is shown",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_credential.yaml (POST applications/{id}/addPassword)`,
  }),
  graphRemovePassword: op({
    name: "graphRemovePassword",
    method: "POST",
    urls: both("/applications/:id/removePassword", "/applications(appId=:key/removePassword"),
    summary: "Remove a client secret by keyId",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_credential.yaml (POST applications/{id}/removePassword)`,
  }),
  graphListFederatedCredentials: op({
    name: "graphListFederatedCredentials",
    method: "GET",
    urls: both("/applications/:id/federatedIdentityCredentials"),
    summary: "List an app's federated identity credentials",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_federated_credential.yaml`,
  }),
  graphCreateFederatedCredential: op({
    name: "graphCreateFederatedCredential",
    method: "POST",
    urls: both("/applications/:id/federatedIdentityCredentials"),
    summary: "Add a federated identity credential (workload identity federation)",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_federated_credential.yaml`,
  }),
  graphGetFederatedCredential: op({
    name: "graphGetFederatedCredential",
    method: "GET",
    urls: both("/applications/:id/federatedIdentityCredentials/:credentialId"),
    summary: "Read a federated identity credential",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_federated_credential.yaml`,
  }),
  graphDeleteFederatedCredential: op({
    name: "graphDeleteFederatedCredential",
    method: "DELETE",
    urls: both("/applications/:id/federatedIdentityCredentials/:credentialId"),
    summary: "Remove a federated identity credential",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_federated_credential.yaml`,
  }),
  graphListServicePrincipals: op({
    name: "graphListServicePrincipals",
    method: "GET",
    urls: both("/servicePrincipals"),
    summary: "List the tenant's service principals (servicePrincipalNames/any(…) filters)",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_permission_grant.yaml (GET servicePrincipals?$filter=servicePrincipalNames/any(c:c eq '…'))`,
  }),
  graphCreateServicePrincipal: op({
    name: "graphCreateServicePrincipal",
    method: "POST",
    urls: both("/servicePrincipals"),
    summary: "Create a service principal of an app in the tenant (quickstart admin step 7)",
    evidence: "recorded",
    source: `${RECORDINGS}test_sp_create_scenario.yaml (POST servicePrincipals {appId})`,
  }),
  graphGetServicePrincipal: op({
    name: "graphGetServicePrincipal",
    method: "GET",
    urls: both(...SERVICE_PRINCIPAL),
    summary: "Read a service principal by object id or appId",
    evidence: "docs",
    source: `${DOCS}serviceprincipal-get`,
  }),
  graphDeleteServicePrincipal: op({
    name: "graphDeleteServicePrincipal",
    method: "DELETE",
    urls: both(...SERVICE_PRINCIPAL),
    summary: "Delete a service principal from the tenant",
    evidence: "docs",
    source: `${DOCS}serviceprincipal-delete`,
  }),
  graphListAppRoleAssignments: op({
    name: "graphListAppRoleAssignments",
    method: "GET",
    urls: both("/servicePrincipals/:id/appRoleAssignments", "/servicePrincipals/:id/appRoleAssignedTo"),
    summary:
      "Application permissions a service principal holds (appRoleAssignments) or grants (appRoleAssignedTo)",
    evidence: "docs",
    source: `${DOCS}serviceprincipal-list-approleassignments, ${DOCS}serviceprincipal-list-approleassignedto`,
  }),
  graphCreateAppRoleAssignment: op({
    name: "graphCreateAppRoleAssignment",
    method: "POST",
    urls: both("/servicePrincipals/:id/appRoleAssignments", "/servicePrincipals/:id/appRoleAssignedTo"),
    summary: "Grant an application permission (admin consent to an app role)",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_permission_grant.yaml (POST servicePrincipals/{id}/appRoleAssignedTo)`,
  }),
  graphDeleteAppRoleAssignment: op({
    name: "graphDeleteAppRoleAssignment",
    method: "DELETE",
    urls: both(
      "/servicePrincipals/:id/appRoleAssignments/:assignmentId",
      "/servicePrincipals/:id/appRoleAssignedTo/:assignmentId",
    ),
    summary: "Revoke an application permission",
    evidence: "docs",
    source: `${DOCS}serviceprincipal-delete-approleassignments`,
  }),
  graphListGrants: op({
    name: "graphListGrants",
    method: "GET",
    urls: both("/oauth2PermissionGrants"),
    summary: "List delegated permission grants ($filter=clientId eq '…')",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_permission_grant.yaml (GET oauth2PermissionGrants?$filter=clientId eq '…')`,
  }),
  graphCreateGrant: op({
    name: "graphCreateGrant",
    method: "POST",
    urls: both("/oauth2PermissionGrants"),
    summary: "Grant delegated permissions, for the organisation or one user (quickstart admin step 8)",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_permission_grant.yaml (POST oauth2PermissionGrants)`,
  }),
  graphGetGrant: op({
    name: "graphGetGrant",
    method: "GET",
    urls: both("/oauth2PermissionGrants/:id"),
    summary: "Read a delegated permission grant",
    evidence: "docs",
    source: `${DOCS}oauth2permissiongrant-get`,
  }),
  graphUpdateGrant: op({
    name: "graphUpdateGrant",
    method: "PATCH",
    urls: both("/oauth2PermissionGrants/:id"),
    summary: "Change the scopes of a delegated permission grant",
    evidence: "recorded",
    source: `${RECORDINGS}test_app_permission_grant.yaml (PATCH oauth2PermissionGrants/{id})`,
  }),
  graphDeleteGrant: op({
    name: "graphDeleteGrant",
    method: "DELETE",
    urls: both("/oauth2PermissionGrants/:id"),
    summary: "Revoke a delegated permission grant",
    evidence: "docs",
    source: `${DOCS}oauth2permissiongrant-delete`,
  }),
  graphListUsers: op({
    name: "graphListUsers",
    method: "GET",
    urls: both("/users"),
    summary: "List the tenant's users",
    evidence: "recorded",
    source: `${RECORDINGS}test_user_scenario.yaml (GET users?$filter=…)`,
  }),
  graphCreateUser: op({
    name: "graphCreateUser",
    method: "POST",
    urls: both("/users"),
    summary: "Create a user",
    evidence: "recorded",
    source: `${RECORDINGS}test_user_scenario.yaml (POST users)`,
  }),
  graphGetUser: op({
    name: "graphGetUser",
    method: "GET",
    urls: both("/users/:id"),
    summary: "Read a user by object id or userPrincipalName",
    evidence: "recorded",
    source: `${RECORDINGS}test_user_scenario.yaml (GET users/{upn})`,
  }),
  graphUserLicenseDetails: op({
    name: "graphUserLicenseDetails",
    method: "GET",
    urls: both("/users/:id/licenseDetails", "/me/licenseDetails"),
    summary: "A user's licences and service plans (the Teams licence)",
    evidence: "docs",
    source: `${DOCS}user-list-licensedetails`,
  }),
  graphUserMemberOf: op({
    name: "graphUserMemberOf",
    method: "GET",
    urls: both("/users/:id/memberOf", "/me/memberOf"),
    summary: "The directory roles a user holds",
    evidence: "docs",
    source: `${DOCS}user-list-memberof`,
  }),
  graphMe: op({
    name: "graphMe",
    method: "GET",
    urls: both("/me"),
    summary: "The signed-in user",
    evidence: "docs",
    source: `${DOCS}user-get`,
  }),
  graphGetDirectoryObjectsByIds: op({
    name: "graphGetDirectoryObjectsByIds",
    method: "POST",
    urls: both("/directoryObjects/getByIds"),
    summary:
      "Directory objects (users, service principals, apps) for a list of ids (`az role assignment` principal lookups)",
    evidence: "docs",
    source: `${DOCS}directoryobject-getbyids; the body the Azure CLI sends: Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/custom.py (_get_object_stubs)`,
  }),
  graphListOrganization: op({
    name: "graphListOrganization",
    method: "GET",
    urls: both("/organization", "/organization/:id"),
    summary: "The caller's tenant",
    evidence: "docs",
    source: `${DOCS}organization-get`,
  }),
  graphListDirectoryRoles: op({
    name: "graphListDirectoryRoles",
    method: "GET",
    urls: both("/directoryRoles"),
    summary: "The tenant's activated directory roles",
    evidence: "docs",
    source: `${DOCS}directoryrole-list`,
  }),
  graphListDirectoryRoleMembers: op({
    name: "graphListDirectoryRoleMembers",
    method: "GET",
    urls: both("/directoryRoles/:id/members", "/directoryRoles(roleTemplateId=:key/members"),
    summary: "The users holding a directory role",
    evidence: "docs",
    source: `${DOCS}directoryrole-list-members`,
  }),
} as const;

export type GraphOperationName = keyof typeof GRAPH_OPERATIONS;
