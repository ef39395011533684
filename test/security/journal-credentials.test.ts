import { CommunicationIdentityClient } from "@azure/communication-identity";
import { ClientSecretCredential, DeviceCodeCredential } from "@azure/identity";
import { describe, expect, it } from "vitest";
import { HeadlessUser } from "../../harness/runner/user-agent.js";
import { clientId, identityOptions, tenantId, user } from "../support/modes.js";
import {
  ACS_DATA_PLANE_SCOPE,
  ACS_SCOPES,
  claimsOf,
  publicClient,
  signInWithPassword,
} from "../third-party/entra-support.js";
import { person, signInInteractively } from "../third-party/entra-interactive-support.js";
import { suiteSandbox } from "../../harness/transports/vitest.js";

/*
 * After every kind of flow the real clients run (ROPC, refresh, device code, interactive with consent
 * pages and cookies, client credentials, the Teams exchange, ACS tokens), the whole journal is scanned,
 * and every string in it is tried as a credential against the sandbox: as a password, a client secret,
 * a refresh token, an authorization code, a device code and an ACS token. None may work.
 */

const sb = suiteSandbox({ mode: "intercept" });

async function runEveryFlow(): Promise<void> {
  const alice = user(sb, "alice");
  const ropc = (await signInWithPassword(sb, { user: "alice" }))!;
  const pca = publicClient(sb, "fabrikam");
  await pca.acquireTokenByUsernamePassword({
    username: alice.upn,
    password: alice.password,
    scopes: ACS_SCOPES,
  });
  const [account] = await pca.getTokenCache().getAllAccounts();
  await pca.acquireTokenSilent({ account: account!, scopes: ACS_SCOPES, forceRefresh: true });

  const interactive = await signInInteractively(sb, {
    tenant: "fabrikam",
    browser: new HeadlessUser(person(sb, "bob")),
  });
  expect(interactive.result?.accessToken).toBeDefined();

  let outcome: Promise<unknown> | undefined;
  await new DeviceCodeCredential({
    tenantId: tenantId(sb, "fabrikam"),
    clientId: clientId(sb, "contoso-teams"),
    userPromptCallback: (info) => {
      outcome = new HeadlessUser(person(sb, "alice")).navigate(info.verificationUri, info.userCode);
    },
    ...identityOptions(sb),
  }).getToken(ACS_SCOPES);
  await outcome;

  const backend = new ClientSecretCredential(
    tenantId(sb, "contoso"),
    clientId(sb, "contoso-backend"),
    "contoso-backend-secret",
    identityOptions(sb),
  );
  await backend.getToken(ACS_DATA_PLANE_SCOPE);

  const identity = new CommunicationIdentityClient(sb.descriptor.acs[0]!.connectionString);
  await identity.createUserAndToken(["chat"]);
  await identity.getTokenForTeamsUser({
    teamsUserAadToken: ropc.accessToken,
    clientId: clientId(sb, "contoso-teams"),
    userObjectId: claimsOf(ropc.accessToken).oid as string,
  });
}

/** Every string anywhere in the journal, and the runs of token characters inside each. */
function candidates(journal: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === "string") {
      found.add(value.replace(/…$/, ""));
      for (const part of value.match(/[A-Za-z0-9._~+/=-]{8,}/g) ?? []) found.add(part.replace(/…$/, ""));
      try {
        visit(JSON.parse(value));
      } catch {
        // Not JSON: its runs are already collected.
      }
    } else if (value && typeof value === "object") for (const member of Object.values(value)) visit(member);
  };
  visit(journal);
  return found;
}

/** Entra's host, which intercept mode answers in-process (the admin API is under it too). */
const ENTRA = "https://login.microsoftonline.com";

