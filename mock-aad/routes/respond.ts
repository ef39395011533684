import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { recordOutcome } from "../../core/outcome.js";
import type { Clock } from "../../core/clock.js";
import { browserChannel, entraTimestamp, renderAadError, type AadError } from "../errors.js";
import type { AppReturn } from "../interactions.js";
import { errorPage } from "../pages/error-page.js";
import { returnToApp, sendPage } from "./browser-answer.js";

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

/** How an Entra ID error reaches whoever made the request. */
export type AadErrorDelivery =
  /**
   * The token endpoint's JSON, as every API endpoint answers (the default). A discovery document's
   * error says `Cache-Control: private` as Entra's discovery answers do, where the token endpoint's say
   * `no-store, no-cache` ([infer] without the documents' `max-age=86400`).
   */
  | { kind: "json"; cacheControl?: string }
  /**
   * A browser flow: Entra's error page, or, once the app's redirect URI is trusted (`target`), the
   * redirect with `error=` for the errors the flow hands back to the app. Which those are is the
   * catalog's `browser` channel, unless the flow says otherwise (`toApp`).
   */
  | {
      kind: "browser";
      correlationId: string;
      target?: AppReturn;
      toApp?: (err: AadError) => boolean;
    };

declare module "fastify" {
  interface FastifyRequest {
    /** How this request's errors are answered (set by a browser flow; JSON otherwise). */
    aadErrorDelivery?: AadErrorDelivery;
  }
}

/**
 * Says how this request's errors are answered from here on: a browser flow sets it first to its error
 * page, then, once the redirect URI is trusted, to the app. Routes then only throw `AadError`.
 */
export function deliverErrors(request: FastifyRequest, delivery: AadErrorDelivery): void {
  request.aadErrorDelivery = delivery;
}

export interface SendAadErrorOptions {
  clock: Clock;
  /** Overrides the request's delivery (a fault, the sandbox's own 500: always JSON). */
  delivery?: AadErrorDelivery;
  /** Overrides the catalog's status of a JSON answer (413 for an oversized body, a fault's status). */
  status?: number;
  /** More fields of a redirect to the app (`admin_consent=True`, `error_subcode=cancel`). */
  extra?: Record<string, string | undefined>;
}

/** Error fields of a redirect (reference §1.2, §3.1): the JSON error's, without `error_codes`. */
function errorParams(clock: Clock, err: AadError, correlationId: string): Record<string, string | undefined> {
  const { body } = renderAadError(err, { now: clock.now(), correlationId });
  return {
    error: body.error,
    error_description: body.error_description,
    error_uri: body.error_uri,
    suberror: body.suberror,
    claims: body.claims,
    correlation_id: body.correlation_id,
    trace_id: body.trace_id,
    timestamp: body.timestamp,
  };
}

/**
 * The one way a catalogued Entra ID error is answered, noted for the request journal: the token
 * endpoint's JSON; in a browser flow, Entra's error page or a redirect to the app (always with `state`:
 * without it MSAL reports `state_not_found` instead), as the request's delivery and the catalog say.
 *
 * @example
 * sendAadError(request, reply, new AadError("AADSTS50126"), { clock: ctx.clock });
 */
export function sendAadError(
  request: FastifyRequest,
  reply: FastifyReply,
  err: AadError,
  options: SendAadErrorOptions,
): FastifyReply {
  const { clock } = options;
  const delivery = options.delivery ?? request.aadErrorDelivery ?? { kind: "json" };
  recordOutcome(request, err.code);
  if (delivery.kind === "json") {
    const traceId = randomUUID();
    const rendered = renderAadError(err, {
      now: clock.now(),
      correlationId: correlationIdOf(request),
      traceId,
    });
    tokenHeaders(reply, traceId);
    if (delivery.cacheControl) reply.header("cache-control", delivery.cacheControl);
    return reply.code(options.status ?? rendered.status).send(rendered.body);
  }
  const toApp = delivery.toApp ?? ((e: AadError) => browserChannel(e.code) === "redirect");
  if (delivery.target && toApp(err)) {
    return returnToApp(reply, delivery.target, {
      ...errorParams(clock, err, delivery.correlationId),
      ...options.extra,
    });
  }
  return sendPage(
    reply,
    400,
    errorPage({
      code: err.number,
      message: err.message.slice(`${err.code}: `.length),
      requestId: randomUUID(),
      correlationId: delivery.correlationId,
      timestamp: entraTimestamp(clock.now()),
    }),
  );
}
