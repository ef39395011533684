import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { recordOutcome } from "../../core/outcome.js";
import type { Clock } from "../../core/clock.js";
import { renderAadError, type AadError } from "../errors.js";

/*
 * Headers and error bodies shared by the Entra ID endpoints, as recorded from login.microsoftonline.com
 * (Azure/azure-sdk-for-js recordings; the error body as https://learn.microsoft.com/entra/identity-platform/reference-error-codes
 * documents it).
 */

/** `x-ms-ests-server` names the front end that answered; MSAL only logs it. */
const ESTS_SERVER = "2.1.0 - acs-sandbox";

/**
 * The client's `client-request-id` (query, form body, or the `client-request-id` / `x-ms-client-request-id`
 * header: MSAL Python and MSAL.NET send the latter), which Entra echoes as correlation id.
 */
export function correlationIdOf(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const body = request.body as Record<string, unknown> | undefined;
  const candidates = [
    query?.["client-request-id"],
    body && typeof body === "object" ? body["client-request-id"] : undefined,
    request.headers["client-request-id"],
    request.headers["x-ms-client-request-id"],
  ];
  return candidates.find((c): c is string => typeof c === "string" && c.length > 0);
}

/**
 * Headers on every login.microsoftonline.com answer, discovery, tokens, errors and pages alike
 * (azure-sdk-for-js recordings 2021–2022, test/parity/recorded.json).
 */
export function entraHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers({
    "strict-transport-security": "max-age=31536000; includeSubDomains",
    "x-content-type-options": "nosniff",
    p3p: 'CP="DSP CUR OTPi IND OTRi ONL FIN"',
  });
}

/** Token endpoint headers: never cached, a request id MSAL copies to `result.requestId`. */
export function tokenHeaders(reply: FastifyReply, requestId: string): FastifyReply {
  return reply.headers({
    "cache-control": "no-store, no-cache",
    pragma: "no-cache",
    expires: "-1",
    "content-type": "application/json; charset=utf-8",
    "x-ms-request-id": requestId,
    "x-ms-ests-server": ESTS_SERVER,
    "x-ms-clitelem": "1,0,0,,",
    // [infer] Browsers redeem codes cross-origin (msal-browser sends simple CORS requests).
    "access-control-allow-origin": "*",
  });
}

/** Discovery headers: cacheable for a day, readable from any origin. */
export function discoveryHeaders(reply: FastifyReply): FastifyReply {
  return reply.headers({
    "cache-control": "max-age=86400, private",
    "content-type": "application/json; charset=utf-8",
    "access-control-allow-origin": "*",
    "access-control-allow-methods": "GET, OPTIONS",
    "x-ms-request-id": randomUUID(),
    "x-ms-ests-server": ESTS_SERVER,
  });
}

/**
 * Answers with a catalogued error in the token endpoint's JSON shape and notes it for the request
 * journal. `status` overrides the catalog's (413 for an oversized body).
 */
export function sendAadError(
  reply: FastifyReply,
  request: FastifyRequest,
  clock: Clock,
  err: AadError,
  status?: number,
): FastifyReply {
  const traceId = randomUUID();
  const rendered = renderAadError(err, {
    now: clock.now(),
    correlationId: correlationIdOf(request),
    traceId,
  });
  recordOutcome(request, err.code);
  return tokenHeaders(reply, traceId)
    .code(status ?? rendered.status)
    .send(rendered.body);
}
