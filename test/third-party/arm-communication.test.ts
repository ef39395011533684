import { CommunicationServiceManagementClient } from "@azure/arm-communication";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { TokenCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { suiteSandbox } from "../../harness/transports/vitest.js";
import { rejection } from "../support/rest-error.js";
import { admin, ARM_WORLD, backend, resourceGroupOf, subscriptionId } from "./arm-support.js";

/*
 * Azure Resource Manager for the Communication Services resource, driven by @azure/arm-communication as
 * an admin would: the resource, its keys, their rotation, a new resource. ARM's changes are the world's:
 * the data plane's HMAC and the descriptor follow them at once.
 */

const DENIED = { statusCode: 401, code: "Denied", message: "Denied by the resource provider." };

describe("Microsoft.Communication through @azure/arm-communication (intercept mode)", () => {
  const sb = suiteSandbox({ mode: "intercept", world: ARM_WORLD });
  const contosoAcs = () => sb.descriptor.acs.find((a) => a.name === "contoso-acs")!;
  const client = (credential: TokenCredential = admin(sb, "contoso", "carol")) =>
    new CommunicationServiceManagementClient(credential, subscriptionId(sb, "contoso"));

  it("gets and lists the resource under its ARM id, with the immutable id ACS tokens carry", async () => {
    const acs = contosoAcs();
    const group = resourceGroupOf(acs.armId);
    const got = await client().communicationServices.get(group, "contoso-acs");
    expect(got).toMatchObject({
      id: acs.armId,
      name: "contoso-acs",
      location: "global",
      provisioningState: "Succeeded",
      hostName: "contoso-acs.communication.azure.com",
      dataLocation: "United States",
      immutableResourceId: acs.resourceId,
    });
    const listed = [];
    for await (const r of client().communicationServices.listBySubscription()) listed.push(r.id);
    expect(listed).toContain(acs.armId);
    const inGroup = [];
    for await (const r of client().communicationServices.listByResourceGroup(group)) inGroup.push(r.name);
    expect(inGroup).toEqual(["contoso-acs"]);
  });

  it("a resource that does not exist is ARM's ResourceNotFound", async () => {
    const group = resourceGroupOf(contosoAcs().armId);
    expect(await rejection(client().communicationServices.get(group, "nowhere"))).toEqual({
      statusCode: 404,
      code: "ResourceNotFound",
      message: `The Resource 'Microsoft.Communication/communicationServices/nowhere' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
    });
  });

  it("listKeys gives the descriptor's connection string, and the Identity SDK works with it", async () => {
    const acs = contosoAcs();
    const credential = admin(sb, "contoso", "carol");
    // #region arm-list-keys
    const management = new CommunicationServiceManagementClient(credential, subscriptionId(sb, "contoso"));
    const keys = await management.communicationServices.listKeys("contoso-sandbox", "contoso-acs");
    const identity = new CommunicationIdentityClient(keys.primaryConnectionString!);
    // #endregion arm-list-keys
    expect(keys.primaryConnectionString).toBe(acs.connectionString);
    const created = await identity.createUser();
    expect(created.communicationUserId).toMatch(/^8:acs:/);
  });

  it("regenerateKey: the old connection string gets 401 Denied, the new one works", async () => {
    const acs = contosoAcs();
    const group = resourceGroupOf(acs.armId);
    const before = await client().communicationServices.listKeys(group, "contoso-acs");
    const after = await client().communicationServices.regenerateKey(group, "contoso-acs", {
      keyType: "Primary",
    });
    expect(after.primaryKey).not.toBe(before.primaryKey);
    expect(after.secondaryKey).toBe(before.secondaryKey);
    expect(
      await rejection(new CommunicationIdentityClient(before.primaryConnectionString!).createUser()),
    ).toEqual(DENIED);
    const created = await new CommunicationIdentityClient(after.primaryConnectionString!).createUser();
    expect(created.communicationUserId).toMatch(/^8:acs:/);
    // The descriptor shows the new key, as the portal would.
    expect(contosoAcs().connectionString).toBe(after.primaryConnectionString);
  });

  it("a Reader cannot regenerate keys: AuthorizationFailed, ARM's message", async () => {
    const acs = contosoAcs();
    const rita = sb.descriptor.users.find((u) => u.name === "rita")!;
    const call = client(admin(sb, "contoso", "rita")).communicationServices.regenerateKey(
      resourceGroupOf(acs.armId),
      "contoso-acs",
      { keyType: "Secondary" },
    );
    expect(await rejection(call)).toEqual({
      statusCode: 403,
      code: "AuthorizationFailed",
      message: `The client '${rita.upn}' with object id '${rita.objectId}' does not have authorization to perform action 'Microsoft.Communication/CommunicationServices/RegenerateKey/action' over scope '${acs.armId}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    });
    // Reading is a Reader's right.
    const got = await client(admin(sb, "contoso", "rita")).communicationServices.get(
      resourceGroupOf(acs.armId),
      "contoso-acs",
    );
    expect(got.name).toBe("contoso-acs");
  });

  it("the back end's Contributor role on the resource lets it list the keys by client secret", async () => {
    const acs = contosoAcs();
    const keys = await client(backend(sb)).communicationServices.listKeys(
      resourceGroupOf(acs.armId),
      "contoso-acs",
    );
    expect(keys.primaryConnectionString).toBe(contosoAcs().connectionString);
  });

  it("a resource created with beginCreateOrUpdateAndWait appears in the descriptor and answers HMAC", async () => {
    const group = resourceGroupOf(contosoAcs().armId);
    const created = await client().communicationServices.beginCreateOrUpdateAndWait(
      group,
      "contoso-acs-eu",
      { location: "global", dataLocation: "Europe", tags: { team: "calling" } },
      { updateIntervalInMs: 10 },
    );
    expect(created).toMatchObject({
      name: "contoso-acs-eu",
      provisioningState: "Succeeded",
      dataLocation: "Europe",
    });
    const listed = sb.descriptor.acs.find((a) => a.name === "contoso-acs-eu");
    expect(listed).toMatchObject({ armId: created.id, resourceId: created.immutableResourceId });
    const keys = await client().communicationServices.listKeys(group, "contoso-acs-eu");
    expect(listed!.connectionString).toBe(keys.primaryConnectionString);
    const user = await new CommunicationIdentityClient(keys.primaryConnectionString!).createUser();
    expect(user.communicationUserId).toMatch(/^8:acs:/);
  });
});

describe("Microsoft.Communication on the sandbox's own origin (server mode)", () => {
  const sb = suiteSandbox({ mode: "server", port: 0, world: ARM_WORLD });

  it("the management SDK pointed at the sandbox's base URL reads the resource and its keys", async () => {
    const acs = sb.descriptor.acs.find((a) => a.name === "contoso-acs")!;
    const client = new CommunicationServiceManagementClient(
      admin(sb, "contoso", "carol"),
      subscriptionId(sb, "contoso"),
      {
        endpoint: sb.descriptor.baseUrl,
        credentialScopes: ["https://management.azure.com/.default"],
      },
    );
    const got = await client.communicationServices.get(resourceGroupOf(acs.armId), "contoso-acs");
    expect(got.immutableResourceId).toBe(acs.resourceId);
    const keys = await client.communicationServices.listKeys(resourceGroupOf(acs.armId), "contoso-acs");
    expect(keys.primaryKey).toBe(/accesskey=(.*)$/.exec(acs.connectionString)![1]);
  });
});
