import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { decodeJwt } from "jose";
import { recordOutcome } from "../../core/outcome.js";
import { isGuid } from "../../core/ids.js";
import { serveOperation } from "../../core/operations.js";
import { signingIdle } from "../../core/keyset.js";
import type { AcsContext } from "../context.js";
import { verifyEntraToken, type EntraClaims } from "../entra-token.js";
import type { ApiVersion } from "../api-versions.js";
import { AcsError } from "../errors.js";
import { ACS_OPERATIONS } from "../operations.js";
import { apiVersionOf, resourceOf, type AcsService } from "../service.js";
import {
  formatExpiresOn,
  mintTeamsUserToken,
  signTeamsUserTokenAhead,
  type IssuedToken,
  type TeamsUserEntraClaims,
} from "../tokens.js";
import { bodyObject } from "../validation.js";
import { jsonBody, sendJson } from "../wire.js";

/*
 * `POST /teamsUser/:exchangeAccessToken`: an Entra ID token of a Teams user for a Communication
 * Services token of that user (reference §3). The checks run in the recorded order: a token present,
 * then the Entra token (an invalid token with `userId: ""` is a 401, azure-sdk-for-python
 * `tests/recordings/…test_get_token_for_teams_user_with_invalid_token[empty_token-].json`), then model
 * binding, GUID formats, and appid and oid against the body.
 */

/** The ACS first-party API: its identifier URI (with or without a slash) or its app id (a v1 `aud` may be either). */
export const TEAMS_EXCHANGE_AUDIENCES = [
  "https://auth.msft.communication.azure.com",
  "https://auth.msft.communication.azure.com/",
  "1fd5118e-2576-4263-8130-9503064c837a",
];
/** Both delegated permissions are required (docs: "Microsoft Entra permissions for communication as Teams user"). */
export const REQUIRED_TEAMS_SCOPES = ["Teams.ManageCalls", "Teams.ManageChats"];
/** The 2021 previews took the single legacy permission of the seed quickstart (`.../VoIP`). */
export const PREVIEW_TEAMS_SCOPES = [["VoIP"], REQUIRED_TEAMS_SCOPES];
/**
 * 2021-03-31-preview1 returned a token for 24 hours, whatever the Entra token's lifetime (recorded
 * May 2021: request 18:52:11, expiresOn the next day 18:52:10, azure-sdk-for-net
 * `SessionRecords/CommunicationIdentityClientLiveTests/ExchangeTeamsTokenWithValidToken.json`).
 */
export const PREVIEW_TOKEN_LIFETIME_SECONDS = 24 * 60 * 60;

/** An Entra token's claims as those a Teams user token is made from, when it has them (oid, tid, exp). */
function asTeamsUser(claims: EntraClaims): TeamsUserEntraClaims | undefined {
  return typeof claims.oid === "string" && typeof claims.tid === "string" && typeof claims.exp === "number"
    ? (claims as TeamsUserEntraClaims)
    : undefined;
}

/** Whether an Entra token's `scp` grants every scope of one of `scopeSets`. */
function grantsOneOf(claims: EntraClaims, scopeSets: string[][]): boolean {
  const granted = new Set(typeof claims.scp === "string" ? claims.scp.split(" ") : []);
  return scopeSets.some((set) => set.every((scope) => granted.has(scope)));
}

/** The Entra token's claims when it is a valid Teams user token for ACS, else undefined. */
async function teamsUserClaims(ctx: AcsContext, token: unknown, acceptedScopeSets: string[][]) {
  if (typeof token !== "string" || token === "") return undefined;
  const claims = await verifyEntraToken(token, ctx.entraKeys, ctx.clock, TEAMS_EXCHANGE_AUDIENCES);
  const teamsUser = claims && asTeamsUser(claims);
  return teamsUser && grantsOneOf(teamsUser, acceptedScopeSets) ? teamsUser : undefined;
}

/**
 * The Communication Services token, signed while the Entra token is checked rather than after: its
 * claims come from the Entra token's payload read unchecked, which is the payload the check returns when
 * it passes. Only a check that passes uses it (the caller awaits it after every check); a token refused
 * leaves it unread. Saves a sign's wait per exchange (~0.3 ms in `npm run bench -- per-test`) when nothing
 * was signed ahead for it (prepareTeamsExchange).
 */
function signWhileChecking(
  service: AcsService,
  request: FastifyRequest,
  token: unknown,
  issuedAt: number,
): Promise<IssuedToken | undefined> {
  if (typeof token !== "string") return Promise.resolve(undefined);
  let unchecked: TeamsUserEntraClaims | undefined;
  try {
    unchecked = asTeamsUser(decodeJwt(token));
  } catch {
    return Promise.resolve(undefined);
  }
  if (!unchecked) return Promise.resolve(undefined);
  return mintTeamsUserToken(service.ctx.keys, resourceOf(request), unchecked, issuedAt).catch(
    () => undefined,
  );
}

/**
 * Told of an Entra access token just issued: when it is a Teams user token for ACS, the token its
 * exchange returns is signed ahead on the pool's spare thread, while the client reads its answer and
 * makes the exchange request, so the exchange need not wait for a sign. Only a world of one resource has
 * a resource to sign for; the exchange finds the token when it comes within the same second of the
 * sandbox clock. Saves ~0.6 ms a test in `npm run bench -- per-test` (alternating tests, one process).
 */
export function prepareTeamsExchange(ctx: AcsContext, claims: EntraClaims): void {
  const resources = ctx.resources();
  const teamsUser = asTeamsUser(claims);
  if (resources.length !== 1 || !teamsUser || !grantsOneOf(teamsUser, [REQUIRED_TEAMS_SCOPES])) return;
  const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audiences.some((aud) => aud !== undefined && TEAMS_EXCHANGE_AUDIENCES.includes(aud))) return;
  signTeamsUserTokenAhead(ctx.keys, resources[0]!, teamsUser, ctx.clock.nowSeconds());
}

