import type { SandboxStore } from "../core/store.js";
import type { AcsResource, EntraAssignment, TeamsExtensionAssignment } from "./resources.js";

/*
 * Access assignments of each resource, for the two `/access/*` exchanges: who may exchange an Entra
 * token, and through which apps. The world file gives the assignments a resource starts with; the
 * assignment API changes them on top (a deletion is remembered as a tombstone), kept in the sandbox's
 * store, and a reset forgets the changes, leaving the world's own.
 */

/** A change over the world's assignments: the assignment, or null for a deletion. */
interface Change<T> {
  key: string;
  assignment: T | null;
}

const TEAMS_KIND = "acs.assignment.teams-extension";
const ENTRA_KIND = "acs.assignment.entra";

function teamsKey(tenantId: string, objectId: string): string {
  return `${tenantId.toLowerCase()}/${objectId.toLowerCase()}`;
}

export class AssignmentStore {
  constructor(private readonly store: SandboxStore) {
    // Assignments are the resource's configuration: they survive restarts.
    for (const kind of [TEAMS_KIND, ENTRA_KIND]) store.declareKind(kind, "durable");
  }

  async #effective<T>(kind: string, resource: AcsResource, seeded: [string, T][]): Promise<Map<string, T>> {
    const out = new Map(seeded);
    for (const { value } of await this.store.list<Change<T>>(kind, resource.resourceId)) {
      if (value.assignment === null) out.delete(value.key);
      else out.set(value.key, value.assignment);
    }
    return out;
  }

  #teamsOf(resource: AcsResource): Promise<Map<string, TeamsExtensionAssignment>> {
    return this.#effective(
      TEAMS_KIND,
      resource,
      resource.teamsExtensionAssignments.map((a) => [teamsKey(a.tenantId, a.objectId), a]),
    );
  }

  #entraOf(resource: AcsResource): Promise<Map<string, EntraAssignment>> {
    return this.#effective(
      ENTRA_KIND,
      resource,
      resource.entraAssignments.map((a) => [a.objectId.toLowerCase(), a]),
    );
  }

  #change<T>(kind: string, resource: AcsResource, key: string, assignment: T | null): Promise<void> {
    const change: Change<T> = { key, assignment };
    return this.store.put(kind, `${resource.resourceId}/${key}`, change, { group: resource.resourceId });
  }

  async teamsExtension(
    resource: AcsResource,
    tenantId: string,
    objectId: string,
  ): Promise<TeamsExtensionAssignment | undefined> {
    return (await this.#teamsOf(resource)).get(teamsKey(tenantId, objectId));
  }

  /** Creates or replaces; true when it did not exist before (201 rather than 200). */
  async putTeamsExtension(resource: AcsResource, assignment: TeamsExtensionAssignment): Promise<boolean> {
    const key = teamsKey(assignment.tenantId, assignment.objectId);
    const created = !(await this.#teamsOf(resource)).has(key);
    await this.#change(TEAMS_KIND, resource, key, assignment);
    return created;
  }

  deleteTeamsExtension(resource: AcsResource, tenantId: string, objectId: string): Promise<void> {
    return this.#change(TEAMS_KIND, resource, teamsKey(tenantId, objectId), null);
  }

  async entraList(resource: AcsResource): Promise<EntraAssignment[]> {
    return [...(await this.#entraOf(resource)).values()];
  }

  async entra(resource: AcsResource, objectId: string): Promise<EntraAssignment | undefined> {
    return (await this.#entraOf(resource)).get(objectId.toLowerCase());
  }

  async putEntra(resource: AcsResource, assignment: EntraAssignment): Promise<boolean> {
    const key = assignment.objectId.toLowerCase();
    const created = !(await this.#entraOf(resource)).has(key);
    await this.#change(ENTRA_KIND, resource, key, assignment);
    return created;
  }

  deleteEntra(resource: AcsResource, objectId: string): Promise<void> {
    return this.#change(ENTRA_KIND, resource, objectId.toLowerCase(), null);
  }

  clear(): Promise<void> {
    return this.store.clear([TEAMS_KIND, ENTRA_KIND]);
  }
}
