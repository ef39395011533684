import { describe, expect, it } from "vitest";
import { defaultWorld, parseWorld, WorldError } from "../../harness/sandbox/world.js";

/* ACS access assignments in a world file name users, tenants and apps; the world resolves them to ids. */

describe("ACS access assignments in the world", () => {
  it("resolves the default world's assignments to tenant, object and client ids", () => {
    const world = defaultWorld();
    const fabrikam = world.directory.tenants.find((t) => t.name === "fabrikam")!;
    const contoso = world.directory.tenants.find((t) => t.name === "contoso")!;
    const app = (name: string) => world.directory.apps.find((a) => a.name === name)!.clientId;
    const [resource] = world.resources;
    expect(resource!.teamsExtensionAssignments).toEqual([
      {
        tenantId: fabrikam.id,
        objectId: fabrikam.users.find((u) => u.name === "alice")!.objectId,
        principalType: "user",
        clientIds: [app("contoso-phone")],
      },
    ]);
    expect(resource!.entraAssignments).toEqual([
      {
        tenantId: contoso.id,
        objectId: contoso.users.find((u) => u.name === "dave")!.objectId,
        principalType: "user",
        clientIds: [app("contoso-calling")],
      },
    ]);
  });

  it("names the assignment of an unknown user, with the line to fix", () => {
    const attempt = () =>
      parseWorld({
        acs: { "contoso-acs": { teamsExtensionAssignments: [{ user: "fabrikam/zoe", clients: [] }] } },
      });
    expect(attempt).toThrow(WorldError);
    expect(attempt).toThrow(/Unknown user "fabrikam\/zoe" in an ACS access assignment/);
  });

  it("takes a tenant-wide Entra ID users assignment by the tenant's name", () => {
    const world = parseWorld({
      acs: {
        "contoso-acs": {
          entraAssignments: [{ principal: "fabrikam", principalType: "tenant", clients: [] }],
        },
      },
    });
    const fabrikam = world.directory.tenants.find((t) => t.name === "fabrikam")!;
    expect(world.resources[0]!.entraAssignments).toEqual([
      { objectId: fabrikam.id, tenantId: fabrikam.id, principalType: "tenant", clientIds: [] },
    ]);
  });
});
