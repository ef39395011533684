import type { FastifyRequest } from "fastify";
import type { AcsContext } from "./context.js";
import { authorizeBearer } from "./bearer.js";
import { AcsError } from "./errors.js";
import { verifyHmac } from "./hmac.js";
import type { AcsResource } from "./resources.js";
import { rawBody } from "./wire.js";

declare module "fastify" {
  interface FastifyRequest {
    /** The ACS resource the request was addressed to and authenticated for. */
    acsResource?: AcsResource;
  }
}

/**
 * Who may call the Identity API of the addressed resource: an HMAC signature with one of its access
 * keys, or an Entra bearer token whose principal holds a role on it. Anything else is 401 Denied,
 * whatever the reason, as the real gateway answers; which check failed goes to the journal (`reason`).
 */
export async function authenticate(ctx: AcsContext, request: FastifyRequest): Promise<AcsResource> {
  const resource = ctx.resourceFor(request);
  if (!resource)
    throw new AcsError("NotFound", {
      message: `No Communication Services resource answers at ${request.headers.host ?? "this host"}.`,
    });
  if (request.routeOptions.config.acsBearerIsCaller) return resource;
  const authorization = request.headers.authorization ?? "";
  const bearer = /^Bearer\s+(\S+)$/i.exec(authorization);
  if (bearer) {
    const authorized = await authorizeBearer(bearer[1]!, ctx.entraKeys, ctx.clock, resource);
    if ("refused" in authorized) throw new AcsError("Denied", { reason: `bearer: ${authorized.refused}` });
    return resource;
  }
  const failure = verifyHmac(
    { method: request.method, url: request.url, headers: request.headers, rawBody: rawBody(request) },
    [resource.primaryKey, resource.secondaryKey],
    ctx.clock.nowMs(),
    (clientMs) => ctx.clock.fromClientTime(clientMs),
  );
  if (failure) throw new AcsError("Denied", { reason: `hmac: ${failure}` });
  return resource;
}
