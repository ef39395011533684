import { describe, expect, it } from "vitest";
import { servicePrincipalObjectId } from "../../mock-aad/directory.js";
import { principalObjectId } from "../../harness/sandbox/role-assignments.js";
import { parseWorld, WorldError } from "../../harness/sandbox/world.js";

/* Role-assignment principals as a world names them, resolved to the object ids Azure RBAC stores. */

function resolved(principals: string[]) {
  const world = parseWorld({
    acs: { "contoso-acs": { roleAssignments: principals.map((principal) => ({ principal })) } },
  });
  // The resource's own assignments come first; those inherited from its subscription (carol's Owner) follow.
  const own = world.resources[0]!.roleAssignments.slice(0, principals.length);
  return { world, ids: own.map((a) => a.principal) };
}

describe("role assignment principals", () => {
  it("resolve users, app registrations and raw object ids to object ids", () => {
    const raw = "0b7c2c6e-3f5a-4d8e-9a11-2f4b6c8d0e12";
    const { world, ids } = resolved(["contoso/dave", "alice", "contoso-backend", raw.toUpperCase()]);
    const tenant = (name: string) => world.directory.tenants.find((t) => t.name === name)!;
    const userId = (t: string, u: string) => tenant(t).users.find((x) => x.name === u)!.objectId;
    const backend = world.directory.apps.find((a) => a.name === "contoso-backend")!;
    expect(ids).toEqual([
      userId("contoso", "dave"),
      userId("fabrikam", "alice"),
      servicePrincipalObjectId(tenant("contoso").id, backend.clientId),
      raw,
    ]);
    expect(world.resources[0]!.tenantId).toBe(tenant("contoso").id);
  });

  it("an app registration's client id means its service principal, never the client id itself", () => {
    const probe = parseWorld({});
    const backend = probe.directory.apps.find((a) => a.name === "contoso-backend")!;
    const { ids } = resolved([backend.clientId]);
    expect(ids[0]).not.toBe(backend.clientId);
    expect(ids[0]).toBe(servicePrincipalObjectId(backend.homeTenantId, backend.clientId));
  });

  it("a managed identity's name means its object id", () => {
    const objectId = "7d1c9e2a-4b3f-4c5d-8e6f-0a1b2c3d4e5f";
    const { directory } = parseWorld({
      tenants: { contoso: { managedIdentities: { "billing-job": { type: "userAssigned", objectId } } } },
    });
    expect(principalObjectId(directory, undefined, "billing-job", ["p"])).toBe(objectId);
  });

  it("a name that is no principal is refused with its path", () => {
    expect(() => resolved(["nobody"])).toThrow(WorldError);
    expect(() => resolved(["nobody"])).toThrow(
      /acs\.contoso-acs\.roleAssignments\[0\]\.principal.*Unknown principal "nobody"/,
    );
    expect(() => resolved(["fabrikam/dave"])).toThrow(/Unknown user "fabrikam\/dave"/);
  });
});
