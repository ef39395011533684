import { deterministicId } from "../../core/ids.js";
import { DIRECTORY_ROLES } from "../../mock-aad/directory-roles.js";
import type { PastedDocument } from "./paste.js";
import type { GraphObject } from "./recognise.js";

/*
 * What one pasted object or document says, read for the world: the directory role a role member list is
 * for, whether a service principal list is complete, and an API's exposed permissions as the world
 * writes them.
 */

/** A non-empty string, or undefined. */
export const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
/** An array, or none. */
export const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** An object, or an empty one. */
export const obj = (v: unknown): GraphObject =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as GraphObject) : {};

/**
 * The directory role whose members a pasted document lists: `az rest --url …/directoryRoles(roleTemplateId=
 * '…')/members` (or `/directoryRoles/roleTemplateId=…/members`), by the role's template id.
 */
export function directoryRoleOf(command: string | undefined): (typeof DIRECTORY_ROLES)[number] | undefined {
  const templateId = /directoryRoles(?:\(roleTemplateId='|\/roleTemplateId=)([0-9a-f-]{36})/i.exec(
    command ?? "",
  )?.[1];
  return DIRECTORY_ROLES.find((r) => r.roleTemplateId === templateId?.toLowerCase());
}

/*
 * An API's exposed scopes and app roles as the world writes them: by value alone when everything else is
 * what the world would derive (mock-aad/directory.ts: ids `deterministicId("scope" | "app-role", clientId,
 * value)`, the value as display name, user-consentable scopes, roles for applications), else with the
 * pasted id, names and consent rule, so tokens and other apps' permissions name the customer's own ids.
 */
export function exposedScope(clientId: string, json: GraphObject): string | Record<string, unknown> {
  const value = str(json.value)!;
  const id = str(json.id)?.toLowerCase();
  const displayName = str(json.adminConsentDisplayName);
  const scope = {
    value,
    ...(id && id !== deterministicId("scope", clientId, value) ? { id } : {}),
    ...(displayName && displayName !== value ? { displayName } : {}),
    ...(json.type === "Admin" ? { adminConsentRequired: true } : {}),
  };
  return Object.keys(scope).length === 1 ? value : scope;
}

export function exposedRole(clientId: string, json: GraphObject): string | Record<string, unknown> {
  const value = str(json.value)!;
  const id = str(json.id)?.toLowerCase();
  const displayName = str(json.displayName) ?? value;
  const description = str(json.description) ?? displayName;
  const members = arr(json.allowedMemberTypes).map(String);
  const role = {
    value,
    ...(id && id !== deterministicId("app-role", clientId, value) ? { id } : {}),
    ...(displayName !== value ? { displayName } : {}),
    ...(description !== displayName ? { description } : {}),
    ...(members.length > 0 && members.join() !== "Application" ? { allowedMemberTypes: members } : {}),
  };
  return Object.keys(role).length === 1 ? value : role;
}

/**
 * Whether a pasted document lists every service principal of its tenant: the answer of an unfiltered
 * `GET /servicePrincipals` (`az rest --url …/servicePrincipals`) or of `az ad sp list --all`, on one page.
 * Without the command line it could be a filtered answer, which Graph shapes alike.
 */
export function listsEveryServicePrincipal(doc: PastedDocument): boolean {
  const value = obj(doc.value);
  if ("@odata.nextLink" in value) return false;
  const command = doc.command ?? "";
  return (
    /^az rest\b.*\/v1\.0\/servicePrincipals["']?(\s|$)/.test(command) ||
    (/^az ad sp list\b/.test(command) &&
      /\s--all\b/.test(command) &&
      !/\s--(filter|display-name|spn)\b/.test(command))
  );
}
