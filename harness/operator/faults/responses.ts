import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../../../core/clock.js";
import { recordOutcome } from "../../../core/outcome.js";
import { AadError } from "../../../mock-aad/errors.js";
import { GraphError, graphDate, graphErrorBody } from "../../../mock-aad/graph/errors.js";
import { sendJson } from "../../../mock-aad/graph/service.js";
import { sendAadError } from "../../../mock-aad/routes/respond.js";
import { ArmError } from "../../../mock-acs/arm/errors.js";
import { ARM_CONTENT_TYPE, setArmHeaders } from "../../../mock-acs/arm/wire.js";
import { AcsError } from "../../../mock-acs/errors.js";
import { ERROR_CONTENT_TYPE } from "../../../mock-acs/wire.js";
import type { Service } from "./rules.js";

/*
 * The answer a status fault gives, in the shape of the service it stands in for, with the code that
 * service's catalog holds for the status (each catalog says which of its codes are inferred):
 * - ACS: its CommunicationErrorResponse, with the service headers its scope already set.
 * - Entra ID: the token endpoint's JSON (which MSAL parses; a plain-text body would surface as a parse
 *   error instead).
 * - Microsoft Graph: `{"error":{"code","message","innerError"}}`, 429 as its throttling guidance shows
 *   it (https://learn.microsoft.com/en-us/graph/throttling), 503 and 5xx with the codes of its error
 *   table (https://learn.microsoft.com/en-us/graph/errors).
 * - ARM: `{"error":{"code","message"}}` with ARM's headers; 429 as ARM's throttling answers read
 *   (https://learn.microsoft.com/azure/azure-resource-manager/management/request-limits-and-throttling).
 *
 * What the clients read, from their sources:
 * - msal-common `network/ThrottlingUtils` (AzureAD/microsoft-authentication-library-for-js): a 429 or
 *   5xx is remembered per request thumbprint for `Retry-After` seconds (60 when absent, at most 3600),
 *   and the same request is refused locally until then; the body is read as JSON (`msal-node
 *   network/HttpClient`: a non-JSON body is a "Failed to parse response" error).
 * - `@typespec/ts-http-runtime` `retryStrategies/throttlingRetryStrategy` (Azure Core's retry policy,
 *   under the ACS and ARM SDKs): `Retry-After` (seconds or a date), `retry-after-ms` and
 *   `x-ms-retry-after-ms`, only on 429 and 503; `exponentialRetryStrategy` retries 408 and 5xx but
 *   501/505.
 * - `@microsoft/microsoft-graph-client` `middleware/RetryHandler`: retries 429, 503 and 504, waiting
 *   `Retry-After` seconds (3 retries by default).
 * - AzureAD/microsoft-authentication-library-for-dotnet#2855 shows Entra answering a client-credentials
 *   flood with 429 and `Retry-After: 60`.
 */

/** Retry-After when the rule gives none: Azure's throttling answers always carry one. [infer] 1 s. */
const DEFAULT_RETRY_AFTER_S = 1;

/** The catalog's answer for `status`; a 5xx it has none for answers as an unhandled exception does. */
function acsFault(status: number): AcsError | undefined {
  switch (status) {
    case 400:
      return new AcsError("ValidationError");
    case 401:
      return new AcsError("Denied");
    case 404:
      return new AcsError("NotFound");
    case 413:
      return new AcsError("RequestEntityTooLarge");
    case 415:
      return new AcsError("UnsupportedMediaType");
    case 429:
      return new AcsError("TooManyRequests");
    case 503:
      return new AcsError("ServiceUnavailable");
  }
  return status >= 500 ? new AcsError("InternalServerError") : undefined;
}

/** Graph's catalogued answer for a throttling or failure status. */
function graphFault(status: number): GraphError | undefined {
  if (status === 429) return new GraphError("throttled");
  if (status === 503) return new GraphError("serviceUnavailable");
  return status >= 500 ? new GraphError("generalException") : undefined;
}

/**
 * [infer] The body of a 4xx a catalog has no answer for (ACS's 403, 405, 409, …; Graph's and ARM's
 * 4xx but 429): none is recorded for a status the request did not cause. The service's shape, with the
 * status's reason phrase as code and message, as ASP.NET names a bare status.
 */
function unrecordedError(status: number): { code: string; message: string } {
  const reason = STATUS_CODES[status] ?? "Client Error";
  return { code: reason.replace(/[^A-Za-z]/g, ""), message: `${reason}.` };
}

export function retryAfterOf(status: number, retryAfter: number | false | undefined): number | undefined {
  if (retryAfter === false) return undefined;
  if (retryAfter !== undefined) return retryAfter;
  return status === 429 || status === 503 ? DEFAULT_RETRY_AFTER_S : undefined;
}

interface FaultStatus {
  status: number;
  retryAfter: number | undefined;
  clock: Clock;
}

