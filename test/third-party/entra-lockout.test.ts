import { PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { clientId, msalAuth, MODES, user } from "../support/modes.js";
import { ACS_SCOPES, msalFailure, signInWithPassword } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/* Smart lockout as a world setting: wrong passwords count across ROPC and the sign-in page alike. */

// #region lockout-world
const WORLD = { tenants: { fabrikam: { lockout: { threshold: 2, duration: "5m" } } } };
// #endregion lockout-world

describe.each(MODES)("smart lockout (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0, world: WORLD });

  const signInPage = async (password: string) => {
    const url = await new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, "fabrikam") },
    }).getAuthCodeUrl({ scopes: ACS_SCOPES, redirectUri: "http://localhost:3000" });
    return new HeadlessUser({ username: user(sb, "bob").upn, password }).navigate(url);
  };

  it("locks the account on the sign-in page, then ROPC too, until the duration passes", async () => {
    expect(await signInPage("wrong")).toMatchObject({ kind: "page", aadsts: 50126 });
    expect(await signInPage("wrong")).toMatchObject({ kind: "page", aadsts: 50126 });
    const locked = await signInPage(user(sb, "bob").password);
    expect(locked).toMatchObject({ kind: "page", status: 400, aadsts: 50053 });
    expect(locked.kind === "page" && locked.text).toContain(
      "The account is locked, you've tried to sign in too many times with an incorrect user ID or password.",
    );
    expect(await msalFailure(signInWithPassword(sb, { user: "bob" }))).toMatchObject({
      errorNo: "50053",
      errorCode: "invalid_grant",
    });
    sb.clock.advance("5m");
    expect((await signInWithPassword(sb, { user: "bob" }))?.account?.username).toBe(user(sb, "bob").upn);
  });

  it("a right password starts the count again; a tenant without lockout never locks", async () => {
    await msalFailure(signInWithPassword(sb, { user: "alice", password: "wrong" }));
    await signInWithPassword(sb, { user: "alice" });
    await msalFailure(signInWithPassword(sb, { user: "alice", password: "wrong" }));
    expect((await signInWithPassword(sb, { user: "alice" }))?.accessToken).toBeTruthy();
    for (let i = 0; i < 5; i++) {
      expect(await msalFailure(signInWithPassword(sb, { user: "dave", password: "wrong" }))).toMatchObject({
        errorNo: "50126",
      });
    }
  });
});
