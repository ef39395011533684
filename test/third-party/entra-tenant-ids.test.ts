import { PublicClientApplication } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { MODES, clientId, msalAuth, user } from "../support/modes.js";
import { ACS_SCOPES, claimsOf } from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

// A world may write GUIDs in upper case; Entra writes them in lower case and finds them either way.
const FABRIKAM_ID = "6A1B2C3D-4E5F-4071-8293-A4B5C6D7E8F9";

describe.each(MODES)("tenant ids written in upper case (%s)", (mode) => {
  const sb = suiteSandbox({
    mode,
    port: 0,
    world: { extends: "default", tenants: { fabrikam: { id: FABRIKAM_ID } } },
  });

  it.each([FABRIKAM_ID, FABRIKAM_ID.toLowerCase()])("alice signs in through /%s/", async (segment) => {
    const alice = user(sb, "alice");
    const pca = new PublicClientApplication({
      auth: { clientId: clientId(sb, "contoso-teams"), ...msalAuth(sb, segment) },
    });
    const result = await pca.acquireTokenByUsernamePassword({
      scopes: ACS_SCOPES,
      username: alice.upn,
      password: alice.password,
    });
    expect(claimsOf(result!.accessToken).tid).toBe(FABRIKAM_ID.toLowerCase());
    expect(sb.descriptor.tenants.find((t) => t.name === "fabrikam")!.id).toBe(FABRIKAM_ID.toLowerCase());
  });
});
