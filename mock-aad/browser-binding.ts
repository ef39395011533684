import { randomBase64url } from "../core/random.js";
import type { FastifyReply, FastifyRequest } from "fastify";

/*
 * Which browser a sign-in belongs to. Entra sets a session-context cookie (`esctx`, "for CSRF protection:
 * binds a request to a specific browser instance so the request can't be replayed outside the browser":
 * learn.microsoft.com/entra/identity/authentication/concept-authentication-web-browser-cookies) when a
 * sign-in starts, and each form post of that sign-in must come back with it. The pages' `ctx` alone is not enough: whoever learns it (a shared
 * link, a journal, a log) could otherwise finish someone else's sign-in, consent or device code.
 */

export const BROWSER_COOKIE = "esctx";

/** The browser's binding value, set on this reply when the browser has none yet. */
export function browserOf(request: FastifyRequest, reply: FastifyReply): string {
  const existing = request.cookies[BROWSER_COOKIE];
  if (existing && /^[\w-]{32,64}$/.test(existing)) return existing;
  const id = randomBase64url(32);
  reply.setCookie(BROWSER_COOKIE, id, { path: "/", httpOnly: true, secure: true, sameSite: "none" });
  return id;
}

/** Whether a post comes from the browser that started the interaction. */
export function fromSameBrowser(request: FastifyRequest, interaction: { browser: string }): boolean {
  return request.cookies[BROWSER_COOKIE] === interaction.browser;
}

/**
 * What Entra's page says when a sign-in post arrives without its browser's cookies (recorded wording:
 * Cookie-AutoDelete issue #194, AzureAD/microsoft-authentication-library-for-objc issue #928,
 * cypress-io/cypress issue #25148). [infer] The title, the 400 status and the absence of an AADSTS code:
 * no public source shows the page's code.
 */
export const COOKIES_BLOCKED = {
  status: 400,
  title: "We can't sign you in",
  message: "Your browser is currently set to block cookies. You need to allow cookies to use this service.",
};
