import { createLocalJWKSet, jwtVerify } from "jose";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { BROWSER_COOKIE } from "../browser-binding.js";
import type { AadContext } from "../context.js";
import type { AppRegistration } from "../directory.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { registeredApp } from "../policy/app-visibility.js";
import { resolveAuthority } from "../policy/authority.js";
import { matchRedirectUri } from "../redirect-uris.js";
import { SESSION_COOKIE, type Session } from "../sessions.js";
import type { AadState } from "../state.js";
import { paramsOf, sendMessage } from "./interaction.js";
import { deliverErrors } from "./respond.js";

/*
 * Sign-out, at the `end_session_endpoint` discovery advertises (v2 `/oauth2/v2.0/logout`, v1
 * `/oauth2/logout`), GET or POST (v2-protocols-oidc.md "Send a sign-out request"): the browser's session
 * ends, then the browser goes to `post_logout_redirect_uri` with `state` when that URI is registered for
 * the app, else stays on "You signed out of your account" (recorded: AzureAD/azure-activedirectory-
 * library-for-js issue #694, AzureAD/microsoft-identity-web issue #554; the URI must be a registered
 * redirect URI: MicrosoftDocs/azure-docs issue #37242).
 */

type LogoutRequest = FastifyRequest<{ Params: { tenant: string } }>;

/** The app `id_token_hint` was issued to (one of our id_tokens, its expiry ignored: a hint is often old). */
async function hintedApp(ctx: AadContext, idTokenHint: string): Promise<AppRegistration | undefined> {
  try {
    const { payload } = await jwtVerify(idTokenHint, createLocalJWKSet(ctx.keys.jwks()), {
      algorithms: ["RS256"],
      currentDate: new Date(0),
      clockTolerance: Number.MAX_SAFE_INTEGER,
    });
    return typeof payload.aud === "string" ? registeredApp(ctx.directory(), payload.aud) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The apps whose registered URIs the browser may return to: the one the request names (`client_id`, else
 * the audience of `id_token_hint`), else those the ending session signed in to. msal-browser's
 * logoutRedirect sends neither (msal-common `AuthorizationCodeClient.createLogoutUrlQueryString` adds
 * `id_token_hint` only when the app passes one), yet the server sends the browser on to the app's
 * postLogoutRedirectUri (AzureAD/microsoft-authentication-library-for-js lib/msal-browser/docs/logout.md).
 * [infer] Without either and without a session, no app is known.
 */
async function appsSigningOut(
  ctx: AadContext,
  params: Record<string, string | undefined>,
  session: Session | undefined,
): Promise<AppRegistration[]> {
  let named: AppRegistration | undefined;
  if (params.client_id) named = registeredApp(ctx.directory(), params.client_id);
  else if (params.id_token_hint) named = await hintedApp(ctx, params.id_token_hint);
  else return [...(session?.clientIds ?? [])].flatMap((id) => registeredApp(ctx.directory(), id) ?? []);
  return named ? [named] : [];
}

/** The registered URI the browser may return to, with `state`, or undefined. */
function returnUrl(apps: AppRegistration[], params: Record<string, string | undefined>) {
  const target = params.post_logout_redirect_uri;
  if (!target || !apps.some((app) => matchRedirectUri(app, target))) return undefined;
  const url = new URL(target);
  if (params.state !== undefined) url.searchParams.append("state", params.state);
  return url.toString();
}

export async function logoutRoutes(app: FastifyInstance, ctx: AadContext, state: AadState): Promise<void> {
  const handler = async (request: LogoutRequest, reply: FastifyReply) => {
    const segment = request.params.tenant;
    const params = { ...paramsOf(request.query), ...paramsOf(request.body) };
    // [infer] An unknown tenant is Entra's error page, with no correlation id to show.
    deliverErrors(request, { kind: "browser", correlationId: "" });
    resolveAuthority(ctx.directory(), segment);
    const session = await state.sessions.get(request.cookies[SESSION_COOKIE]);
    await state.sessions.end(request.cookies[SESSION_COOKIE]);
    for (const name of [SESSION_COOKIE, BROWSER_COOKIE]) {
      reply.clearCookie(name, { path: "/", httpOnly: true, secure: true, sameSite: "none" });
    }
    const target = returnUrl(await appsSigningOut(ctx, params, session), params);
    if (target) return reply.code(302).header("cache-control", "no-store, no-cache").redirect(target);
    return sendMessage(reply, 200, "You signed out of your account", [
      "It's a good idea to close all browser windows.",
    ]);
  };
  serveOperation(app, ENTRA_OPERATIONS.logout, handler);
}
