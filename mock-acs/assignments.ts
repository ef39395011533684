import type { AcsResource, EntraAssignment, TeamsExtensionAssignment } from "./resources.js";

/*
 * Access assignments of each resource, for the two `/access/*` exchanges: who may exchange an Entra
 * token, and through which apps. The world file gives the assignments a resource starts with; the
 * assignment API changes them on top (a deletion is remembered as a tombstone), and a reset forgets the
 * changes, leaving the world's own.
 */

type Overlay<T> = Map<string, T | null>;

function effective<T>(seeded: [string, T][], overlay: Overlay<T> | undefined): Map<string, T> {
  const out = new Map(seeded);
  for (const [key, value] of overlay ?? []) {
    if (value === null) out.delete(key);
    else out.set(key, value);
  }
  return out;
}

function teamsKey(tenantId: string, objectId: string): string {
  return `${tenantId.toLowerCase()}/${objectId.toLowerCase()}`;
}

export class AssignmentStore {
  #teamsExtension = new Map<string, Overlay<TeamsExtensionAssignment>>();
  #entra = new Map<string, Overlay<EntraAssignment>>();

  #teamsOf(resource: AcsResource): Map<string, TeamsExtensionAssignment> {
    return effective(
      resource.teamsExtensionAssignments.map((a) => [teamsKey(a.tenantId, a.objectId), a]),
      this.#teamsExtension.get(resource.resourceId),
    );
  }

  #entraOf(resource: AcsResource): Map<string, EntraAssignment> {
    return effective(
      resource.entraAssignments.map((a) => [a.objectId.toLowerCase(), a]),
      this.#entra.get(resource.resourceId),
    );
  }

  teamsExtension(
    resource: AcsResource,
    tenantId: string,
    objectId: string,
  ): TeamsExtensionAssignment | undefined {
    return this.#teamsOf(resource).get(teamsKey(tenantId, objectId));
  }

  /** Creates or replaces; true when it did not exist before (201 rather than 200). */
  putTeamsExtension(resource: AcsResource, assignment: TeamsExtensionAssignment): boolean {
    const key = teamsKey(assignment.tenantId, assignment.objectId);
    const created = !this.#teamsOf(resource).has(key);
    this.#overlay(this.#teamsExtension, resource).set(key, assignment);
    return created;
  }

  deleteTeamsExtension(resource: AcsResource, tenantId: string, objectId: string): void {
    this.#overlay(this.#teamsExtension, resource).set(teamsKey(tenantId, objectId), null);
  }

  entraList(resource: AcsResource): EntraAssignment[] {
    return [...this.#entraOf(resource).values()];
  }

  entra(resource: AcsResource, objectId: string): EntraAssignment | undefined {
    return this.#entraOf(resource).get(objectId.toLowerCase());
  }

  putEntra(resource: AcsResource, assignment: EntraAssignment): boolean {
    const key = assignment.objectId.toLowerCase();
    const created = !this.#entraOf(resource).has(key);
    this.#overlay(this.#entra, resource).set(key, assignment);
    return created;
  }

  deleteEntra(resource: AcsResource, objectId: string): void {
    this.#overlay(this.#entra, resource).set(objectId.toLowerCase(), null);
  }

  clear(): void {
    this.#teamsExtension.clear();
    this.#entra.clear();
  }

  #overlay<T>(maps: Map<string, Overlay<T>>, resource: AcsResource): Overlay<T> {
    let overlay = maps.get(resource.resourceId);
    if (!overlay) maps.set(resource.resourceId, (overlay = new Map()));
    return overlay;
  }
}
