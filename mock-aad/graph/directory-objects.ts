import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { authorize } from "./caller.js";
import { GraphError } from "./errors.js";
import { contextUrl, type GraphObject } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { applicationView, servicePrincipalsOf, USER_DEFAULT_PROPERTIES, userView } from "./views.js";
import type { AadContext } from "../context.js";
import { bodyOf, callerOf, sendJson } from "./service.js";

/*
 * Graph `directoryObjects/getByIds`: the caller's tenant's objects for a list of ids, each with its
 * `@odata.type`. The Azure CLI resolves role assignments' principals with it (`az role assignment
 * list` fills `principalName`; `create --assignee <object id>` finds the principal type): Azure/azure-cli
 * src/azure-cli/azure/cli/command_modules/role/custom.py `_get_object_stubs` sends
 * `{"ids": [...], "types": ["user", "group", "servicePrincipal", "directoryObjectPartnerReference"]}`.
 * Shape and rules from https://learn.microsoft.com/en-us/graph/api/directoryobject-getbyids: ids not
 * found are left out, `types` narrows the result (case-insensitive), users carry only their default
 * properties in v1.0, at most 1000 ids.
 */

const MAX_IDS = 1000;

/** Each object of the tenant with its OData type name (`user`, `servicePrincipal`, `application`). */
function objectsOf(ctx: AadContext, request: FastifyRequest): { type: string; object: GraphObject }[] {
  const caller = callerOf(request);
  const directory = ctx.directory();
  const tenant = caller.tenant;
  const beta = request.url.startsWith("/beta/");
  return [
    ...tenant.users.map((u) => {
      const full = userView(u);
      const object = beta ? full : Object.fromEntries(USER_DEFAULT_PROPERTIES.map((k) => [k, full[k]]));
      return { type: "user", object };
    }),
    ...servicePrincipalsOf(directory, tenant).map((object) => ({ type: "servicePrincipal", object })),
    ...directory.apps
      .filter((a) => a.homeTenantId === tenant.id)
      .map((a) => ({ type: "application", object: applicationView(directory, a, tenant) })),
  ];
}

function stringList(value: unknown, property: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new GraphError("badRequest", { reason: `Property '${property}' must be a collection of strings.` });
  }
  return value as string[];
}

/** Registers `POST /directoryObjects/getByIds`. */
export function directoryObjectRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  origin: (r: FastifyRequest) => string,
): void {
  serveOperation(app, OPS.graphGetDirectoryObjectsByIds, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readDirectoryObjects");
    const body = bodyOf(request);
    const ids = stringList(body.ids, "ids").map((id) => id.toLowerCase());
    if (ids.length === 0) throw new GraphError("badRequest", { reason: "Property 'ids' is required." });
    if (ids.length > MAX_IDS) {
      // [infer] Graph's wording when more ids are sent than the documented limit.
      throw new GraphError("badRequest", {
        reason: `Too many ids specified: ${ids.length}. At most ${MAX_IDS} are allowed.`,
      });
    }
    const types = new Set(stringList(body.types, "types").map((t) => t.toLowerCase()));
    const wanted = new Set(ids);
    const value = objectsOf(ctx, request)
      .filter(
        ({ type, object }) =>
          wanted.has(String(object.id)) && (types.size === 0 || types.has(type.toLowerCase())),
      )
      .map(({ type, object }) => ({ "@odata.type": `#microsoft.graph.${type}`, ...object }));
    return sendJson(reply, 200, {
      "@odata.context": contextUrl(origin(request), request, "directoryObjects"),
      value,
    });
  });
}
