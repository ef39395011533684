import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AadContext } from "../context.js";
import { AadError } from "../errors.js";
import { sendAadError } from "./respond.js";

/*
 * Bad input at the Entra ID endpoints: every failure answers in Entra's JSON shape, never a 500 or a
 * stack trace. Installed in the mock's own scope, so ACS routes and the admin API keep their handlers.
 */

/** Maps what fastify rejects before a handler runs (too large, unreadable) to catalogued errors. */
export function installErrorHandler(app: FastifyInstance, ctx: AadContext): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AadError) return sendAadError(reply, request, ctx.clock, error);
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      // [infer] Entra's front door refuses large bodies; the status is kept, the body made Entra-shaped.
      return sendAadError(
        reply,
        request,
        ctx.clock,
        new AadError("AADSTS9002313", { reason: "The request body is too large." }),
        413,
      );
    }
    return sendAadError(
      reply,
      request,
      ctx.clock,
      new AadError("AADSTS9002313", { reason: "The request could not be read." }),
    );
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
