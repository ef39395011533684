import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { ACS_APP_ID, graphAsUser } from "../third-party/graph-support.js";

/*
 * World edits are state like any other: made through Graph (the Microsoft Graph SDK, as an admin script
 * makes them) or `sb.editWorld`, they are kept in the data dir, a restart on the same data dir and the
 * same loaded world finds them, and reset returns to the loaded world.
 */

const dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-world-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const WORLD = { tenants: { fabrikam: { servicePrincipals: ["graph", "contoso-teams", "contoso-phone"] } } };

let sb: RunningSandbox | undefined;
afterEach(async () => {
  await sb?.close();
  sb = undefined;
});

async function acsServicePrincipals(running: RunningSandbox): Promise<unknown[]> {
  const found = await graphAsUser(running, "admin")
    .api("/servicePrincipals")
    .filter(`appId eq '${ACS_APP_ID}'`)
    .get();
  return found.value as unknown[];
}

describe("world edits in the data dir", () => {
  it("survive a restart on the same data dir; reset returns to the loaded world", async () => {
    sb = await startSandbox({ mode: "intercept", dataDir, world: WORLD });
    expect(await acsServicePrincipals(sb)).toEqual([]);
    // Admin step 7 through Graph, and a display name through the public edit API.
    await graphAsUser(sb, "admin").api("/servicePrincipals").post({ appId: ACS_APP_ID });
    sb.editWorld({ tenants: { fabrikam: { displayName: "Fabrikam (renamed)" } } });
    await sb.close();

    sb = await startSandbox({ mode: "intercept", dataDir, world: WORLD });
    expect(await acsServicePrincipals(sb)).toHaveLength(1);
    expect(sb.world.tenants.fabrikam?.displayName).toBe("Fabrikam (renamed)");

    await sb.reset();
    expect(await acsServicePrincipals(sb)).toEqual([]);
    expect(sb.world.tenants.fabrikam?.displayName).not.toBe("Fabrikam (renamed)");
    await sb.close();

    // The reset is kept too: the next start begins from the loaded world.
    sb = await startSandbox({ mode: "intercept", dataDir, world: WORLD });
    expect(await acsServicePrincipals(sb)).toEqual([]);
  });

  it("start from the loaded world when it is another one than the edits were made on", async () => {
    sb = await startSandbox({ mode: "intercept", dataDir, world: WORLD });
    sb.editWorld({ tenants: { fabrikam: { displayName: "Edited" } } });
    await sb.persisted();
    await sb.close();

    sb = await startSandbox({
      mode: "intercept",
      dataDir,
      world: { tenants: { fabrikam: { displayName: "Other" } } },
    });
    expect(sb.world.tenants.fabrikam?.displayName).toBe("Other");
  });
});
