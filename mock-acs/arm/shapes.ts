import type { AcsResource } from "../resources.js";
import type { ArmResourceGroup, ArmRoleAssignment, ArmSubscription, ArmTenant } from "./model.js";
import type { RoleDefinition } from "./roles.js";

/*
 * ARM's wire shapes. Sources: Tenants_List and Subscriptions_Get in Azure/azure-rest-api-specs
 * specification/resources/resource-manager/Microsoft.Resources/subscriptions/stable/2022-12-01/;
 * CommunicationServiceResource and CommunicationServiceKeys in
 * specification/communication/resource-manager/Microsoft.Communication/Communication/stable/2023-04-01/CommunicationServices.json;
 * role assignments as recorded in Azure/azure-cli
 * src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/test_role_assignment_at_scope.yaml.
 */

export function tenantShape(t: ArmTenant) {
  return {
    id: `/tenants/${t.id}`,
    tenantId: t.id,
    // [infer] The sandbox's tenants are all US-based home tenants.
    countryCode: "US",
    displayName: t.displayName,
    domains: t.domains,
    tenantCategory: "Home",
    defaultDomain: t.domains[0],
    tenantType: "AAD",
  };
}

export function subscriptionShape(s: ArmSubscription) {
  return {
    id: `/subscriptions/${s.id}`,
    authorizationSource: "RoleBased",
    managedByTenants: [],
    subscriptionId: s.id,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: "Enabled",
    // [infer] Pay-as-you-go policies, as most recorded subscriptions show.
    subscriptionPolicies: {
      locationPlacementId: "Public_2014-09-01",
      quotaId: "PayAsYouGo_2014-09-01",
      spendingLimit: "Off",
    },
  };
}

export function resourceGroupShape(subscriptionId: string, g: ArmResourceGroup) {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${g.name}`,
    name: g.name,
    type: "Microsoft.Resources/resourceGroups",
    location: g.location,
    ...(Object.keys(g.tags).length > 0 ? { tags: g.tags } : {}),
    properties: { provisioningState: "Succeeded" },
  };
}

/** Data locations as ACS names them, by the world's key (`unitedstates`). [infer] the region codes. */
const DATA_LOCATIONS: Record<string, { display: string; region: string }> = {
  unitedstates: { display: "United States", region: "amer" },
  canada: { display: "Canada", region: "amer" },
  brazil: { display: "Brazil", region: "amer" },
  europe: { display: "Europe", region: "emea" },
  uk: { display: "UK", region: "emea" },
  france: { display: "France", region: "emea" },
  germany: { display: "Germany", region: "emea" },
  switzerland: { display: "Switzerland", region: "emea" },
  norway: { display: "Norway", region: "emea" },
  uae: { display: "UAE", region: "emea" },
  africa: { display: "Africa", region: "emea" },
  asiapacific: { display: "Asia Pacific", region: "apac" },
  australia: { display: "Australia", region: "apac" },
  japan: { display: "Japan", region: "apac" },
  india: { display: "India", region: "apac" },
  korea: { display: "Korea", region: "apac" },
};

/** `United States` → `unitedstates`, the world's key for a data location. */
export function dataLocationKey(display: string): string {
  return display.toLowerCase().replace(/[^a-z]/g, "");
}

/** The data location's region code tokens carry (`rgn`). */
export function regionOf(key: string): string {
  return DATA_LOCATIONS[key]?.region ?? "amer";
}

/** The resource's host name; the data plane answers on it. */
export function hostNameOf(r: AcsResource): string {
  return `${r.name}.communication.azure.com`;
}

export function communicationServiceShape(r: AcsResource, provisioningState = "Succeeded") {
  return {
    id: r.armId,
    name: r.name,
    type: "Microsoft.Communication/CommunicationServices",
    location: "global",
    tags: r.tags,
    properties: {
      provisioningState,
      hostName: hostNameOf(r),
      dataLocation: DATA_LOCATIONS[r.location]?.display ?? r.location,
      immutableResourceId: r.resourceId,
      linkedDomains: [],
    },
  };
}

/**
 * A resource as Microsoft.Resources lists it (GenericResourceExpanded of Resources_List): `$expand=
 * provisioningState` adds its state. [infer] `createdTime`/`changedTime`, which `az resource list` also
 * asks for, are left out: the world does not keep them.
 */
export function genericResourceShape(r: AcsResource, withProvisioningState: boolean) {
  return {
    id: r.armId,
    name: r.name,
    type: "Microsoft.Communication/CommunicationServices",
    location: "global",
    tags: r.tags,
    ...(withProvisioningState ? { provisioningState: "Succeeded" } : {}),
  };
}

/** A registered resource provider (Providers_Get, examples/GetProviders.json of the 2024-11-01 spec). */
export function providerShape(
  subscriptionId: string,
  provider: {
    namespace: string;
    resourceTypes: readonly {
      resourceType: string;
      locations: readonly string[];
      apiVersions: readonly string[];
    }[];
  },
) {
  return {
    id: `/subscriptions/${subscriptionId}/providers/${provider.namespace}`,
    namespace: provider.namespace,
    registrationState: "Registered",
    registrationPolicy: "RegistrationRequired",
    resourceTypes: provider.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: [...t.locations],
      apiVersions: [...t.apiVersions],
      // [infer] ARM's capability string for a tracked, taggable resource type.
      capabilities: "SupportsTags, SupportsLocation",
    })),
  };
}

export function keysShape(r: AcsResource) {
  const endpoint = `https://${hostNameOf(r)}/`;
  return {
    primaryKey: r.primaryKey,
    secondaryKey: r.secondaryKey,
    primaryConnectionString: `endpoint=${endpoint};accesskey=${r.primaryKey}`,
    secondaryConnectionString: `endpoint=${endpoint};accesskey=${r.secondaryKey}`,
  };
}

/** `/subscriptions/{sub}/providers/Microsoft.Authorization/roleDefinitions/{id}`, as recorded. */
export function roleDefinitionId(subscriptionId: string, role: RoleDefinition): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${role.id}`;
}

export function roleAssignmentShape(subscriptionId: string, a: ArmRoleAssignment) {
  return {
    properties: {
      roleDefinitionId: roleDefinitionId(subscriptionId, a.role),
      principalId: a.principalId,
      principalType: a.principalType,
      scope: a.scope,
      condition: null,
      conditionVersion: null,
      createdOn: a.createdOn,
      updatedOn: a.createdOn,
      createdBy: a.createdBy,
      updatedBy: a.createdBy,
      delegatedManagedIdentityResourceId: null,
      description: a.description,
    },
    id: `${a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`,
    type: "Microsoft.Authorization/roleAssignments",
    name: a.name,
  };
}

export function roleDefinitionShape(subscriptionId: string, role: RoleDefinition) {
  return {
    properties: {
      roleName: role.roleName,
      type: "BuiltInRole",
      description: role.description,
      assignableScopes: ["/"],
      permissions: role.permissions,
      // [infer] Built-in roles carry Azure's own creation dates; one fixed date stands for them.
      createdOn: "2015-02-02T21:55:09.8806423Z",
      updatedOn: "2024-01-01T00:00:00.0000000Z",
      createdBy: null,
      updatedBy: null,
    },
    id: roleDefinitionId(subscriptionId, role),
    type: "Microsoft.Authorization/roleDefinitions",
    name: role.id,
  };
}