function postForm(form: Record<string, string>, tenant = "fabrikam") {
  return fetch(`${ENTRA}/${tenantId(sb, tenant)}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(form).toString(),
  });
}

async function token(form: Record<string, string>, tenant = "fabrikam") {
  const res = await postForm(form, tenant);
  return { status: res.status, error: ((await res.json()) as { error?: string }).error };
}

/** What a candidate string still opens, if anything. */
async function whatItOpens(candidate: string): Promise<string[]> {
  const teams = clientId(sb, "contoso-teams");
  const opened: string[] = [];
  const tries: [string, Promise<{ status: number; error?: string | undefined }>][] = [
    [
      "refresh token",
      token({
        grant_type: "refresh_token",
        client_id: teams,
        refresh_token: candidate,
        scope: ACS_SCOPES.join(" "),
      }),
    ],
    [
      "authorization code",
      token({
        grant_type: "authorization_code",
        client_id: teams,
        code: candidate,
        redirect_uri: "http://localhost",
        scope: ACS_SCOPES.join(" "),
      }),
    ],
    [
      "device code",
      token({
        grant_type: "urn:ietf:params:oauth:grant-type:device_code",
        client_id: teams,
        device_code: candidate,
      }),
    ],
    [
      "password",
      token({
        grant_type: "password",
        client_id: teams,
        username: user(sb, "alice").upn,
        password: candidate,
        scope: ACS_SCOPES.join(" "),
      }),
    ],
    [
      "client secret",
      token(
        {
          grant_type: "client_credentials",
          client_id: clientId(sb, "contoso-backend"),
          client_secret: candidate,
          scope: ACS_DATA_PLANE_SCOPE,
        },
        "contoso",
      ),
    ],
  ];
  for (const [what, attempt] of tries) {
    const { status, error } = await attempt;
    // A pending device code is as live as an approved one: polling it would finish the sign-in.
    if (status === 200 || error === "authorization_pending") opened.push(what);
  }
  const introspect = await fetch(`${ENTRA}/_sandbox/acs/introspect`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token: candidate }),
  });
  if (((await introspect.json()) as { active?: boolean }).active) opened.push("ACS token");
  return opened;
}

describe("the journal keeps no live credential", () => {
  it("after every flow, no string in GET /_sandbox/requests works as a credential", async () => {
    await runEveryFlow();
    // The probe recognises live credentials: a real refresh token and a real password open something.
    const alice = user(sb, "alice");
    const live = await postForm({
      grant_type: "password",
      client_id: clientId(sb, "contoso-teams"),
      username: alice.upn,
      password: alice.password,
      scope: `${ACS_SCOPES.join(" ")} offline_access`,
    });
    const refreshToken = ((await live.json()) as { refresh_token: string }).refresh_token;
    expect(await whatItOpens(refreshToken)).toEqual(["refresh token"]);
    expect(await whatItOpens(alice.password)).toEqual(["password"]);

    const res = await fetch(`${ENTRA}/_sandbox/requests`);
    const journal = (await res.json()) as {
      requests: { url: string; tokens?: { field: string; claims: { aud?: string } }[] }[];
    };
    expect(journal.requests.length).toBeGreaterThan(12);

    const strings = candidates(journal);
    expect(strings.size).toBeGreaterThan(100);
    const leaks: string[] = [];
    for (const candidate of strings) {
      if (candidate.length < 8) continue;
      for (const what of await whatItOpens(candidate)) leaks.push(`${what}: ${candidate.slice(0, 40)}`);
    }
    expect(leaks).toEqual([]);

    // What helps debugging is still there: each JWT decoded where it was, without its signature.
    const tokens = journal.requests.flatMap((e) => e.tokens ?? []);
    expect(tokens.map((t) => t.field)).toEqual(
      expect.arrayContaining([
        "responseBody.access_token",
        "responseBody.id_token",
        "requestBody.token",
        "responseBody.accessToken.token",
      ]),
    );
    expect(tokens.some((t) => t.claims.aud === "https://auth.msft.communication.azure.com")).toBe(true);
    expect(JSON.stringify(journal)).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/);
    expect(JSON.stringify(journal)).not.toContain(user(sb, "alice").password);
    // Codes, device codes, refresh tokens and the sign-in ctx keep only a prefix, in bodies and in URLs.
    const text = JSON.stringify(journal).replace(/\\"/g, '"');
    const kept = [
      ...text.matchAll(/"(code|device_code|refresh_token|ctx|client_secret|password)":"([^"]*)"/g),
      ...journal.requests.flatMap((e) => [...e.url.matchAll(/[?&](code|ctx|device_code)=([^&]*)/g)]),
    ].map((m) => `${m[1]}=${m[2]}`);
    expect(kept.length).toBeGreaterThan(3);
    for (const field of kept) expect(field).toMatch(/=(\[redacted\]|[^=]{1,6}…)$/);
  });
});
