/*
 * Azure's built-in role definitions the sandbox knows, with the ids, names and permissions Azure gives
 * them (https://learn.microsoft.com/azure/role-based-access-control/built-in-roles; the Contributor,
 * Reader and Owner ids also appear in Azure/azure-cli
 * src/azure-cli/azure/cli/command_modules/role/tests/latest/recordings/*.yaml). ARM's own authorization
 * and the ACS data plane's bearer-token RBAC both read these.
 */

/** One permission block of a role definition (`properties.permissions[]`). */
export interface Permission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinition {
  /** The role definition's GUID (the last segment of `roleDefinitionId`). */
  id: string;
  roleName: string;
  description: string;
  permissions: Permission[];
  /**
   * Whether the role lets its holder call the ACS data plane with a bearer token. [infer] The quickstart
   * assigns Contributor; ACS does not publish which actions it checks, so write roles count and Reader
   * and User Access Administrator do not.
   */
  acsDataPlane: boolean;
}

const none = { dataActions: [], notDataActions: [] };

export const OWNER: RoleDefinition = {
  id: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  roleName: "Owner",
  description:
    "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
  permissions: [{ actions: ["*"], notActions: [], ...none }],
  acsDataPlane: true,
};

export const CONTRIBUTOR: RoleDefinition = {
  id: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  roleName: "Contributor",
  description:
    "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
  permissions: [
    {
      actions: ["*"],
      notActions: [
        "Microsoft.Authorization/*/Delete",
        "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action",
        "Microsoft.Blueprint/blueprintAssignments/write",
        "Microsoft.Blueprint/blueprintAssignments/delete",
        "Microsoft.Compute/galleries/share/action",
        "Microsoft.Purview/consents/write",
        "Microsoft.Purview/consents/delete",
      ],
      ...none,
    },
  ],
  acsDataPlane: true,
};

export const READER: RoleDefinition = {
  id: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  roleName: "Reader",
  description: "View all resources, but does not allow you to make any changes.",
  permissions: [{ actions: ["*/read"], notActions: [], ...none }],
  acsDataPlane: false,
};

export const USER_ACCESS_ADMINISTRATOR: RoleDefinition = {
  id: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  roleName: "User Access Administrator",
  description: "Lets you manage user access to Azure resources.",
  permissions: [
    { actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"], notActions: [], ...none },
  ],
  acsDataPlane: false,
};

/**
 * ACS's own built-in role. [infer] Its permissions are summarised: the built-in roles page lists
 * `Microsoft.Communication/*` actions for it.
 */
export const COMMUNICATION_AND_EMAIL_SERVICE_OWNER: RoleDefinition = {
  id: "09976791-48a7-449e-bb21-39d1a415f350",
  roleName: "Communication and Email Service Owner",
  description: "Create, read, modify, and delete Communications and Email Service resources",
  permissions: [
    {
      actions: [
        "Microsoft.Communication/*",
        "Microsoft.Authorization/*/read",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
      ],
      notActions: [],
      ...none,
    },
  ],
  acsDataPlane: true,
};

/** Every built-in role the sandbox serves, as `GET …/roleDefinitions` lists them. */
export const BUILT_IN_ROLES: readonly RoleDefinition[] = [
  OWNER,
  CONTRIBUTOR,
  READER,
  USER_ACCESS_ADMINISTRATOR,
  COMMUNICATION_AND_EMAIL_SERVICE_OWNER,
];

/** A role by its name (case-insensitive, as `az role assignment create --role` takes it) or GUID. */
export function findRole(ref: string): RoleDefinition | undefined {
  const wanted = ref.toLowerCase().split("/").pop() ?? "";
  return BUILT_IN_ROLES.find((r) => r.id === wanted || r.roleName.toLowerCase() === ref.toLowerCase());
}

/** ARM action patterns: `*` stands for any run of characters, case is ignored. */
function matches(pattern: string, action: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(action);
}

/** Whether a role allows an action (`Microsoft.Communication/CommunicationServices/ListKeys/action`). */
export function allows(role: RoleDefinition, action: string): boolean {
  return role.permissions.some(
    (p) => p.actions.some((a) => matches(a, action)) && !p.notActions.some((a) => matches(a, action)),
  );
}
