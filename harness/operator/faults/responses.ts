import { STATUS_CODES } from "node:http";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { Clock } from "../../../core/clock.js";
import { AadError } from "../../../mock-aad/errors.js";
import { sendAadError } from "../../../mock-aad/routes/respond.js";
import { AcsError } from "../../../mock-acs/errors.js";
import { ERROR_CONTENT_TYPE } from "../../../mock-acs/wire.js";
import { recordOutcome } from "../../../core/outcome.js";
import type { Service } from "./rules.js";

/*
 * The answer a status fault gives, in the shape of the service it stands in for: ACS's
 * CommunicationErrorResponse (with the service headers its scope already set), Entra's token-endpoint
 * JSON (which MSAL parses; a plain-text body would surface as a parse error instead). Both catalogs
 * hold the codes; which ones are inferred is said there.
 *
 * What the clients read, from their sources:
 * - msal-common `network/ThrottlingUtils` (AzureAD/microsoft-authentication-library-for-js): a 429 or
 *   5xx is remembered per request thumbprint for `Retry-After` seconds (60 when absent, at most 3600),
 *   and the same request is refused locally until then; the body is read as JSON (`msal-node
 *   network/HttpClient`: a non-JSON body is a "Failed to parse response" error).
 * - `@typespec/ts-http-runtime` `retryStrategies/throttlingRetryStrategy` (Azure Core's retry policy):
 *   `Retry-After` (seconds or a date), `retry-after-ms` and `x-ms-retry-after-ms`, only on 429 and 503;
 *   the exponential strategy retries 408 and 5xx but 501/505 (reference acs-identity-api.md §6).
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

/**
 * [infer] The body of a 4xx the catalog has no answer for (403, 405, 409, 412, …): no recording shows
 * ACS Identity sending one. The CommunicationErrorResponse shape, with the status's reason phrase as
 * code and message, as ASP.NET names a bare status.
 */
function unrecordedAcsBody(status: number): { error: { code: string; message: string } } {
  const reason = STATUS_CODES[status] ?? "Client Error";
  return { error: { code: reason.replace(/[^A-Za-z]/g, ""), message: `${reason}.` } };
}

export function retryAfterOf(status: number, retryAfter: number | false | undefined): number | undefined {
  if (retryAfter === false) return undefined;
  if (retryAfter !== undefined) return retryAfter;
  return status === 429 || status === 503 ? DEFAULT_RETRY_AFTER_S : undefined;
}

/** Sends `status` as the service would, with Retry-After where the rule or the status calls for one. */
export function sendFaultStatus(
  request: FastifyRequest,
  reply: FastifyReply,
  options: { service: Service; status: number; retryAfter: number | false | undefined; clock: Clock },
): FastifyReply {
  const retryAfter = retryAfterOf(options.status, options.retryAfter);
  if (retryAfter !== undefined) reply.header("retry-after", String(Math.ceil(retryAfter)));
  if (options.service === "acs") {
    const body = acsFault(options.status)?.body() ?? unrecordedAcsBody(options.status);
    recordOutcome(request, body.error.code);
    // The rule's status is sent even where it differs from the code's own (502, 504).
    return reply
      .code(options.status)
      .type(ERROR_CONTENT_TYPE)
      .send(Buffer.from(JSON.stringify(body)));
  }
  const error = new AadError("AADSTS90006");
  if (options.status !== 429 && options.status !== 503) error.withError("server_error");
  return sendAadError(request, reply, error, {
    clock: options.clock,
    delivery: { kind: "json" },
    status: options.status,
  });
}
