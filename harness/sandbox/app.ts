import { namedPlugin } from "../../core/named-plugin.js";
import cookie from "@fastify/cookie";
import formbody from "@fastify/formbody";
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import type { OperationDeclaration } from "../../core/operations.js";
import { recordReason, recordServerError } from "../../core/outcome.js";
import { isStoreUnavailable } from "../../core/store.js";
import { isGraphRequest, type MockAad } from "../../mock-aad/index.js";
import type { MockAcs } from "../../mock-acs/index.js";
import { canonicalArmPath, isArmAddress, type MockArm } from "../../mock-acs/arm/index.js";
import { absoluteFormPath, isAcsRequest, isArmRequest } from "./addressing.js";
import { ADMIN_PREFIX, checkAdminRequest, type AdminGuardOptions } from "../operator/admin-guard.js";
import { faultHook, type FaultHookOptions } from "../operator/faults/hook.js";
import { clientOf, requestKind } from "../operator/faults/operations.js";
import {
  journalRequestBody,
  journalResponseBody,
  type Journal,
  type JournalEntry,
} from "../operator/journal.js";
import { Redactor } from "../operator/redaction.js";

export { absoluteFormPath, isAcsRequest, isArmRequest };

/** Largest request body accepted; bigger ones get the owning mock's "too large" error, never a crash. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface AppParts {
  aad: MockAad;
  acs: MockAcs;
  /** Azure Resource Manager, in its own scope with its own error shape. */
  arm: MockArm;
  admin: (app: FastifyInstance) => Promise<void>;
  journal: Journal;
  /** Runs before each request is routed: the store's changes from other replicas are taken here. */
  /** Before each request; undefined when there is nothing to wait for. */
  beforeRequest?: () => Promise<void> | undefined;
  /** Who may drive the admin API (JSON only, own origin, optional token). */
  adminGuard: AdminGuardOptions;
  /** Fault injection (`/_sandbox/faults`); the journal's entries for dropped connections come from here. */
  faults?: Omit<FaultHookOptions, "onDropped">;
  /** Extra endpoints beside the mocks (a team's own test double), under the same journal and error rules. */
  plugins?: FastifyPluginAsync[];
  /** Where a failure fastify itself reports goes (one no error handler or journal entry could take). */
  onFailure: (failure: SandboxFailure) => void;
}

/** One route of the composed app, as registered: what the operation registry's coverage test reads. */
export interface SandboxRoute {
  method: string;
  url: string;
  /** The declaration the route serves (core/operations.ts), when it was registered through serveOperation. */
  operation: OperationDeclaration | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every route of the app, in registration order (test/structure/operation-registry.test.ts). */
    sandboxRoutes: readonly SandboxRoute[];
  }
}

/** A failure of the sandbox outside any journaled answer: a hook failing after the answer was sent, … */
export interface SandboxFailure {
  message: string;
  stack?: string;
}

/**
 * fastify's logger, kept for errors only. Most failures reach the error handler and so the journal
 * (recordServerError); fastify logs the rest itself: a hook failing after the answer left, an error
 * handler or journal hook that throws. Those are sandbox bugs too, so they go to `onFailure` rather than
 * to a silent logger. Everything below error level is dropped, as no log was kept before.
 */
function failureLogger(onFailure: (failure: SandboxFailure) => void): FastifyBaseLogger {
  const report = (first: unknown, message?: string) => {
    const candidate = first instanceof Error ? first : (first as { err?: unknown } | undefined)?.err;
    const err = candidate instanceof Error ? candidate : undefined;
    const text =
      message ?? (typeof first === "string" ? first : (err?.message ?? "fastify reported an error"));
    onFailure({ message: text, ...(err?.stack ? { stack: err.stack } : {}) });
  };
  const ignore = () => {};
  const logger = {
    level: "error",
    fatal: report,
    error: report,
    warn: ignore,
    info: ignore,
    debug: ignore,
    trace: ignore,
    silent: ignore,
    child: () => logger,
  };
  return logger as unknown as FastifyBaseLogger;
}