function sendAcsFault(request: FastifyRequest, reply: FastifyReply, fault: FaultStatus): FastifyReply {
  const body = acsFault(fault.status)?.body() ?? { error: unrecordedError(fault.status) };
  recordOutcome(request, body.error.code);
  // The rule's status is sent even where it differs from the code's own (502, 504).
  return reply
    .code(fault.status)
    .type(ERROR_CONTENT_TYPE)
    .send(Buffer.from(JSON.stringify(body)));
}

function headerOf(reply: FastifyReply, name: string): string | undefined {
  const value = reply.getHeader(name);
  return typeof value === "string" && value !== "" ? value : undefined;
}

function sendGraphFault(request: FastifyRequest, reply: FastifyReply, fault: FaultStatus): FastifyReply {
  // Graph's scope has already set request-id (and echoed client-request-id) on requests it routes; a
  // path it has no route for gets them here.
  const requestId = headerOf(reply, "request-id") ?? randomUUID();
  const sent = request.headers["client-request-id"];
  const clientRequestId = typeof sent === "string" && sent !== "" ? sent : undefined;
  reply.header("request-id", requestId);
  if (clientRequestId) reply.header("client-request-id", clientRequestId);
  const error = graphFault(fault.status);
  const body = error
    ? graphErrorBody(error, fault.clock.now(), requestId, clientRequestId)
    : {
        error: {
          ...unrecordedError(fault.status),
          innerError: {
            date: graphDate(fault.clock.now()),
            "request-id": requestId,
            "client-request-id": clientRequestId ?? requestId,
          },
        },
      };
  recordOutcome(request, body.error.code);
  return sendJson(reply, fault.status, body);
}

/** The token's claims, unverified: only to name the caller in ARM's throttling message. */
function bearerClaims(request: FastifyRequest): { oid?: unknown; tid?: unknown } {
  const match = /^Bearer\s+[^.\s]+\.([^.\s]+)\./i.exec(request.headers.authorization ?? "");
  if (!match) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(match[1]!, "base64url").toString("utf8"));
    return claims && typeof claims === "object" ? claims : {};
  } catch {
    return {};
  }
}

/** ARM's throttling counts reads, writes and deletes apart. */
function countedAs(method: string): string {
  if (method === "GET" || method === "HEAD") return "read";
  return method === "DELETE" ? "delete" : "write";
}

/** `20210213T041159Z`, the timestamp in ARM's diagnostic information. */
function armStamp(clock: Clock): string {
  return clock
    .now()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
}

function armFault(request: FastifyRequest, reply: FastifyReply, fault: FaultStatus): ArmError | undefined {
  const subscriptionId = /^\/\/?subscriptions\/([^/?]+)/i.exec(request.url)?.[1];
  if (fault.status === 429) {
    const claims = bearerClaims(request);
    const common = {
      kind: countedAs(request.method),
      actor: typeof claims.oid === "string" ? claims.oid : "",
      retryAfter: String(Math.ceil(fault.retryAfter ?? 0)),
    };
    return subscriptionId
      ? new ArmError("SubscriptionRequestsThrottled", { ...common, subscriptionId })
      : new ArmError("TenantRequestsThrottled", {
          ...common,
          tenantId: typeof claims.tid === "string" ? claims.tid : "",
        });
  }
  if (fault.status === 503) return new ArmError("ServiceUnavailable");
  if (fault.status < 500) return undefined;
  return new ArmError("InternalServerError", {
    timestamp: armStamp(fault.clock),
    subscriptionId: subscriptionId ?? "",
    trackingId: headerOf(reply, "x-ms-request-id") ?? randomUUID(),
    correlationId: headerOf(reply, "x-ms-correlation-request-id") ?? randomUUID(),
  });
}

function sendArmFault(request: FastifyRequest, reply: FastifyReply, fault: FaultStatus): FastifyReply {
  setArmHeaders(request, reply, fault.clock);
  const body = armFault(request, reply, fault)?.body() ?? { error: unrecordedError(fault.status) };
  recordOutcome(request, body.error.code);
  return reply.code(fault.status).type(ARM_CONTENT_TYPE).send(body);
}

/** Sends `status` as the service would, with Retry-After where the rule or the status calls for one. */
export function sendFaultStatus(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { service: Service; status: number; retryAfter: number | false | undefined; clock: Clock },
): FastifyReply {
  const retryAfter = retryAfterOf(options.status, options.retryAfter);
  if (retryAfter !== undefined) reply.header("retry-after", String(Math.ceil(retryAfter)));
  const fault = { status: options.status, retryAfter, clock: options.clock };
  switch (options.service) {
    case "acs":
      return sendAcsFault(request, reply, fault);
    case "graph":
      return sendGraphFault(request, reply, fault);
    case "arm":
      return sendArmFault(request, reply, fault);
    case "entra": {
      const error = new AadError("AADSTS90006");
      if (options.status !== 429 && options.status !== 503) error.withError("server_error");
      return sendAadError(request, reply, error, {
        clock: options.clock,
        delivery: { kind: "json" },
        status: options.status,
      });
    }
  }
}
