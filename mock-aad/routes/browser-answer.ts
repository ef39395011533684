import { randomUUID } from "node:crypto";
import type { FastifyReply } from "fastify";
import type { AppReturn } from "../interactions.js";
import { formPostPage } from "../pages/form-post.js";

/*
 * The two ways a browser flow answers: a page of login.microsoftonline.com, or the app's redirect URI
 * (a 302 for `query` and `fragment`, the auto-posting form for `form_post`). Successes and errors
 * (mock-aad/routes/respond.ts) alike.
 */

/** An HTML page, never cached, as Entra's are. */
export function sendPage(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply
    .code(status)
    .headers({
      "content-type": "text/html; charset=utf-8",
      "cache-control": "no-store, no-cache",
      pragma: "no-cache",
      "x-ms-request-id": randomUUID(),
      "x-frame-options": "DENY",
    })
    .send(body);
}

/** The URL a `query` or `fragment` answer goes to; `redirectUri`'s own query is kept. */
export function appUrl(target: AppReturn, params: Record<string, string | undefined>): string {
  const url = new URL(target.redirectUri);
  const answer = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) answer.append(k, v);
  if (target.responseMode === "fragment") {
    url.hash = answer.toString();
  } else {
    for (const [k, v] of answer) url.searchParams.append(k, v);
  }
  return url.toString();
}

/** Hands the answer to the app the way it asked: a 302 (query, fragment) or the form_post page. */
export function returnToApp(
  reply: FastifyReply,
  target: AppReturn,
  params: Record<string, string | undefined>,
): FastifyReply {
  const withState = { ...params, state: target.state };
  if (target.responseMode === "form_post") {
    return sendPage(reply, 200, formPostPage(target.redirectUri, withState));
  }
  return reply.code(302).header("cache-control", "no-store, no-cache").redirect(appUrl(target, withState));
}
