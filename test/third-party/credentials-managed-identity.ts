import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningSandbox } from "../../harness/index.js";
import type { Mode } from "../support/modes.js";
import { createAcsIdentity, envLines, setCredentialEnv } from "./credentials-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * ManagedIdentityCredential and DefaultAzureCredential against the sandbox's IMDS and App Service
 * endpoints, with nothing but the environment a VM or App Service gives a process. msal-node picks its
 * managed identity source once per process (a static in ManagedIdentityClient), as on a real machine, so
 * each mode and source has its own test file and one sandbox.
 */

/** The default world's machine identity plus a user-assigned one with a role, and one the machine lacks. */
export const MANAGED_IDENTITY_WORLD = {
  tenants: {
    contoso: {
      managedIdentities: {
        "contoso-worker": { type: "userAssigned" },
        "contoso-elsewhere": { type: "userAssigned", assigned: false },
      },
    },
  },
  acs: {
    "contoso-acs": {
      roleAssignments: [
        { principal: "contoso/contoso-vm", role: "Contributor" },
        { principal: "contoso-worker", role: "Contributor" },
      ],
    },
  },
};

export type ManagedIdentitySource = "imds" | "appService";

function identity(sb: RunningSandbox, name: string) {
  return sb.descriptor.managedIdentities.find((mi) => mi.name === name)!;
}

export function describeManagedIdentity(mode: Mode, source: ManagedIdentitySource): void {
  describe(`managed identity through ${source === "imds" ? "IMDS" : "App Service"} (${mode} mode)`, () => {
    const sb = suiteSandbox({ mode, port: 0, world: MANAGED_IDENTITY_WORLD });
    let restoreEnv: () => void;
    beforeAll(async () => {
      const { imds, appService } = sb.descriptor.managedIdentityEnv;
      restoreEnv = setCredentialEnv(envLines(source === "imds" ? imds : appService));
    });
    // Runs before the sandbox closes: vitest runs after-hooks in the reverse of their order.
    afterAll(() => restoreEnv());

    it("DefaultAzureCredential gets the system-assigned identity's token and creates an ACS identity", async () => {
      const vm = identity(sb, "contoso-vm");
      const { user, claims } = await createAcsIdentity(sb, new DefaultAzureCredential());
      expect(user.communicationUserId).toMatch(/^8:acs:/);
      expect(claims).toMatchObject({
        aud: "https://communication.azure.com/",
        iss: `https://sts.windows.net/${sb.descriptor.tenants.find((t) => t.name === "contoso")!.id}/`,
        appid: vm.clientId,
        oid: vm.objectId,
        sub: vm.objectId,
        idtyp: "app",
        ver: "1.0",
        xms_mirid: vm.resourceId,
      });
      expect((claims.exp as number) - (claims.iat as number)).toBe(86_399);
    });

    it("ManagedIdentityCredential with a user-assigned client id gets that identity", async () => {
      const worker = identity(sb, "contoso-worker");
      const { user, claims } = await createAcsIdentity(
        sb,
        new ManagedIdentityCredential({ clientId: worker.clientId }),
      );
      expect(user.communicationUserId).toMatch(/^8:acs:/);
      expect(claims).toMatchObject({ appid: worker.clientId, oid: worker.objectId, idtyp: "app" });
    });

    it("selects a user-assigned identity by object id and by ARM resource id", async () => {
      const worker = identity(sb, "contoso-worker");
      for (const credential of [
        new ManagedIdentityCredential({ objectId: worker.objectId }),
        new ManagedIdentityCredential({ resourceId: worker.resourceId }),
      ]) {
        const token = await credential.getToken("https://communication.azure.com//.default");
        expect(token.token.split(".")).toHaveLength(3);
        const { claims } = await createAcsIdentity(sb, credential);
        expect(claims.oid).toBe(worker.objectId);
      }
    });

    it("refuses a user-assigned identity the machine does not have", async () => {
      const elsewhere = identity(sb, "contoso-elsewhere");
      expect(elsewhere.assigned).toBe(false);
      const credential = new ManagedIdentityCredential({ clientId: elsewhere.clientId });
      await expect(credential.getToken("https://communication.azure.com//.default")).rejects.toMatchObject({
        name: "CredentialUnavailableError",
        message: expect.stringContaining("Identity not found"),
      });
    });

    it("answers a resource the identity's tenant has no service principal of with AADSTS500011", async () => {
      const credential = new ManagedIdentityCredential();
      await expect(credential.getToken("https://vault.azure.net/.default")).rejects.toMatchObject({
        name: "CredentialUnavailableError",
        message: expect.stringContaining(
          "AADSTS500011: The resource principal named https://vault.azure.net was not found in the tenant named Contoso.",
        ),
      });
    });
  });
}