/** A required string field as ASP.NET's [Required] sees it: missing, null and "" all fail. */
function requiredField(
  body: Record<string, unknown>,
  field: "appId" | "userId",
  name: "AppId" | "UserId",
): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new AcsError("ValidationError", {
      message: `${name}: The ${name} field is required.`,
      target: name,
      fromController: false,
    });
  }
  return value;
}

/**
 * [infer] The real answer for a user without a Teams licence is unknown (reference §3 gaps); the
 * catalog's TeamsLicenseRequired (403) is the sandbox's. Users the world does not know pass.
 */
function requireTeamsLicense(ctx: AcsContext, claims: TeamsUserEntraClaims): void {
  if (ctx.teamsLicense?.(claims.tid, claims.oid) === false) throw new AcsError("TeamsLicenseRequired");
}

async function exchangeCurrent(service: AcsService, request: FastifyRequest, reply: FastifyReply) {
  const body = bodyObject(jsonBody(request), "TeamsUserExchangeTokenRequest");
  // Recorded Mar 2023 (azure-sdk-for-java `session-records/CommunicationIdentityAsyncTests.
  // getTokenForTeamsUserWithNullParams[1].json`, `[2].json`): no token at all is a 400, an empty one a 401.
  if (body.token === undefined || body.token === null) {
    throw new AcsError("ValidationError", {
      message: "The body is either missing or doesn't contain any token.",
      fromController: false,
    });
  }
  const issuedAt = service.ctx.clock.nowSeconds();
  // Under load (other signs under way) the pool has no thread waiting: signing early saves no wait,
  // and reading the token twice costs the answer (`npm run bench -- exchange`: 0.73× → 0.75×).
  const speculative = signingIdle() ? signWhileChecking(service, request, body.token, issuedAt) : undefined;
  const claims = await teamsUserClaims(service.ctx, body.token, [REQUIRED_TEAMS_SCOPES]);
  if (!claims) throw new AcsError("InvalidAccessToken");
  const appId = requiredField(body, "appId", "AppId");
  const userId = requiredField(body, "userId", "UserId");
  if (!isGuid(appId))
    throw new AcsError("ValidationError", { message: "Provided AppId has invalid format.", target: "appId" });
  if (!isGuid(userId))
    throw new AcsError("ValidationError", {
      message: "Provided UserId has invalid format.",
      target: "userId",
    });

  const tokenAppId = claims.appid ?? claims.azp ?? "";
  if (tokenAppId.toLowerCase() !== appId.toLowerCase()) {
    throw new AcsError("ValidationError", {
      message: "AAD application is not the expected one.",
      target: "appId",
    });
  }
  if (claims.oid.toLowerCase() !== userId.toLowerCase()) {
    throw new AcsError("ValidationError", {
      message: "Provided AAD token issued for unexpected user.",
      target: "userId",
    });
  }
  requireTeamsLicense(service.ctx, claims);

  const issued =
    (speculative && (await speculative)) ??
    (await mintTeamsUserToken(service.ctx.keys, resourceOf(request), claims, issuedAt));
  return sendJson(request, reply, 200, {
    token: issued.token,
    expiresOn: formatExpiresOn(issued.expiresAt * 1000),
  });
}

/**
 * 2021 previews: body `{token}` only. 2021-03-31-preview1 answers a bad token with an empty 401 and
 * issues 24-hour tokens (recorded May 2021); 2021-10-31-preview answers the JSON `InvalidAccessToken`
 * and its token expires with the Entra token (recorded Oct 2021, azure-sdk-for-net
 * `…/ExchangeTeamsTokenWithInvalidTokenShouldThrow.json`, `…/ExchangeTeamsTokenWithValidTokenAsync.json`).
 */
async function exchangePreview(
  service: AcsService,
  request: FastifyRequest,
  reply: FastifyReply,
  version: ApiVersion,
) {
  const body = bodyObject(jsonBody(request), "TeamsUserAccessTokenRequest");
  const claims = await teamsUserClaims(service.ctx, body.token, PREVIEW_TEAMS_SCOPES);
  if (!claims && !version.firstPreviewExchange) throw new AcsError("InvalidAccessToken");
  if (!claims) {
    recordOutcome(request, "InvalidAccessToken");
    reply.removeHeader("api-supported-versions");
    return reply.code(401).header("content-length", "0").send();
  }
  requireTeamsLicense(service.ctx, claims);
  const now = service.ctx.clock.nowSeconds();
  const issued = await mintTeamsUserToken(
    service.ctx.keys,
    resourceOf(request),
    claims,
    now,
    version.firstPreviewExchange ? now + PREVIEW_TOKEN_LIFETIME_SECONDS : claims.exp,
  );
  return sendJson(request, reply, 200, {
    token: issued.token,
    expiresOn: formatExpiresOn(issued.expiresAt * 1000),
  });
}

/**
 * `:exchangeAccessToken`, and `:getToken`, the same operation under the name the early-2022 beta SDKs
 * used (azure-sdk-for-js recordings, Feb 2022: `POST /teamsUser/:getToken` with `{token}` → 200 or the
 * JSON 401 `InvalidAccessToken`).
 */
export function exchangeRoutes(service: AcsService) {
  return async function exchangeScope(api: FastifyInstance) {
    serveOperation(api, ACS_OPERATIONS.exchange, async (request, reply) => {
      const version = apiVersionOf(service, request);
      return version.exchangeBody === "token-only"
        ? exchangePreview(service, request, reply, version)
        : exchangeCurrent(service, request, reply);
    });
  };
}
