import type { DirectoryRoleName } from "../directory-roles.js";

/*
 * What Microsoft Graph asks of a caller for each kind of access: a delegated scope (and, to change the
 * directory, a directory role of the signed-in user, since a delegated token never exceeds its user's own
 * privileges), or an application permission of an app-only token. Scope and role lists follow the
 * "Permissions" tables of each operation's page in the Graph v1.0 reference
 * (https://learn.microsoft.com/en-us/graph/api/application-post-applications,
 * …/serviceprincipal-post-serviceprincipals, …/oauth2permissiongrant-post,
 * …/serviceprincipal-post-approleassignments, …/user-get, …/user-list, …/user-post-users,
 * …/organization-get), and the directory roles the "Microsoft Entra built-in roles" page lists for each job.
 */

export interface AccessRule {
  /** Delegated scopes, any one of which allows the access. */
  delegated: readonly string[];
  /** Application permissions, any one of which allows the access. */
  application: readonly string[];
  /** Directory roles the signed-in user needs for a delegated call; absent: any member may. */
  roles?: readonly DirectoryRoleName[];
}

const APP_ADMINS: readonly DirectoryRoleName[] = [
  "Global Administrator",
  "Application Administrator",
  "Cloud Application Administrator",
];

const READ_DIRECTORY = ["Directory.Read.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"];

export const ACCESS = {
  readApplications: {
    delegated: ["Application.Read.All", "Application.ReadWrite.All", ...READ_DIRECTORY],
    application: [
      "Application.Read.All",
      "Application.ReadWrite.All",
      "Directory.Read.All",
      "Directory.ReadWrite.All",
    ],
  },
  /**
   * [infer] Registering and changing apps needs an application admin role: the brief of tenants that turned
   * off "Users can register applications". Entra's default lets any member register an app.
   */
  writeApplications: {
    delegated: ["Application.ReadWrite.All", "Directory.AccessAsUser.All"],
    application: ["Application.ReadWrite.All"],
    roles: APP_ADMINS,
  },
  readGrants: {
    delegated: ["DelegatedPermissionGrant.ReadWrite.All", ...READ_DIRECTORY],
    application: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  },
  /** Granting delegated permissions for the organisation: what the consent endpoint lets these roles do. */
  writeGrants: {
    delegated: ["DelegatedPermissionGrant.ReadWrite.All", "Directory.AccessAsUser.All"],
    application: ["DelegatedPermissionGrant.ReadWrite.All"],
    roles: [...APP_ADMINS, "Privileged Role Administrator"],
  },
  /** Granting application permissions: Microsoft Graph's app roles only a Privileged Role Administrator or a Global Administrator may grant. */
  writeAppRoleAssignments: {
    delegated: ["AppRoleAssignment.ReadWrite.All", "Directory.AccessAsUser.All"],
    application: ["AppRoleAssignment.ReadWrite.All"],
    roles: ["Global Administrator", "Privileged Role Administrator"],
  },
  /** `directoryObjects/getByIds`: Directory.Read.All (the Azure CLI's token carries Directory.AccessAsUser.All). */
  readDirectoryObjects: {
    delegated: READ_DIRECTORY,
    application: ["Directory.Read.All", "Directory.ReadWrite.All"],
  },
  readMe: {
    delegated: ["User.Read", "User.ReadWrite.All", "User.Read.All", ...READ_DIRECTORY],
    application: [],
  },
  readUsers: {
    delegated: ["User.Read.All", "User.ReadWrite.All", ...READ_DIRECTORY],
    application: ["User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"],
  },
  writeUsers: {
    delegated: ["User.ReadWrite.All", "Directory.ReadWrite.All", "Directory.AccessAsUser.All"],
    application: ["User.ReadWrite.All", "Directory.ReadWrite.All"],
    roles: ["Global Administrator", "User Administrator"],
  },
  readOrganization: {
    delegated: ["User.Read", "User.Read.All", ...READ_DIRECTORY],
    application: ["Directory.Read.All", "Directory.ReadWrite.All", "Organization.Read.All"],
  },
} as const satisfies Record<string, AccessRule>;

export type Access = keyof typeof ACCESS;
