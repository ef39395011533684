import { randomUUID } from "node:crypto";
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordOutcome, recordReason, recordServerError } from "../../core/outcome.js";
import { isStoreUnavailable } from "../../core/store.js";
import type { AadContext } from "../context.js";
import { applicationRoutes } from "./applications.js";
import { authenticate } from "./caller.js";
import { directoryObjectRoutes } from "./directory-objects.js";
import { directoryRoleRoutes } from "./directory-roles.js";
import { GraphError, graphErrorBody } from "./errors.js";
import { grantRoutes } from "./oauth2-permission-grants.js";
import { organizationRoutes } from "./organization.js";
import { servicePrincipalRoutes } from "./service-principals.js";
import { sendJson } from "./service.js";
import { userRoutes } from "./users.js";

export { GRAPH_OPERATIONS } from "./operations.js";

/*
 * Microsoft Graph (graph.microsoft.com) as a fastify plugin: the directory's objects for the admin
 * tools. Every route first checks the caller's token (caller.ts); answers and errors carry Graph's
 * headers and shape. The plugin is encapsulated: its body parser and error handler apply to Graph only.
 */

/** The host Graph is reached at when intercepting, and in unmodified mode. */
export const GRAPH_HOST = "graph.microsoft.com";

/** True for a request addressed to Graph: its host, or a `/v1.0/…` or `/beta/…` path on the sandbox's origin. */
export function isGraphRequest(request: FastifyRequest): boolean {
  const host = (request.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
  return host === GRAPH_HOST || /^\/(v1\.0|beta)(\/|\?|$)/.test(request.url);
}

const requestIds = new WeakMap<FastifyRequest, string>();

/** Graph's `request-id` for an answer: a GUID per request. */
function requestIdOf(request: FastifyRequest): string {
  let id = requestIds.get(request);
  if (!id) {
    id = randomUUID();
    requestIds.set(request, id);
  }
  return id;
}

function clientRequestIdOf(request: FastifyRequest): string | undefined {
  const value = request.headers["client-request-id"];
  return typeof value === "string" ? value : undefined;
}

/** Answers a Graph error in Graph's shape, noting its code for the journal. */
export function sendGraphError(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: AadContext,
  error: GraphError,
): FastifyReply {
  recordOutcome(request, error.graphCode);
  return sendJson(
    reply,
    error.status,
    graphErrorBody(error, ctx.clock.now(), requestIdOf(request), clientRequestIdOf(request)),
  );
}

/** The fake Microsoft Graph for one sandbox, plus its answer for a path it has no resource for. */
export interface MockGraph {
  plugin: (app: FastifyInstance) => Promise<void>;
  /** Graph's answer to an unknown path (`Resource not found for the segment '…'.`), for the app's 404 handler. */
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

function unknownSegment(url: string): string {
  const segments = url.split("?")[0]!.split("/").filter(Boolean);
  // `/v1.0/foo/bar`: the first segment after the version is the one Graph names.
  return decodeURIComponent((/^(v1\.0|beta)$/.test(segments[0] ?? "") ? segments[1] : segments[0]) ?? "");
}

/**
 * Builds the fake Microsoft Graph over the same directory, clock and keys as the fake Entra ID.
 *
 * @example
 * const graph = mockGraph(ctx);
 * await app.register(graph.plugin);
 */
export function mockGraph(ctx: AadContext): MockGraph {
  const origin = (request: FastifyRequest) => ctx.publicOrigin(request);
  return {
    notFound(request, reply) {
      return sendGraphError(
        request,
        reply,
        ctx,
        new GraphError("unknownSegment", { segment: unknownSegment(request.url) }),
      );
    },
    plugin: async (app: FastifyInstance) => {
      // Bodies: JSON, empty allowed (DELETE and POST without one); unreadable JSON is the client's 400.
      app.removeContentTypeParser("application/json");
      app.addContentTypeParser(
        ["application/json", "text/plain"],
        { parseAs: "string" },
        (_request, body, done) => {
          const text = String(body).trim();
          if (text === "") return done(null, undefined);
          try {
            done(null, JSON.parse(text));
          } catch {
            done(
              new GraphError("badRequest", {
                reason:
                  "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.",
              }),
              undefined,
            );
          }
        },
      );
      app.addHook("onRequest", async (request, reply) => {
        reply.header("request-id", requestIdOf(request));
        const clientRequestId = clientRequestIdOf(request);
        if (clientRequestId) reply.header("client-request-id", clientRequestId);
        reply.header("cache-control", "no-cache");
        reply.header("strict-transport-security", "max-age=31536000");
      });
      app.addHook("preHandler", async (request) => {
        request.graphCaller = await authenticate(request, ctx);
      });
      app.setErrorHandler((error: FastifyError, request, reply) => {
        if (error instanceof GraphError) return sendGraphError(request, reply, ctx, error);
        if (isStoreUnavailable(error)) {
          recordReason(request, `store unavailable: ${error.reason}`);
          reply.header("retry-after", "5");
          return sendGraphError(request, reply, ctx, new GraphError("serviceNotAvailable"));
        }
        if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
          const reason =
            error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
              ? "The request body is too large."
              : "Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.";
          return sendGraphError(request, reply, ctx, new GraphError("badRequest", { reason }));
        }
        recordServerError(request, error);
        return sendGraphError(request, reply, ctx, new GraphError("serverError"));
      });
      applicationRoutes(app, ctx, origin);
      servicePrincipalRoutes(app, ctx, origin);
      grantRoutes(app, ctx, origin);
      userRoutes(app, ctx, origin);
      organizationRoutes(app, origin);
      directoryRoleRoutes(app, origin);
      directoryObjectRoutes(app, ctx, origin);
    },
  };
}
