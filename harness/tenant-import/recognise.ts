import { PasteError, type PastedDocument } from "./paste.js";

/*
 * Which Graph object a pasted JSON object is. The Azure CLI prints Graph's objects nearly verbatim, so
 * the kinds are told apart by the properties Graph gives each (microsoftgraph/microsoft-graph-docs
 * api-reference/v1.0/resources/{application,serviceprincipal,oauth2permissiongrant,approleassignment,user,
 * organization}.md): an application has `appId` and `requiredResourceAccess`/`signInAudience` but no
 * `servicePrincipalType`; a service principal has `servicePrincipalType`; a delegated grant `clientId` +
 * `consentType` + `scope`; an app role assignment (an application permission granted) `appRoleId` +
 * `principalId` + `resourceId`; a user `userPrincipalName`; the organization (`GET /organization`)
 * `verifiedDomains`; and what `az account show` prints, `tenantId` with `environmentName` or `homeTenantId`.
 */

export type GraphKind =
  | "application"
  | "servicePrincipal"
  | "oauth2PermissionGrant"
  | "appRoleAssignment"
  | "user"
  | "organization"
  | "account";

export type GraphObject = Record<string, unknown>;

/** One recognised object, and where it came from. */
export interface RecognisedObject {
  kind: GraphKind;
  json: GraphObject;
  file: string;
  line: number;
  /** Index of the document in its file (objects of one document share it). */
  document: number;
  command: string | undefined;
}

/** A document that held nothing (`[]`, `{"value": []}`): an answer too, e.g. "no such service principal". */
export interface EmptyAnswer {
  file: string;
  line: number;
  document: number;
  command: string | undefined;
  /** What the collection held, from `@odata.context` (`servicePrincipals`), when it says. */
  collection: string | undefined;
}

const KIND_OF_COLLECTION: Record<string, GraphKind> = {
  applications: "application",
  servicePrincipals: "servicePrincipal",
  oauth2PermissionGrants: "oauth2PermissionGrant",
  appRoleAssignments: "appRoleAssignment",
  users: "user",
  organization: "organization",
};

function isObject(value: unknown): value is GraphObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The kind of one object, or undefined when it is none of the kinds the import knows. */
export function kindOf(json: GraphObject): GraphKind | undefined {
  if ("servicePrincipalType" in json) return "servicePrincipal";
  if (typeof json.appId === "string" && ("requiredResourceAccess" in json || "signInAudience" in json)) {
    return "application";
  }
  if ("clientId" in json && "consentType" in json && "scope" in json) return "oauth2PermissionGrant";
  if ("appRoleId" in json && "principalId" in json && "resourceId" in json) return "appRoleAssignment";
  if (typeof json.userPrincipalName === "string") return "user";
  if (Array.isArray(json.verifiedDomains) && typeof json.id === "string") return "organization";
  if (typeof json.tenantId === "string" && ("environmentName" in json || "homeTenantId" in json)) {
    return "account";
  }
  return undefined;
}

/**
 * `https://graph.microsoft.com/v1.0/$metadata#servicePrincipals` → `servicePrincipals`; a navigation
 * (`#servicePrincipals('…')/appRoleAssignments`) names its own collection; a `$select` (`#users(id,…)`)
 * does not change it.
 */
function collectionOf(context: unknown): string | undefined {
  if (typeof context !== "string") return undefined;
  const match = /#([A-Za-z0-9]+)(?:\([^)]*\))?(?:\/([A-Za-z0-9]+))?/.exec(context);
  return match?.[2] ?? match?.[1];
}

/** Flattens pasted documents (objects, arrays, Graph collections) into recognised objects. */
export function recogniseDocuments(documents: PastedDocument[]): {
  objects: RecognisedObject[];
  empty: EmptyAnswer[];
} {
  const objects: RecognisedObject[] = [];
  const empty: EmptyAnswer[] = [];
  documents.forEach((doc, index) => {
    let items: unknown[];
    let collection: string | undefined;
    if (Array.isArray(doc.value)) items = doc.value;
    else if (isObject(doc.value) && Array.isArray(doc.value.value) && kindOf(doc.value) === undefined) {
      items = doc.value.value;
      collection = collectionOf(doc.value["@odata.context"]);
    } else items = [doc.value];
    if (items.length === 0) {
      empty.push({ file: doc.file, line: doc.line, document: index, command: doc.command, collection });
      return;
    }
    for (const item of items) {
      if (!isObject(item)) {
        throw new PasteError(
          doc.file,
          doc.line,
          `expected Graph objects (applications, service principals, grants, app role assignments, users), found ${item === null ? "null" : typeof item}`,
        );
      }
      const kind = kindOf(item) ?? (collection ? KIND_OF_COLLECTION[collection] : undefined);
      if (!kind) {
        const keys = Object.keys(item).slice(0, 6).join(", ");
        throw new PasteError(
          doc.file,
          doc.line,
          `expected an application, service principal, oauth2PermissionGrant, appRoleAssignment, user or organization as ` +
            `az/Graph print them; found an object with ${keys ? `keys ${keys}` : "no keys"}`,
        );
      }
      objects.push({
        kind,
        json: item,
        file: doc.file,
        line: doc.line,
        document: index,
        command: doc.command,
      });
    }
  });
  return { objects, empty };
}
