import type { Directory, Tenant } from "../../mock-aad/directory.js";
import {
  applicationView,
  appRoleAssignmentsOf,
  directoryRoleMembersOf,
  directoryRolesOf,
  grantsOf,
  organizationView,
  servicePrincipalsOf,
  userView,
} from "../../mock-aad/graph/views.js";

/*
 * `acs-sandbox export-graph`: a world's tenant as the Microsoft Graph requests an admin would make to
 * describe it, each printed as `az rest --url …` prints Graph's answer. The objects are the Graph
 * service's own views (mock-aad/graph/views.ts), so each document is what the sandbox's Graph answers for
 * the same request, and `acs-sandbox import` reads the whole back (to-world.ts). Only the collections'
 * `@odata.context` is written for graph.microsoft.com, whatever origin the sandbox serves Graph on.
 */

/** Where the export says the documents come from; the Graph service's answers name the same origin. */
export const GRAPH_V1 = "https://graph.microsoft.com/v1.0";

/** One Graph request of the export and its answer. */
export interface GraphDocument {
  /** The request's path and query under `/v1.0` (`/servicePrincipals`). */
  path: string;
  /** The answer's body. */
  body: Record<string, unknown>;
}

/** `{ "@odata.context": …#<set>, "value": [...] }`, as Graph answers a collection (one page). */
function collection(path: string, set: string, value: Record<string, unknown>[]): GraphDocument {
  return { path, body: { "@odata.context": `${GRAPH_V1}/$metadata#${set}`, value } };
}

/**
 * The requests that describe a tenant, answered: its organization, app registrations, service principals
 * (the ones every tenant holds included, as Graph lists them), delegated grants, each principal's app
 * role assignments, its users with every property the sandbox models (`$select`, so licences and
 * disabled accounts come along), and who holds each directory role.
 */
export function tenantAsGraph(directory: Directory, tenant: Tenant): GraphDocument[] {
  const users = tenant.users.map(userView);
  // Every property the sandbox models, so licences, disabled accounts and revoked sessions come along.
  const selected = Object.keys(users[0] ?? {});
  const documents: GraphDocument[] = [
    collection("/organization", "organization", [organizationView(tenant)]),
    collection(
      "/applications",
      "applications",
      directory.apps
        .filter((a) => a.homeTenantId === tenant.id)
        .map((a) => applicationView(directory, a, tenant)),
    ),
    collection("/servicePrincipals", "servicePrincipals", servicePrincipalsOf(directory, tenant)),
    collection("/oauth2PermissionGrants", "oauth2PermissionGrants", grantsOf(tenant)),
  ];
  const assignments = appRoleAssignmentsOf(directory, tenant);
  for (const principalId of new Set(assignments.map((a) => String(a.principalId)))) {
    const set = `servicePrincipals('${principalId}')/appRoleAssignments`;
    documents.push(
      collection(
        `/servicePrincipals/${principalId}/appRoleAssignments`,
        set,
        assignments.filter((a) => a.principalId === principalId),
      ),
    );
  }
  documents.push(
    selected.length > 0
      ? collection(`/users?$select=${selected.join(",")}`, `users(${selected.join(",")})`, users)
      : collection("/users", "users", []),
  );
  for (const role of directoryRolesOf(tenant)) {
    const members = directoryRoleMembersOf(tenant, role);
    if (members.length === 0) continue;
    documents.push(
      collection(
        `/directoryRoles(roleTemplateId='${String(role.roleTemplateId)}')/members`,
        "directoryObjects",
        members,
      ),
    );
  }
  return documents;
}

/**
 * The documents as a terminal shows `az rest --url …` and its answer, one after another. The URL is
 * quoted as a shell needs it: single quotes keep `$select` from being expanded, double quotes hold the
 * `'…'` of a key segment (which has no `$`).
 */
export function renderGraphDocuments(documents: GraphDocument[]): string {
  return documents
    .map((d) => {
      const url = `${GRAPH_V1}${d.path}`;
      const quoted = url.includes("'") ? `"${url}"` : `'${url}'`;
      return `$ az rest --url ${quoted}\n${JSON.stringify(d.body, null, 2)}\n`;
    })
    .join("");
}
