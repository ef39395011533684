import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import "../../core/outcome.js";
import type { MockAad } from "../../mock-aad/index.js";
import type { MockAcs } from "../../mock-acs/index.js";
import { faultHook, type FaultHookOptions } from "./faults/hook.js";
import { clientOf, requestKind } from "./faults/operations.js";
import { journalRequestBody, journalResponseBody, type Journal, type JournalEntry } from "./journal.js";

/** Largest request body accepted; bigger ones get the owning mock's "too large" error, never a crash. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppParts {
  aad: MockAad;
  acs: MockAcs;
  admin: (app: FastifyInstance) => Promise<void>;
  journal: Journal;
  /** Fault injection (`/_sandbox/faults`); the journal's entries for dropped connections come from here. */
  faults?: Omit<FaultHookOptions, "onDropped">;
}

/** True when a request is addressed to an ACS resource rather than to Entra ID or the admin API. */
export function isAcsRequest(request: FastifyRequest): boolean {
  const host = (request.headers.host ?? "").toLowerCase();
  if (host.includes(".communication.azure.com")) return true;
  // `//access/…`: the JS Entra credential's join of a trailing-slash endpoint.
  return /^\/\/?(identities|teamsUser|access)(\/|\?|$)/.test(request.url);
}

/** The path and query of an absolute-form request target; origin-form targets unchanged. */
export function absoluteFormPath(url: string): string {
  if (!/^https?:\/\//i.test(url)) return url;
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}

/**
 * The one HTTP implementation: both mocks and the admin API in one fastify app. Server mode puts it
 * behind an HTTPS listener; intercept mode hands it requests through `inject()`.
 */
export async function buildApp(parts: AppParts, options: { https?: { key: string; cert: string } } = {}) {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    // ACS ids contain ':' and may be percent-encoded; keep the raw URL for HMAC and let routes decode.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 2048 },
    // URLs the router cannot decode never reach a plugin's scope; ACS answers them in its own shape.
    frameworkErrors: (error, request, reply) => {
      if (isAcsRequest(request)) return parts.acs.frameworkError(error, request, reply as FastifyReply);
      const status = error.code === "FST_ERR_MAX_PARAM_LENGTH" ? 414 : 400;
      return (reply as FastifyReply)
        .code(status)
        .send({ error: "Bad Request", code: error.code, message: error.message, statusCode: status });
    },
    // A client that uses the listener as its proxy sends plain-HTTP requests in absolute form
    // (`GET http://169.254.169.254/metadata/…`, RFC 9112 §3.2.2); route them by their path.
    rewriteUrl: (request) => absoluteFormPath(request.url ?? "/"),
    ...(options.https ? { https: options.https } : {}),
  });

  // The answer's body, as the journal shows it.
  const sentBodies = new WeakMap<object, string | undefined>();
  const entryOf = (request: FastifyRequest, status: number, durationMs: number): JournalEntry => {
    const requestBody = journalRequestBody(request.body);
    const responseBody = sentBodies.get(request);
    const kind = requestKind(request);
    const client = clientOf(request);
    return {
      at: new Date().toISOString(),
      method: request.method,
      host: request.headers.host ?? "",
      url: request.url,
      status,
      service: kind.service,
      ...(kind.operation ? { operation: kind.operation } : {}),
      ...(client ? { client } : {}),
      ...(request.sandboxOutcome ? { errorCode: request.sandboxOutcome } : {}),
      ...(request.sandboxHint ? { hint: request.sandboxHint } : {}),
      ...(request.sandboxFault ? { fault: request.sandboxFault } : {}),
      durationMs,
      ...(requestBody ? { requestBody } : {}),
      ...(responseBody ? { responseBody } : {}),
    };
  };
  // Journaled as the answer leaves, so a client that has its answer always finds it in the journal.
  app.addHook("onSend", async (request, reply, payload) => {
    sentBodies.set(request, journalResponseBody(payload, String(reply.getHeader("content-type") ?? "")));
    // Reads of the admin API change nothing; journaling the inspector's polling would crowd out traffic.
    if (request.method === "GET" && request.url.startsWith("/_sandbox/")) return payload;
    parts.journal.add(entryOf(request, reply.statusCode, Math.round(reply.elapsedTime)));
    return payload;
  });
  if (parts.faults) {
    app.addHook(
      "preHandler",
      faultHook({
        ...parts.faults,
        onDropped: (request) => parts.journal.add(entryOf(request, 0, 0)),
      }),
    );
  }

  await app.register(formbody);
  await app.register(cookie);
  await app.register(async (scope) => parts.admin(scope), { prefix: "/_sandbox" });
  await app.register(parts.aad.plugin);
  await app.register(parts.acs.plugin);

  // Last-resort answers; each mock installs its own handlers in its own scope first.
  app.setNotFoundHandler((request, reply) => {
    if (isAcsRequest(request)) return parts.acs.notFound(request, reply);
    reply
      .code(404)
      .send({ error: "not_found", message: `No sandbox endpoint for ${request.method} ${request.url}` });
  });
  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status =
      error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    reply.code(status).send({ error: "bad_request", message: error.message });
  });
  return app;
}
