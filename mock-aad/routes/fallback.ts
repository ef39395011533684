import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordReason, recordServerError } from "../../core/outcome.js";
import { isStoreUnavailable } from "../../core/store.js";
import type { AadContext } from "../context.js";
import { AadError } from "../errors.js";
import { sendAadError } from "./respond.js";

/*
 * Bad input at the Entra ID endpoints: every failure answers in Entra's JSON shape, never a 500 or a
 * stack trace. Installed in the mock's own scope, so ACS routes and the admin API keep their handlers.
 */

/**
 * The Entra ID scope's one error path: the `AadError`s routes throw, answered by `sendAadError` as the
 * request's flow says; what fastify rejects before a handler runs (too large, unreadable) as catalogued
 * errors; and any other exception, a bug, as Entra's own 500 (AADSTS50000) so that sweeps and users can see it.
 */
export function installErrorHandler(app: FastifyInstance, ctx: AadContext): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    // What routes throw: answered as the request's flow says (JSON, an error page, or to the app).
    if (error instanceof AadError) return sendAadError(request, reply, error, { clock: ctx.clock });
    const json = { clock: ctx.clock, delivery: { kind: "json" } } as const;
    if (isStoreUnavailable(error)) {
      // The sandbox's store is down (a team sandbox's database restarting): Entra's "temporarily
      // unavailable", which MSAL retries after Retry-After; the reason is journaled and on /_sandbox/health.
      recordReason(request, `store unavailable: ${error.reason}`);
      reply.header("retry-after", "5");
      return sendAadError(request, reply, new AadError("AADSTS90006"), json);
    }
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      // [infer] Entra's front door refuses large bodies; the status is kept, the body made Entra-shaped.
      return sendAadError(
        request,
        reply,
        new AadError("AADSTS9002313", { reason: "The request body is too large." }),
        { ...json, status: 413 },
      );
    }
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      // What the framework refused before a handler ran: unreadable or mistyped input.
      return sendAadError(
        request,
        reply,
        new AadError("AADSTS9002313", { reason: "The request could not be read." }),
        json,
      );
    }
    // Anything else is the sandbox's own failure, not the client's: Entra's 500, with the stack journaled.
    recordServerError(request, error);
    return sendAadError(request, reply, new AadError("AADSTS50000"), json);
  });
}

/**
 * Bodies of any content type are accepted and read as nothing: the token endpoint then names the
 * missing parameter (900144), as Entra does for a JSON body. Form bodies keep the app's parser.
 */
export function acceptAnyBody(app: FastifyInstance): void {
  app.removeContentTypeParser(["application/json", "text/plain"]);
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, _body, done) => done(null, undefined));
}

/** JSON 404s for unknown paths under the Entra ID trees, without catching ACS or admin paths. */
export function notFoundRoutes(app: FastifyInstance): void {
  const notFound = async (request: FastifyRequest, reply: FastifyReply) =>
    reply
      .code(404)
      .header("content-type", "application/json; charset=utf-8")
      .send({
        error: "not_found",
        error_description: `No Entra ID endpoint at ${request.method} ${request.url.split("?")[0]}.`,
      });
  for (const url of ["/:tenant/oauth2/*", "/:tenant/discovery/*", "/:tenant/v2.0/*"]) {
    app.all(url, notFound);
  }
}
