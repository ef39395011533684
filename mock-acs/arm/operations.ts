import { declareOperation, type OperationDeclaration } from "../../core/operations.js";
import type { ApiVersionFamily } from "./api-versions.js";
import {
  COMMUNICATION,
  RESOURCE_GROUPS,
  ROLE_ASSIGNMENTS,
  ROLE_DEFINITIONS,
  SUBSCRIPTIONS,
} from "./api-versions.js";

/*
 * Every route the fake Azure Resource Manager answers (service `arm`). Paths are matched in ARM's
 * canonical casing: ./paths.ts rewrites `resourcegroups`, `microsoft.communication` and the like first,
 * since ARM ignores case in paths.
 */

const SUB = "/subscriptions/:subscriptionId";
const RG = `${SUB}/resourceGroups/:resourceGroupName`;
const ACS = `${RG}/providers/Microsoft.Communication/communicationServices/:communicationServiceName`;
/** The scopes role assignments and definitions are served at: subscription, resource group, ACS resource. */
const SCOPES = [SUB, RG, ACS] as const;

const SUBSCRIPTIONS_SPEC =
  "Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/subscriptions/stable/2022-12-01/subscriptions.json";
const RESOURCES_SPEC =
  "Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/resources/stable/ (ResourceGroups_*)";
const COMMUNICATION_SPEC =
  "Azure/azure-rest-api-specs specification/communication/resource-manager/Microsoft.Communication/Communication/stable/2023-04-01/CommunicationServices.json; Azure/azure-sdk-for-js sdk/communication/arm-communication/recordings/node/communicationservice_test/*.json";
const AUTHORIZATION_SOURCE =
  "Azure/azure-cli src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/test_role_assignment_at_scope.yaml; Azure/azure-rest-api-specs specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/";

/** A declaration with the api-versions its operation answers. */
type ArmDeclaration = OperationDeclaration & { apiVersions: ApiVersionFamily };

function arm<const D extends Omit<ArmDeclaration, "service">>(d: D): D & { service: "arm" } {
  return declareOperation({ service: "arm", ...d });
}

