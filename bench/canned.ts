import { randomUUID } from "node:crypto";
import { generateKeyPair, SignJWT } from "jose";
import { http, HttpResponse, type HttpHandler } from "msw";

/*
 * The baseline a team would write instead of the sandbox: canned msw handlers for the two calls of the
 * Teams quickstart (MSAL Node ROPC, then the Identity SDK's exchange), answered with realistic bodies
 * built once: a token response shaped as Entra's v2 token endpoint answers (access_token and id_token
 * signed RS256 at start, expires_in, ext_expires_in, refresh_token, client_info as MSAL Node needs it to
 * key its cache) and the exchange's `{ token, expiresOn }`. The same real SDK calls drive it as the
 * sandbox, so the difference measured is what the sandbox costs per test.
 *
 * MSAL Node asks only the token endpoint for `organizations`: it carries the public cloud's metadata for
 * that authority itself (observed: the sandbox's journal of the same test holds one Entra request).
 */

/** The identities of the story: taken from the sandbox's default world so both sides see the same ids. */
export interface CannedStory {
  tenantId: string;
  clientId: string;
  objectId: string;
  upn: string;
  name: string;
  acsResourceId: string;
}

const TEAMS_AUDIENCE = "https://auth.msft.communication.azure.com";
const TEAMS_SCOPES = ["Teams.ManageCalls", "Teams.ManageChats"];
const LIFETIME_S = 3600;

function base64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString("base64url");
}

/** Builds the canned answers (two RS256 signatures, once) and the msw handlers that return them. */
export async function cannedHandlers(story: CannedStory): Promise<HttpHandler[]> {
  const { privateKey } = await generateKeyPair("RS256");
  const now = Math.floor(Date.now() / 1000);
  // A day ahead: the canned answers stay valid for the whole run, as a hard-coded fixture would.
  const exp = now + 24 * 3600;
  const sign = (claims: Record<string, unknown>, typ = "JWT") =>
    new SignJWT(claims).setProtectedHeader({ alg: "RS256", typ, kid: "canned-key" }).sign(privateKey);
  const accessToken = await sign({
    aud: TEAMS_AUDIENCE,
    iss: `https://sts.windows.net/${story.tenantId}/`,
    iat: now,
    nbf: now,
    exp,
    appid: story.clientId,
    oid: story.objectId,
    tid: story.tenantId,
    upn: story.upn,
    scp: TEAMS_SCOPES.join(" "),
    ver: "1.0",
  });
  const idToken = await sign({
    aud: story.clientId,
    iss: `https://login.microsoftonline.com/${story.tenantId}/v2.0`,
    iat: now,
    nbf: now,
    exp,
    name: story.name,
    oid: story.objectId,
    preferred_username: story.upn,
    sub: "canned-subject",
    tid: story.tenantId,
    ver: "2.0",
  });
  const tokenResponse = {
    token_type: "Bearer",
    scope: TEAMS_SCOPES.map((s) => `${TEAMS_AUDIENCE}/${s}`).join(" "),
    expires_in: LIFETIME_S,
    ext_expires_in: LIFETIME_S,
    access_token: accessToken,
    refresh_token: `0.canned.${randomUUID()}`,
    id_token: idToken,
    client_info: base64url({ uid: story.objectId, utid: story.tenantId }),
  };
  const acsToken = await sign({
    skypeid: `orgid:${story.objectId}`,
    scp: 1024,
    csi: String(now),
    exp,
    rgn: "amer",
    acsScope: "voip,chat",
    resourceId: story.acsResourceId,
    aad_iat: String(now),
    aad_uti: "canned",
    aad_appid: story.clientId,
  });
  const exchange = { token: acsToken, expiresOn: new Date(exp * 1000).toISOString() };
  return [
    http.post("https://login.microsoftonline.com/:tenant/oauth2/v2.0/token", () =>
      HttpResponse.json(tokenResponse, { headers: { "cache-control": "no-store, no-cache" } }),
    ),
    http.post(/^https:\/\/[^/]+\.communication\.azure\.com\/teamsUser\/:exchangeAccessToken/, () =>
      HttpResponse.json(exchange),
    ),
  ];
}
