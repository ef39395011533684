import { describe, expect, it } from "vitest";
import { CommunicationIdentityClient } from "@azure/communication-identity";
import { MODES, user } from "../support/modes.js";
import { claimsOf, signInWithPassword } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * After the sandbox clock moves ahead, new tokens are dated no later than the real time (so a client that
 * checks `nbf` with its own clock accepts them) while they expire on sandbox time (so the sandbox and ACS
 * see them live, and expire them when the sandbox clock passes `exp`).
 */
describe.each(MODES)("Tokens issued after the sandbox clock moves (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  it("MSAL Node signs in two hours ahead; iat/nbf are real time, exp is sandbox time; ACS exchanges it", async () => {
    sb.clock.advance("2h");
    const result = await signInWithPassword(sb, { user: "alice" });
    const realNow = Math.floor(Date.now() / 1000);
    const sandboxNow = sb.clock.nowSeconds();
    for (const token of [result?.idToken, result?.accessToken]) {
      const claims = claimsOf(token);
      expect(claims.nbf).toBe(claims.iat);
      expect(claims.iat).toBeLessThanOrEqual(realNow);
      expect(claims.iat).toBeGreaterThan(realNow - 60);
      expect(claims.exp).toBeGreaterThan(sandboxNow + 3000);
    }

    const client = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
    const alice = user(sb, "alice");
    const exchanged = await client.getTokenForTeamsUser({
      teamsUserAadToken: result!.accessToken,
      clientId: claimsOf(result!.accessToken).appid as string,
      userObjectId: alice.objectId,
    });
    expect(exchanged.expiresOn.getTime()).toBe(claimsOf(result!.accessToken).exp! * 1000);
  });
});
