import { ClientSecretCredential } from "@azure/identity";
import { afterEach, describe, expect, it } from "vitest";
import { clientId, identityOptions, MODES, tenantId } from "../support/modes.js";
import {
  ACS_DATA_PLANE_SCOPE,
  confidentialClient,
  msalFailure,
  publicClient,
  signInWithPassword,
} from "./entra-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * MSAL Node and @azure/identity against Entra ID faults at the token endpoint. MSAL does not retry token
 * requests: it surfaces a 429/5xx as a ServerError and then, per its ThrottlingUtils, refuses the same
 * request itself until Retry-After has passed; the journal shows that the second refusal never left.
 */

describe.each(MODES)("Entra ID faults through MSAL (%s mode)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });
  afterEach(async () => {
    await sb.reset();
  });

  it("answers a 429 for one client id in the JSON MSAL reads, and MSAL throttles itself", async () => {
    // #region entra-throttle
    const teams = clientId(sb, "contoso-teams");
    sb.faults.add({ service: "entra", operation: "token", clientId: teams, status: 429, retryAfter: 30 });
    const app = publicClient(sb, "fabrikam");
    const { upn, password } = sb.descriptor.users.find((u) => u.name === "alice")!;
    const request = {
      username: upn,
      password,
      scopes: ["https://auth.msft.communication.azure.com/Teams.ManageCalls"],
    };

    const first = await msalFailure(app.acquireTokenByUsernamePassword(request));
    expect(first).toMatchObject({
      name: "ServerError",
      errorCode: "temporarily_unavailable",
      errorNo: "90006",
    });
    expect(first.message).toContain("AADSTS90006: The service is temporarily unavailable.");
    const [entry] = sb.requests({ operation: "token", client: teams });
    expect(entry).toMatchObject({ status: 429, errorCode: "AADSTS90006", fault: { kind: "status" } });

    // The same request again: MSAL answers from its throttling cache (a ServerError whose errorCode is
    // the remembered error_codes), and the token endpoint never sees it.
    const second = await msalFailure(app.acquireTokenByUsernamePassword(request));
    expect(second).toMatchObject({ name: "ServerError", errorCode: "90006" });
    expect(sb.countRequests({ operation: "token", client: teams })).toBe(1);
    // #endregion entra-throttle

    // Another app is not throttled.
    const backend = confidentialClient(sb, "contoso", "contoso-backend", "contoso-backend-secret");
    const token = await backend.acquireTokenByClientCredential({ scopes: [ACS_DATA_PLANE_SCOPE] });
    expect(token?.accessToken.split(".")).toHaveLength(3);
  });

  it("a 503 with Retry-After: @azure/identity's pipeline waits and retries where bare MSAL does not", async () => {
    sb.faults.add({ service: "entra", operation: "token", status: 503, retryAfter: 0, times: 1 });
    const credential = new ClientSecretCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      "contoso-backend-secret",
      identityOptions(sb),
    );
    const token = await credential.getToken(ACS_DATA_PLANE_SCOPE);
    expect(token.token.split(".")).toHaveLength(3);
    expect(sb.requests({ operation: "token" }).map((e) => e.status)).toEqual([503, 200]);
  });

  it("a 503 that does not stop: @azure/identity gives up with the AADSTS code", async () => {
    sb.faults.add({ service: "entra", operation: "token", status: 503, retryAfter: 0 });
    const credential = new ClientSecretCredential(
      tenantId(sb, "contoso"),
      clientId(sb, "contoso-backend"),
      "contoso-backend-secret",
      { ...identityOptions(sb), retryOptions: { maxRetries: 1 } },
    );
    const err = (await credential.getToken(ACS_DATA_PLANE_SCOPE).then(
      () => undefined,
      (e: unknown) => e,
    )) as { name?: string; message?: string } | undefined;
    expect(err?.name).toBe("AuthenticationRequiredError");
    expect(err?.message).toContain("AADSTS90006");
    expect(sb.countRequests({ operation: "token", status: 503 })).toBe(2);
  });

  it("a 500 is server_error, with no Retry-After", async () => {
    sb.faults.add({ service: "entra", operation: "token", status: 500, times: 1 });
    const failure = await msalFailure(signInWithPassword(sb, { user: "alice" }));
    expect(failure).toMatchObject({ name: "ServerError", errorCode: "server_error", errorNo: "90006" });
  });

  it("a dropped connection is MSAL's network_error, and MSAL does not retry", async () => {
    sb.faults.add({ service: "entra", operation: "token", drop: true, times: 1 });
    const failure = await msalFailure(signInWithPassword(sb, { user: "alice" }));
    expect(failure.errorCode).toBe("network_error");
    expect(sb.countRequests({ operation: "token" })).toBe(1);
    expect(sb.requests({ operation: "token" })[0]).toMatchObject({ status: 0, fault: { kind: "drop" } });
    const retried = await signInWithPassword(sb, { user: "alice" });
    expect(retried?.accessToken.split(".")).toHaveLength(3);
  });

  it("a slow token endpoint still signs the user in", async () => {
    sb.faults.add({ service: "entra", operation: "token", latency: "30ms" });
    const result = await signInWithPassword(sb, { user: "alice" });
    expect(result?.account?.username).toBe(sb.descriptor.users.find((u) => u.name === "alice")!.upn);
    expect(sb.requests({ operation: "token" })[0]).toMatchObject({ status: 200, fault: { kind: "latency" } });
  });
});
