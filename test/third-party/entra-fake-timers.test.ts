import { PublicClientApplication } from "@azure/msal-node";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { clientId, user } from "../support/modes.js";

/*
 * MSAL judges its cache by the machine's clock, which `sb.clock.advance()` does not move. The sandbox
 * clock runs on `Date.now()` plus its offset, so moving the process's Date (vitest fake timers) moves
 * MSAL and the sandbox together: a silent call then refreshes by itself, as it would an hour later.
 */

let sb: RunningSandbox | undefined;
afterEach(async () => {
  vi.useRealTimers();
  await sb?.close();
});

describe("time moved for MSAL and the sandbox at once (intercept mode)", () => {
  it("acquireTokenSilent refreshes an expired token without forceRefresh", async () => {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    sb = await startSandbox({ mode: "intercept" });
    const alice = user(sb, "alice");
    const fabrikam = sb.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const msal = new PublicClientApplication({
      auth: {
        clientId: clientId(sb, "contoso-teams"),
        authority: `https://login.microsoftonline.com/${fabrikam.id}`,
      },
    });
    const scopes = ["https://auth.msft.communication.azure.com/Teams.ManageCalls"];
    const first = await msal.acquireTokenByUsernamePassword({
      scopes,
      username: alice.upn,
      password: alice.password,
    });

    vi.setSystemTime(Date.now() + 2 * 3_600_000);
    const second = await msal.acquireTokenSilent({ scopes, account: first!.account! });

    expect(second.accessToken).not.toBe(first!.accessToken);
    expect(second.fromCache).toBe(false);
    const iat = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).iat;
    expect(iat(second.accessToken) - iat(first!.accessToken)).toBeGreaterThanOrEqual(2 * 3600);
  });
});
