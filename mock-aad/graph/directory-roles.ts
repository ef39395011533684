import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { authorize } from "./caller.js";
import { GraphError } from "./errors.js";
import { collectionResponse } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { callerOf, keyValue, sendJson } from "./service.js";
import { directoryRoleMembersOf, directoryRolesOf } from "./views.js";

/*
 * Graph `directoryRoles`: the tenant's activated directory roles and who holds them
 * (https://learn.microsoft.com/en-us/graph/api/resources/directoryrole). The holders are the world's
 * users with `roles:` (or `isAdmin: true`, Global Administrator).
 */

/** Registers the `directoryRoles` routes. */
export function directoryRoleRoutes(app: FastifyInstance, origin: (r: FastifyRequest) => string): void {
  serveOperation(app, OPS.graphListDirectoryRoles, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readUsers");
    return sendJson(
      reply,
      200,
      collectionResponse(origin(request), request, "directoryRoles", directoryRolesOf(caller.tenant), [
        "displayName",
        "roleTemplateId",
        "id",
      ]),
    );
  });

  serveOperation(app, OPS.graphListDirectoryRoleMembers, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readUsers");
    const { id, key } = request.params as { id?: string; key?: string };
    const templateId = key !== undefined ? keyValue(key).toLowerCase() : undefined;
    const role = directoryRolesOf(caller.tenant).find((r) =>
      templateId !== undefined ? r.roleTemplateId === templateId : r.id === id?.toLowerCase(),
    );
    if (!role) throw new GraphError("notFound", { id: templateId ?? id ?? "" });
    const members = directoryRoleMembersOf(caller.tenant, role);
    return sendJson(
      reply,
      200,
      collectionResponse(origin(request), request, "directoryObjects", members, [
        "id",
        "displayName",
        "userPrincipalName",
      ]),
    );
  });
}
