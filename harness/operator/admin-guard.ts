import { createHash, timingSafeEqual } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";

/*
 * What keeps a web page from driving the admin API. A browser lets any page send a cross-site form post
 * (`application/x-www-form-urlencoded`, `multipart/form-data`, `text/plain`) without asking the target;
 * a JSON body needs a CORS preflight the sandbox never grants. So the admin API takes JSON only (YAML for
 * a world), refuses an `Origin` that is not its own, and, when an admin token is set, wants it as a
 * bearer token. The mocks' own endpoints are not touched: Entra's are form posts by design.
 */

export const ADMIN_PREFIX = "/_sandbox";

export interface AdminGuardOptions {
  /** When set, every admin request but the open ones needs `Authorization: Bearer <token>`. */
  adminToken?: string | undefined;
  /** Origins besides `https://<Host>` that are the sandbox's own (`--public-url`). */
  ownOrigins: (request: FastifyRequest) => string[];
}

/**
 * Reachable without the token: health checks, the descriptor, the inspector's page itself, and the
 * public keys ACS signs with (what a verifier needs, granting nothing).
 */
const OPEN_PATHS = new Set([
  "/_sandbox",
  "/_sandbox/",
  "/_sandbox/health",
  "/_sandbox/descriptor",
  "/_sandbox/acs/jwks",
]);

function isOpen(method: string, path: string): boolean {
  return (method === "GET" || method === "HEAD") && OPEN_PATHS.has(path);
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;
const YAML_TYPE = /^(?:application|text)\/(?:x-)?yaml$/;

function mediaType(request: FastifyRequest): string | undefined {
  const header = request.headers["content-type"];
  return header === undefined ? undefined : header.split(";")[0]!.trim().toLowerCase();
}

function hasBody(request: FastifyRequest): boolean {
  const length = request.headers["content-length"];
  return (length !== undefined && length !== "0") || request.headers["transfer-encoding"] !== undefined;
}

/** Compares digests, so the time taken says nothing about how much of the token was right. */
function sameToken(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function refuse(reply: FastifyReply, status: number, error: string, message: string): FastifyReply {
  return reply.code(status).header("cache-control", "no-store").send({ error, message });
}

/** Why a request to the admin API is refused, or undefined when it may go on. */
export function checkAdminRequest(
  request: FastifyRequest,
  reply: FastifyReply,
  options: AdminGuardOptions,
): FastifyReply | undefined {
  const path = request.url.split("?")[0]!;
  if (path !== ADMIN_PREFIX && !path.startsWith(`${ADMIN_PREFIX}/`)) return undefined;

  const origin = request.headers.origin;
  if (origin !== undefined) {
    const own = [`https://${request.headers.host ?? ""}`, ...options.ownOrigins(request)].map((o) =>
      o.replace(/\/+$/, "").toLowerCase(),
    );
    if (!own.includes(origin.toLowerCase())) {
      return refuse(
        reply,
        403,
        "foreign_origin",
        `The admin API only answers pages of the sandbox itself; this request came from ${JSON.stringify(origin)}. Call it from a script, a test or the CLI, not from another site.`,
      );
    }
  }

  const type = mediaType(request);
  if (type !== undefined || hasBody(request)) {
    const yamlAllowed = request.method === "PUT" && path === `${ADMIN_PREFIX}/world`;
    const accepted = type !== undefined && (JSON_TYPE.test(type) || (yamlAllowed && YAML_TYPE.test(type)));
    if (!accepted) {
      return refuse(
        reply,
        415,
        "unsupported_media_type",
        `The admin API takes a JSON body (content-type: application/json)${yamlAllowed ? " or a YAML world (content-type: application/yaml)" : ""}; this request sent ${type === undefined ? "a body without a content type" : JSON.stringify(type)}.`,
      );
    }
  }

  if (options.adminToken !== undefined && !isOpen(request.method, path)) {
    const header = request.headers.authorization ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match || !sameToken(match[1]!, options.adminToken)) {
      reply.header("www-authenticate", 'Bearer realm="acs-sandbox admin API"');
      return refuse(
        reply,
        401,
        "admin_token_required",
        match
          ? "The admin token in the Authorization header is not the one this sandbox was started with (--admin-token or ACS_SANDBOX_ADMIN_TOKEN)."
          : "This sandbox was started with an admin token: send it as Authorization: Bearer <token> (the CLI, the runner and the testcontainers module read ACS_SANDBOX_ADMIN_TOKEN).",
      );
    }
  }
  return undefined;
}
