import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { authorize } from "./caller.js";
import { GraphError } from "./errors.js";
import { collectionResponse, entityResponse } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { callerOf, sendJson } from "./service.js";
import { organizationView } from "./views.js";

/*
 * Graph `organization`: the caller's own tenant, and only it
 * (https://learn.microsoft.com/en-us/graph/api/organization-get).
 */

/** Registers the `organization` routes. */
export function organizationRoutes(app: FastifyInstance, origin: (r: FastifyRequest) => string): void {
  serveOperation(app, OPS.graphListOrganization, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readOrganization");
    const { id } = request.params as { id?: string };
    const org = organizationView(caller.tenant);
    if (id === undefined) {
      return sendJson(
        reply,
        200,
        collectionResponse(origin(request), request, "organization", [org], ["id", "displayName"]),
      );
    }
    if (id.toLowerCase() !== caller.tenant.id) throw new GraphError("notFound", { id });
    return sendJson(reply, 200, entityResponse(origin(request), request, "organization", org));
  });
}