function isAdminRequest(request: FastifyRequest): boolean {
  return (
    request.url === ADMIN_PREFIX ||
    request.url.startsWith(`${ADMIN_PREFIX}/`) ||
    request.url.startsWith(`${ADMIN_PREFIX}?`)
  );
}

/**
 * The one HTTP implementation: both mocks and the admin API in one fastify app. Server mode puts it
 * behind an HTTPS listener; intercept mode hands it requests through `inject()`.
 */
export async function buildApp(parts: AppParts, options: { https?: { key: string; cert: string } } = {}) {
  const app = Fastify({
    loggerInstance: failureLogger(parts.onFailure),
    bodyLimit: BODY_LIMIT_BYTES,
    // ACS ids contain ':' and may be percent-encoded; keep the raw URL for HMAC and let routes decode.
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 2048 },
    // URLs the router cannot decode never reach a plugin's scope; ACS answers them in its own shape.
    frameworkErrors: (error, request, reply) => {
      if (isAcsRequest(request)) return parts.acs.frameworkError(error, request, reply as FastifyReply);
      if (isArmRequest(request)) return parts.arm.frameworkError(error, request, reply as FastifyReply);
      const status = error.code === "FST_ERR_MAX_PARAM_LENGTH" ? 414 : 400;
      return (reply as FastifyReply)
        .code(status)
        .send({ error: "Bad Request", code: error.code, message: error.message, statusCode: status });
    },
    // A client that uses the listener as its proxy sends plain-HTTP requests in absolute form
    // (`GET http://169.254.169.254/metadata/…`, RFC 9112 §3.2.2); route them by their path.
    // ARM ignores case in its paths' fixed segments; its routes match the canonical spelling.
    rewriteUrl: (request) => {
      const url = absoluteFormPath(request.url ?? "/");
      return isArmAddress(request.headers.host ?? "", url) ? canonicalArmPath(url) : url;
    },
    ...(options.https ? { https: options.https } : {}),
  });

  // Every route, as registered, so a test can prove each one outside /_sandbox has a declaration.
  const routes: SandboxRoute[] = [];
  app.decorate("sandboxRoutes", routes);
  app.addHook("onRoute", (route) => {
    for (const method of [route.method].flat()) {
      routes.push({ method, url: route.url, operation: route.config?.operation });
    }
  });

  // Before any parser runs: a refused admin request never has its body read.
  app.addHook("onRequest", async (request, reply) => {
    const refused = checkAdminRequest(request, reply, parts.adminGuard);
    if (refused) return refused;
  });
  if (parts.beforeRequest) {
    const beforeRequest = parts.beforeRequest;
    // Callback style: most requests have nothing to wait for, and need no promise.
    app.addHook("onRequest", (_request, _reply, done) => {
      const waiting = beforeRequest();
      if (waiting) waiting.then(() => done(), done);
      else done();
    });
  }

  // One journal entry per answer, redacted: no live credential is kept, JWTs are described instead.
  const entryOf = (
    request: FastifyRequest,
    status: number,
    durationMs: number,
    response?: { payload: unknown; contentType: string },
  ): JournalEntry => {
    const redactor = new Redactor();
    // The admin API's answers (descriptor, world) hold the world's passwords and keys: not journaled.
    const responseBody =
      response && !isAdminRequest(request)
        ? journalResponseBody(response.payload, response.contentType, redactor)
        : undefined;
    const requestBody = journalRequestBody(request.body, redactor);
    const kind = requestKind(request);
    const client = clientOf(request);
    return {
      at: new Date().toISOString(),
      method: request.method,
      host: request.headers.host ?? "",
      url: redactor.url(request.url),
      status,
      service: kind.service,
      ...(kind.operation ? { operation: kind.operation } : {}),
      ...(client ? { client } : {}),
      ...(request.sandboxOutcome ? { errorCode: request.sandboxOutcome } : {}),
      ...(request.sandboxReason ? { reason: request.sandboxReason } : {}),
      ...(request.sandboxHint ? { hint: request.sandboxHint } : {}),
      ...(request.sandboxFault ? { fault: request.sandboxFault } : {}),
      durationMs,
      ...(requestBody ? { requestBody } : {}),
      ...(responseBody ? { responseBody } : {}),
      ...(redactor.tokens.length > 0 ? { tokens: redactor.tokens } : {}),
      ...(request.sandboxError ? { error: request.sandboxError } : {}),
    };
  };
  // Journaled as the answer leaves, so a client that has its answer always finds it in the journal.
  app.addHook("onSend", async (request, reply, payload) => {
    // Reads of the admin API change nothing; journaling the inspector's polling would crowd out traffic.
    if (request.method === "GET" && isAdminRequest(request)) return payload;
    const contentType = String(reply.getHeader("content-type") ?? "");
    parts.journal.add(
      entryOf(request, reply.statusCode, Math.round(reply.elapsedTime), { payload, contentType }),
    );
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

  // Last-resort answers, set before any scope is registered so every scope inherits them; each mock
  // installs its own in its own scope.
  app.setNotFoundHandler((request, reply) => {
    if (isAcsRequest(request)) return parts.acs.notFound(request, reply);
    if (isArmRequest(request)) return parts.arm.notFound(request, reply);
    if (isGraphRequest(request)) return parts.aad.graph.notFound(request, reply);
    reply
      .code(404)
      .send({ error: "not_found", message: `No sandbox endpoint for ${request.method} ${request.url}` });
  });
  // What the framework refuses (unreadable JSON, a wrong content type) is the client's; anything else
  // thrown is the sandbox's own failure: a visible 500, journaled with its stack.
  app.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      // A body the root parser refused on a path no ACS route takes is still ACS's to answer.
      if (isAcsRequest(request)) {
        return request.is404
          ? parts.acs.notFound(request, reply)
          : parts.acs.frameworkError(error as Error, request, reply);
      }
      if (isArmRequest(request)) {
        return request.is404
          ? parts.arm.notFound(request, reply)
          : parts.arm.frameworkError(error as Error, request, reply);
      }
      return reply.code(error.statusCode).send({ error: "bad_request", message: error.message });
    }
    if (isStoreUnavailable(error)) {
      // The store (a team sandbox's database) is down: not a bug, and GET /_sandbox/health says why.
      recordReason(request, `store unavailable: ${error.reason}`);
      return reply
        .code(503)
        .header("retry-after", "5")
        .send({ error: "store_unavailable", message: error.message });
    }
    recordServerError(request, error);
    if (isAcsRequest(request)) return parts.acs.serverError(request, reply);
    if (isArmRequest(request)) return parts.arm.serverError(request, reply);
    return reply.code(500).send({
      error: "internal_error",
      message: `The sandbox failed while answering ${request.method} ${request.url.split("?")[0]}: ${error.message}. This is a bug in acs-sandbox; the stack is in GET /_sandbox/requests and in the --debug log.`,
    });
  });
  await app.register(formbody);
  await app.register(cookie);
  await app.register(
    namedPlugin("admin-api", async (scope: FastifyInstance) => {
      await parts.admin(scope);
    }),
    { prefix: "/_sandbox" },
  );
  await app.register(namedPlugin("entra-id", parts.aad.plugin));
  await app.register(namedPlugin("microsoft-graph", parts.aad.graph.plugin));
  await app.register(namedPlugin("acs-identity", parts.acs.plugin));
  await app.register(namedPlugin("azure-resource-manager", parts.arm.plugin));
  for (const plugin of parts.plugins ?? []) await app.register(plugin);

  return app;
}
