import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";

/*
 * A client that opens /authorize in a loop and never finishes a sign-in: past the bound on sign-ins in
 * progress for its address, Entra's throttling answer comes back to the app, with its state; once the
 * abandoned sign-ins lapse on the sandbox clock, the same client signs in again.
 */

const BOUND = 1_000;

describe("a flood of abandoned sign-ins from one address (server mode)", () => {
  let sb: RunningSandbox;
  beforeAll(async () => {
    sb = await startSandbox({ mode: "server", port: 0 });
  });
  afterAll(async () => sb?.close());

  const authorize = (state: string) => {
    const fabrikam = sb.descriptor.tenants.find((t) => t.name === "fabrikam")!;
    const app = sb.descriptor.apps.find((a) => a.name === "contoso-teams")!;
    const url = new URL(`${sb.descriptor.baseUrl}/${fabrikam.id}/oauth2/v2.0/authorize`);
    for (const [k, v] of Object.entries({
      client_id: app.clientId,
      response_type: "code",
      redirect_uri: "http://localhost",
      scope: "openid",
      state,
    }))
      url.searchParams.set(k, v);
    return fetch(url, { redirect: "manual" });
  };

  it("answers AADSTS50196 to the app past the bound, and signs in again once they lapse", async () => {
    for (let batch = 0; batch < BOUND / 50; batch++) {
      const pages = await Promise.all(Array.from({ length: 50 }, (_, i) => authorize(`s${batch}-${i}`)));
      expect(pages.map((p) => p.status)).toEqual(Array(50).fill(200));
      await Promise.all(pages.map((p) => p.arrayBuffer()));
    }

    const refused = await authorize("one-too-many");
    expect(refused.status).toBe(302);
    const location = new URL(refused.headers.get("location")!);
    expect(location.origin).toBe("http://localhost");
    expect(location.searchParams.get("error")).toBe("invalid_grant");
    expect(location.searchParams.get("error_description")).toMatch(
      /^AADSTS50196: The server terminated an operation because it encountered a client request loop\./,
    );
    expect(location.searchParams.get("state")).toBe("one-too-many");

    await fetch(`${sb.descriptor.baseUrl}/_sandbox/clock`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ advance: "61m" }),
    });
    const again = await authorize("after-they-lapsed");
    expect(again.status).toBe(200);
    expect(await again.text()).toContain("Sign in");
  });
});
