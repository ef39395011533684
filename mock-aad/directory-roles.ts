/*
 * Entra's built-in directory roles the sandbox knows: who may change apps, consent and role assignments
 * through Microsoft Graph. Template ids are the real ones (Microsoft Entra built-in roles reference,
 * https://learn.microsoft.com/en-us/entra/identity/role-based-access-control/permissions-reference).
 */

export const DIRECTORY_ROLES = [
  {
    displayName: "Global Administrator",
    roleTemplateId: "62e90394-69f5-4237-9190-012177145e10",
    description:
      "Can manage all aspects of Microsoft Entra ID and Microsoft services that use Microsoft Entra identities.",
  },
  {
    displayName: "Application Administrator",
    roleTemplateId: "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3",
    description: "Can create and manage all aspects of app registrations and enterprise apps.",
  },
  {
    displayName: "Cloud Application Administrator",
    roleTemplateId: "158c047a-c907-4556-b7ef-446551a6b5f7",
    description:
      "Can create and manage all aspects of app registrations and enterprise apps except App Proxy.",
  },
  {
    displayName: "Privileged Role Administrator",
    roleTemplateId: "e8611ab8-c189-46e8-94e1-60213ab1f814",
    description:
      "Can manage role assignments in Microsoft Entra ID, and all aspects of Privileged Identity Management.",
  },
  {
    displayName: "User Administrator",
    roleTemplateId: "fe930be7-5e62-47db-91af-98c3a49a38b1",
    description:
      "Can manage all aspects of users and groups, including resetting passwords for limited admins.",
  },
  {
    displayName: "Global Reader",
    roleTemplateId: "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
    description: "Can read everything that a Global Administrator can, but not update anything.",
  },
  {
    displayName: "Directory Readers",
    roleTemplateId: "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
    description:
      "Can read basic directory information. Commonly used to grant directory read access to applications and guests.",
  },
] as const;

export type DirectoryRoleName = (typeof DIRECTORY_ROLES)[number]["displayName"];

export const DIRECTORY_ROLE_NAMES = DIRECTORY_ROLES.map((r) => r.displayName) as [
  DirectoryRoleName,
  ...DirectoryRoleName[],
];
