import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { HeadlessUser } from "../../harness/user-agent.js";
import { MODES, clientId, tenantId, user } from "../support/modes.js";
import { ACS_RESOURCE, claimsOf } from "./entra-support.js";
import { person, signInInteractively } from "./entra-interactive-support.js";

describe.each(MODES)("interactive sign-in through msal-node acquireTokenInteractive (%s)", (mode) => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ mode, port: 0 });
  });
  afterAll(async () => {
    await sb?.close();
  });

  it("signs alice in through the pages and form_post, with an ACS token for her", async () => {
    const browser = new HeadlessUser(person(sb, "alice"));
    const run = await signInInteractively(sb, { tenant: "fabrikam", browser });
    expect(run.error).toBeUndefined();
    expect(run.outcome?.kind).toBe("form_post");
    const alice = user(sb, "alice");
    const claims = claimsOf(run.result!.accessToken);
    expect(claims.aud).toBe(ACS_RESOURCE);
    expect(claims.tid).toBe(tenantId(sb, "fabrikam"));
    expect(claims.appid).toBe(clientId(sb, "contoso-teams"));
    expect(claims.oid).toBe(alice.objectId);
    expect(claims.scp).toBe("Teams.ManageCalls Teams.ManageChats");
    expect(run.result!.uniqueId).toBe(alice.objectId);
    expect(run.result!.account?.username).toBe(alice.upn);
  });
});
