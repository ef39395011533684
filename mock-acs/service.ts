import type { FastifyRequest } from "fastify";
import type { AcsContext } from "./context.js";
import { operationOf } from "../core/operations.js";
import { resolveApiVersion, type ApiVersion } from "./api-versions.js";
import type { AcsOperation } from "./operations.js";
import type { AssignmentStore } from "./assignments.js";
import type { IdentityStore } from "./identities.js";
import type { AcsResource } from "./resources.js";

/** What the routes share: the host's context and the identity store. */
export interface AcsService {
  ctx: AcsContext;
  store: IdentityStore;
  assignments: AssignmentStore;
}

/** The authenticated resource of a request (set by the scope's preHandler before any route runs). */
export function resourceOf(request: FastifyRequest): AcsResource {
  if (!request.acsResource) throw new Error("ACS route reached without authentication");
  return request.acsResource;
}

/** The ACS operation a routed request addresses (its route's declaration, mock-acs/operations.ts). */
export function acsOperationOf(request: FastifyRequest): AcsOperation | undefined {
  const declaration = operationOf(request);
  return declaration?.service === "acs" ? (declaration.name as AcsOperation) : undefined;
}

/** The api-version a request is served as (or the UnsupportedApiVersion error), for its declared operation. */
export function apiVersionOf(service: AcsService, request: FastifyRequest): ApiVersion {
  const operation = acsOperationOf(request);
  if (!operation) throw new Error(`No ACS operation is declared for ${request.method} ${request.url}`);
  const query = request.query as Record<string, string | string[] | undefined>;
  const raw = query["api-version"];
  const requested = Array.isArray(raw) ? raw[0] : raw;
  const path = request.url.split("?")[0] ?? "";
  const version = resolveApiVersion(operation, requested, {
    loose: service.ctx.looseApiVersion,
    requestUri: `https://${request.headers.host ?? "localhost"}${path}`,
  });
  // The controller's `api-supported-versions` names the version it served (wire.ts).
  request.acsApiVersion = version;
  return version;
}