export const ARM_OPERATIONS = {
  listTenants: arm({
    name: "armListTenants",
    method: "GET",
    urls: ["/tenants"],
    summary: "Tenants the caller's token is for (`az login`, `az account tenant list`)",
    evidence: "spec",
    source: `${SUBSCRIPTIONS_SPEC} (Tenants_List, examples/GetTenants.json)`,
    apiVersions: SUBSCRIPTIONS,
  }),
  listSubscriptions: arm({
    name: "armListSubscriptions",
    method: "GET",
    urls: ["/subscriptions"],
    summary: "Subscriptions the caller holds a role in (`az login`, `az account list`)",
    evidence: "spec",
    source: `${SUBSCRIPTIONS_SPEC} (Subscriptions_List)`,
    apiVersions: SUBSCRIPTIONS,
  }),
  getSubscription: arm({
    name: "armGetSubscription",
    method: "GET",
    urls: [SUB],
    summary: "One subscription (`az account show`)",
    evidence: "spec",
    source: `${SUBSCRIPTIONS_SPEC} (Subscriptions_Get)`,
    apiVersions: SUBSCRIPTIONS,
  }),
  listResourceGroups: arm({
    name: "armListResourceGroups",
    method: "GET",
    urls: [`${SUB}/resourceGroups`],
    summary: "Resource groups of a subscription (`az group list`)",
    evidence: "spec",
    source: RESOURCES_SPEC,
    apiVersions: RESOURCE_GROUPS,
  }),
  getResourceGroup: arm({
    name: "armGetResourceGroup",
    method: ["GET", "HEAD"],
    urls: [RG],
    summary: "One resource group, or whether it exists (`az group show`, `az group exists`)",
    evidence: "spec",
    source: RESOURCES_SPEC,
    apiVersions: RESOURCE_GROUPS,
  }),
  createOrUpdateResourceGroup: arm({
    name: "armCreateOrUpdateResourceGroup",
    method: "PUT",
    urls: [RG],
    summary: "Creates or updates a resource group (`az group create`): 201 created, 200 updated",
    evidence: "spec",
    source: RESOURCES_SPEC,
    apiVersions: RESOURCE_GROUPS,
  }),
  deleteResourceGroup: arm({
    name: "armDeleteResourceGroup",
    method: "DELETE",
    urls: [RG],
    summary: "Deletes a resource group and what it holds (`az group delete`): 202 with Location",
    evidence: "spec",
    source: RESOURCES_SPEC,
    apiVersions: RESOURCE_GROUPS,
  }),
  operationResult: arm({
    name: "armOperationResult",
    method: "GET",
    urls: [`${SUB}/operationresults/:operationId`],
    summary: "Outcome of a long-running ARM operation (a resource group's deletion)",
    evidence: "inferred",
    source: `${RESOURCES_SPEC}; [infer] the sandbox finishes deletions at once`,
    apiVersions: RESOURCE_GROUPS,
  }),
  listResources: arm({
    name: "armListResources",
    method: "GET",
    urls: [`${SUB}/resources`],
    summary: "Resources of a subscription the caller may read (`az resource list --resource-type …`)",
    evidence: "spec",
    source: `${RESOURCES_SPEC} (Resources_List; $filter resourceType/name eq as the Azure CLI sends it)`,
    apiVersions: RESOURCE_GROUPS,
  }),
  listResourcesByResourceGroup: arm({
    name: "armListResourcesByResourceGroup",
    method: "GET",
    urls: [`${RG}/resources`],
    summary: "Resources of a resource group (`az resource list -g …`)",
    evidence: "spec",
    source: `${RESOURCES_SPEC} (Resources_ListByResourceGroup)`,
    apiVersions: RESOURCE_GROUPS,
  }),
  getProvider: arm({
    name: "armGetProvider",
    method: "GET",
    urls: [`${SUB}/providers/:resourceProviderNamespace`],
    summary:
      "A resource provider's registration, types and api-versions (`az resource show --ids` reads it to pick an api-version)",
    evidence: "spec",
    source: `${RESOURCES_SPEC} (Providers_Get, examples/GetProviders.json); Azure/azure-cli src/azure-cli/azure/cli/command_modules/resource/custom.py (_ResourceUtils.resolve_api_version)`,
    apiVersions: RESOURCE_GROUPS,
  }),
  listCommunicationServicesBySubscription: arm({
    name: "armListCommunicationServicesBySubscription",
    method: "GET",
    urls: [`${SUB}/providers/Microsoft.Communication/communicationServices`],
    summary: "Communication Services resources of a subscription",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_ListBySubscription)`,
    apiVersions: COMMUNICATION,
  }),
  listCommunicationServicesByResourceGroup: arm({
    name: "armListCommunicationServicesByResourceGroup",
    method: "GET",
    urls: [`${RG}/providers/Microsoft.Communication/communicationServices`],
    summary: "Communication Services resources of a resource group",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_ListByResourceGroup)`,
    apiVersions: COMMUNICATION,
  }),
  getCommunicationService: arm({
    name: "armGetCommunicationService",
    method: "GET",
    urls: [ACS],
    summary: "One Communication Services resource",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_Get)`,
    apiVersions: COMMUNICATION,
  }),
  createOrUpdateCommunicationService: arm({
    name: "armCreateOrUpdateCommunicationService",
    method: "PUT",
    urls: [ACS],
    summary: "Creates (201, Azure-AsyncOperation) or updates (200) a Communication Services resource",
    evidence: "recorded",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_CreateOrUpdate; recording_communicationservice_create_test.json)`,
    apiVersions: COMMUNICATION,
  }),
  updateCommunicationService: arm({
    name: "armUpdateCommunicationService",
    method: "PATCH",
    urls: [ACS],
    summary: "Updates a Communication Services resource's tags",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_Update)`,
    apiVersions: COMMUNICATION,
  }),
  deleteCommunicationService: arm({
    name: "armDeleteCommunicationService",
    method: "DELETE",
    urls: [ACS],
    summary: "Deletes a Communication Services resource: 200, or 204 when there was none",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_Delete)`,
    apiVersions: COMMUNICATION,
  }),
  listCommunicationServiceKeys: arm({
    name: "armListCommunicationServiceKeys",
    method: "POST",
    urls: [`${ACS}/listKeys`],
    summary: "The resource's access keys and connection strings",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_ListKeys)`,
    apiVersions: COMMUNICATION,
  }),
  regenerateCommunicationServiceKey: arm({
    name: "armRegenerateCommunicationServiceKey",
    method: "POST",
    urls: [`${ACS}/regenerateKey`],
    summary: "Replaces the primary or secondary key; the old one stops signing requests at once",
    evidence: "spec",
    source: `${COMMUNICATION_SPEC} (CommunicationServices_RegenerateKey)`,
    apiVersions: COMMUNICATION,
  }),
  communicationOperationStatus: arm({
    name: "armCommunicationOperationStatus",
    method: "GET",
    urls: [`${SUB}/providers/Microsoft.Communication/locations/:location/operationStatuses/:operationId`],
    summary: "Status of a resource's creation (the Azure-AsyncOperation URL)",
    evidence: "recorded",
    source:
      "Azure/azure-sdk-for-js sdk/communication/arm-communication/recordings/node/communicationservice_test/recording_communicationservice_create_test.json",
    apiVersions: COMMUNICATION,
  }),
  listRoleAssignments: arm({
    name: "armListRoleAssignments",
    method: "GET",
    urls: SCOPES.map((s) => `${s}/providers/Microsoft.Authorization/roleAssignments`),
    summary: "Role assignments at, above and below a scope (`$filter=atScope()`, `principalId eq '…'`)",
    evidence: "recorded",
    source: AUTHORIZATION_SOURCE,
    apiVersions: ROLE_ASSIGNMENTS,
  }),
  getRoleAssignment: arm({
    name: "armGetRoleAssignment",
    method: "GET",
    urls: SCOPES.map((s) => `${s}/providers/Microsoft.Authorization/roleAssignments/:roleAssignmentName`),
    summary: "One role assignment",
    evidence: "spec",
    source: AUTHORIZATION_SOURCE,
    apiVersions: ROLE_ASSIGNMENTS,
  }),
  createRoleAssignment: arm({
    name: "armCreateRoleAssignment",
    method: "PUT",
    urls: SCOPES.map((s) => `${s}/providers/Microsoft.Authorization/roleAssignments/:roleAssignmentName`),
    summary: "Assigns a role to a principal at a scope (`az role assignment create`): 201",
    evidence: "recorded",
    source: AUTHORIZATION_SOURCE,
    apiVersions: ROLE_ASSIGNMENTS,
  }),
  deleteRoleAssignment: arm({
    name: "armDeleteRoleAssignment",
    method: "DELETE",
    urls: SCOPES.map((s) => `${s}/providers/Microsoft.Authorization/roleAssignments/:roleAssignmentName`),
    summary: "Removes a role assignment: 200 with it, 204 when there was none",
    evidence: "spec",
    source: AUTHORIZATION_SOURCE,
    apiVersions: ROLE_ASSIGNMENTS,
  }),
  listRoleDefinitions: arm({
    name: "armListRoleDefinitions",
    method: "GET",
    urls: SCOPES.map((s) => `${s}/providers/Microsoft.Authorization/roleDefinitions`),
    summary: "Built-in role definitions (`$filter=roleName eq 'Contributor'`)",
    evidence: "spec",
    source: AUTHORIZATION_SOURCE,
    apiVersions: ROLE_DEFINITIONS,
  }),
  getRoleDefinition: arm({
    name: "armGetRoleDefinition",
    method: "GET",
    urls: SCOPES.map((s) => `${s}/providers/Microsoft.Authorization/roleDefinitions/:roleDefinitionId`),
    summary: "One role definition by id",
    evidence: "spec",
    source: AUTHORIZATION_SOURCE,
    apiVersions: ROLE_DEFINITIONS,
  }),
} as const;

export type ArmOperationName = keyof typeof ARM_OPERATIONS;

/** Every ARM declaration, for the registry's readers. */
export const ARM_DECLARATIONS: readonly ArmDeclaration[] = Object.values(ARM_OPERATIONS);
