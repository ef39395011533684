import { randomUUID } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import { recordOutcome } from "../../core/outcome.js";
import type { Clock } from "../../core/clock.js";
import { ArmError } from "./errors.js";

/*
 * What every ARM response carries (Azure/azure-cli recordings, Azure/azure-sdk-for-js arm-communication
 * recordings): no-cache headers, a request id, the caller's correlation id (or a new one) and a routing id.
 */

export const ARM_CONTENT_TYPE = "application/json; charset=utf-8";

/** `WESTUS:20220607T093223Z:<correlation id>`, as ARM's `x-ms-routing-request-id` reads. */
function routingId(clock: Clock, correlation: string): string {
  const stamp = clock
    .now()
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d+Z$/, "Z");
  return `WESTUS:${stamp}:${correlation}`;
}

/** The headers on every ARM answer, errors included. */
export function setArmHeaders(request: FastifyRequest, reply: FastifyReply, clock: Clock): void {
  const sent = request.headers["x-ms-correlation-request-id"];
  const correlation = typeof sent === "string" && sent.length > 0 ? sent : randomUUID();
  reply.header("Cache-Control", "no-cache");
  reply.header("Pragma", "no-cache");
  reply.header("Expires", "-1");
  reply.header("x-ms-request-id", randomUUID());
  reply.header("x-ms-correlation-request-id", correlation);
  reply.header("x-ms-routing-request-id", routingId(clock, correlation));
  reply.header("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
  reply.header("X-Content-Type-Options", "nosniff");
}

/**
 * ARM's 401s tell where to sign in (`WWW-Authenticate`), as quoted in Azure/azure-sdk-for-net issues:
 * `Bearer authorization_uri="https://login.windows.net/<tenant>", error="invalid_token", …`.
 */
function challenge(error: ArmError, tenant: string | undefined): string {
  const description =
    error.code === "InvalidAuthenticationTokenTenant"
      ? "The access token is from the wrong issuer. It must match the tenant associated with this subscription. Please use correct authority to get the token."
      : error.code === "AuthenticationFailed"
        ? "The authentication failed because of missing 'Authorization' header."
        : "The access token is invalid.";
  return `Bearer authorization_uri="https://login.windows.net/${tenant ?? ""}", error="invalid_token", error_description="${description}"`;
}

/** Sends an ARM error in ARM's shape and notes it for the journal. */
export function sendArmError(
  request: FastifyRequest,
  reply: FastifyReply,
  clock: Clock,
  error: ArmError,
): FastifyReply {
  setArmHeaders(request, reply, clock);
  recordOutcome(request, error.code);
  if (error.status === 401)
    reply.header("WWW-Authenticate", challenge(error, error.params.subscriptionTenant));
  return reply.code(error.status).type(ARM_CONTENT_TYPE).send(error.body());
}
