import { DeviceCodeCredential } from "@azure/identity";
import type { DeviceCodeRequest } from "@azure/msal-node";
import { describe, expect, it } from "vitest";
import { startSandbox, type RunningSandbox } from "../../harness/index.js";
import { HeadlessUser, type Outcome, type Person } from "../../harness/runner/user-agent.js";
import { MODES, clientId, identityOptions, tenantId, user } from "../support/modes.js";
import { ACS_RESOURCE, ACS_SCOPES, claimsOf, msalFailure, publicClient } from "./entra-support.js";
import { loginOrigin, person } from "./entra-interactive-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

type DeviceCodeResponse = Parameters<DeviceCodeRequest["deviceCodeCallback"]>[0];

/** Polls the token endpoint once by hand, as a device would. */
async function poll(sb: RunningSandbox, form: Record<string, string>) {
  const response = await fetch(`${loginOrigin(sb)}/${tenantId(sb, "fabrikam")}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function requestDeviceCode(sb: RunningSandbox) {
  const response = await fetch(`${loginOrigin(sb)}/${tenantId(sb, "fabrikam")}/oauth2/v2.0/devicecode`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: clientId(sb, "contoso-teams"),
      scope: `${ACS_SCOPES.join(" ")} openid profile offline_access`,
    }).toString(),
  });
  return (await response.json()) as Record<string, string | number>;
}

describe.each(MODES)("device code flow (%s)", (mode) => {
  const sb = suiteSandbox({ mode, port: 0 });

  /** msal-node's device code flow, with the person completing the code on the verification page. */
  async function deviceSignIn(who: Person) {
    let shown: DeviceCodeResponse | undefined;
    let walk: Promise<Outcome> | undefined;
    const result = publicClient(sb, "fabrikam").acquireTokenByDeviceCode({
      scopes: ACS_SCOPES,
      deviceCodeCallback: (response) => {
        shown = response;
        walk = new HeadlessUser(who).navigate(response.verificationUri, response.userCode);
      },
    });
    return { result, shown: () => shown!, outcome: () => walk! };
  }

  it("msal-node acquireTokenByDeviceCode: alice enters the code, signs in and confirms", async () => {
    const flow = await deviceSignIn(person(sb, "alice"));
    const result = await flow.result;
    const outcome = await flow.outcome();
    expect(outcome).toMatchObject({ kind: "page" });
    if (outcome.kind === "page")
      expect(outcome.text).toContain("You have signed in to the Contoso Teams application");
    const shown = flow.shown();
    expect(shown.verificationUri).toBe(`${loginOrigin(sb)}/common/oauth2/deviceauth`);
    expect(shown.expiresIn).toBe(900);
    expect(shown.interval).toBe(1); // vitest.config.ts sets ACS_SANDBOX_DEVICE_CODE_INTERVAL
    expect(shown.message).toContain(shown.userCode);
    const claims = claimsOf(result!.accessToken);
    expect(claims.aud).toBe(ACS_RESOURCE);
    expect(claims.oid).toBe(user(sb, "alice").objectId);
    expect(claims.appid).toBe(clientId(sb, "contoso-teams"));
    expect(result!.uniqueId).toBe(user(sb, "alice").objectId);
  });

  it("@azure/identity DeviceCodeCredential: the prompt callback's code completed on the page", async () => {
    let outcome: Promise<Outcome> | undefined;
    const credential = new DeviceCodeCredential({
      tenantId: tenantId(sb, "fabrikam"),
      clientId: clientId(sb, "contoso-teams"),
      userPromptCallback: (info) => {
        outcome = new HeadlessUser(person(sb, "bob")).navigate(info.verificationUri, info.userCode);
      },
      ...identityOptions(sb),
    });
    const token = await credential.getToken(ACS_SCOPES);
    expect((await outcome!).kind).toBe("page");
    expect(claimsOf(token.token).oid).toBe(user(sb, "bob").objectId);
  });

  it("announces Entra's 5 s polling interval, or the one the sandbox was started with", async () => {
    // One at a time: in intercept mode the newest sandbox answers.
    for (const [interval, seconds] of [
      ["5s", 5],
      ["2s", 2],
    ] as const) {
      const other = await startSandbox({ mode, port: 0, deviceCodeInterval: interval });
      try {
        expect((await requestDeviceCode(other)).interval).toBe(seconds);
      } finally {
        await other.close();
      }
    }
  });

  it("authorization_declined when the person presses Cancel on 'Are you trying to sign in?'", async () => {
    const flow = await deviceSignIn(person(sb, "alice", { deviceConfirmation: "cancel" }));
    const failure = await msalFailure(flow.result);
    expect(failure.errorCode).toBe("post_request_failed");
    expect(failure.message).toContain("authorization_declined");
  });

  it("expired_token (70019) when the code is used after 15 minutes on the sandbox clock", async () => {
    const result = publicClient(sb, "fabrikam").acquireTokenByDeviceCode({
      scopes: ACS_SCOPES,
      deviceCodeCallback: () => sb.clock.advance("16m"),
    });
    const failure = await msalFailure(result);
    expect(failure.message).toContain("expired_token");
  });

  it("authorization_pending (70016) while the person has not finished, with the URN grant type", async () => {
    const code = await requestDeviceCode(sb);
    const answer = await poll(sb, {
      grant_type: "urn:ietf:params:oauth:grant-type:device_code",
      client_id: clientId(sb, "contoso-teams"),
      device_code: String(code.device_code),
    });
    expect(answer).toMatchObject({
      status: 400,
      body: { error: "authorization_pending", error_codes: [70016] },
    });
  });

  it("bad_verification_code (70018) for a device code the sandbox never issued", async () => {
    const answer = await poll(sb, {
      grant_type: "device_code",
      client_id: clientId(sb, "contoso-teams"),
      device_code: "DAQABAAEAAAnot-a-real-code",
    });
    expect(answer.body).toMatchObject({ error: "bad_verification_code", error_codes: [70018] });
  });

  it("a mistyped user code is refused on the verification page (70018)", async () => {
    const code = await requestDeviceCode(sb);
    const outcome = await new HeadlessUser(person(sb, "alice")).navigate(
      String(code.verification_uri),
      "WRONGCODE",
    );
    expect(outcome).toMatchObject({ kind: "page", title: "Enter code", aadsts: 70018 });
  });
});

describe.each(MODES)("device code with public client flows off (%s)", (mode) => {
  const sb = suiteSandbox({
    mode,
    port: 0,
    world: { apps: { "contoso-teams": { publicClientFlows: false } } },
  });

  it("7000218: msal-node's first poll fails with invalid_client", async () => {
    const failure = await msalFailure(
      publicClient(sb, "fabrikam").acquireTokenByDeviceCode({
        scopes: ACS_SCOPES,
        deviceCodeCallback: () => {},
      }),
    );
    expect(failure.errorCode).toBe("post_request_failed");
    expect(failure.message).toContain("invalid_client");
    const code = await requestDeviceCode(sb);
    const answer = await poll(sb, {
      grant_type: "device_code",
      client_id: clientId(sb, "contoso-teams"),
      device_code: String(code.device_code),
    });
    expect(answer).toMatchObject({ status: 401, body: { error: "invalid_client", error_codes: [7000218] } });
  });
});
