import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import {
  servicePrincipalObjectId,
  type Directory,
  type DirectoryDocument,
  type Tenant,
} from "../directory.js";
import { FIRST_PARTY_RESOURCES, findFirstPartyClient } from "../first-party.js";
import { registeredApp } from "../policy/app-visibility.js";
import { authorize } from "./caller.js";
import { GraphError } from "./errors.js";
import { collectionResponse, contextUrl, entityResponse, type GraphObject } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { bodyOf, callerOf, editWorld, keyValue, sendJson, sendNoContent } from "./service.js";
import { appRoleAssignmentsOf, servicePrincipalsOf } from "./views.js";

/*
 * Graph `servicePrincipals`: the apps a tenant holds (quickstart admin step 7, `az ad sp create --id
 * 1fd5118e-…`), and the application permissions granted to them (`appRoleAssignments`,
 * `appRoleAssignedTo`). A service principal's object id is the one the world derives, so the principal
 * Graph lists is the one tokens and consent use.
 */

type Params = { id?: string; key?: string; assignmentId?: string };

const FILTERABLE = ["appId", "displayName", "id", "servicePrincipalNames", "servicePrincipalType", "tags"];

/** The tenant's service principal a request addresses (object id or `(appId='…')`), or Graph's 404. */
function addressedPrincipal(directory: Directory, tenant: Tenant, params: Params): GraphObject {
  const byKey = params.key !== undefined ? keyValue(params.key).toLowerCase() : undefined;
  const found = servicePrincipalsOf(directory, tenant).find((sp) =>
    byKey !== undefined ? sp.appId === byKey : sp.id === params.id?.toLowerCase(),
  );
  if (!found) throw new GraphError("notFound", { id: byKey ?? params.id ?? "" });
  return found;
}

/** How the world file names an app: a first-party key, or the app registration's name. */
function worldReference(directory: Directory, appId: string): string | undefined {
  const firstParty = FIRST_PARTY_RESOURCES.find((r) => r.appId === appId);
  if (firstParty) return firstParty.key;
  const client = findFirstPartyClient(appId);
  if (client) return client.key;
  return directory.apps.find((a) => a.clientId === appId)?.name;
}

/**
 * The app a new service principal would stand for: a first-party API or client, or an app registration
 * the tenant may hold (multi-tenant, or registered in this tenant).
 */
function creatableApp(directory: Directory, tenant: Tenant, appId: string): string {
  const reference = worldReference(directory, appId);
  const app = registeredApp(directory, appId);
  const visible = !app || app.signInAudience === "multitenant" || app.homeTenantId === tenant.id;
  if (reference === undefined || !visible) {
    // [infer] Graph's 400 for an appId no application it can see has.
    throw new GraphError("badRequest", {
      reason: `The appId '${appId}' of the service principal does not reference a valid application object.`,
    });
  }
  return reference;
}

function addServicePrincipal(
  doc: DirectoryDocument,
  directory: Directory,
  tenant: Tenant,
  appId: string,
  reference: string,
) {
  const home = directory.apps.find((a) => a.clientId === appId && a.homeTenantId === tenant.id);
  if (home) doc.apps[home.name]!.homeServicePrincipal = true;
  else doc.tenants[tenant.name]!.servicePrincipals.push(reference);
}

function removeServicePrincipal(doc: DirectoryDocument, directory: Directory, tenant: Tenant, appId: string) {
  const t = doc.tenants[tenant.name]!;
  const names = new Set([appId, worldReference(directory, appId)]);
  t.servicePrincipals = t.servicePrincipals.filter((ref) => !names.has(ref));
  // Its grants and app role assignments go with it, as in Entra.
  t.grants = t.grants.filter((g) => !names.has(g.client) && !names.has(g.resource));
  t.appRoleAssignments = t.appRoleAssignments.filter((a) => !names.has(a.client) && !names.has(a.resource));
  const home = directory.apps.find((a) => a.clientId === appId && a.homeTenantId === tenant.id);
  if (home) doc.apps[home.name]!.homeServicePrincipal = false;
}

/** Registers the `servicePrincipals` routes. */
export function servicePrincipalRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  origin: (r: FastifyRequest) => string,
): void {
  serveOperation(app, OPS.graphListServicePrincipals, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readApplications");
    const all = servicePrincipalsOf(ctx.directory(), caller.tenant);
    return sendJson(
      reply,
      200,
      collectionResponse(origin(request), request, "servicePrincipals", all, FILTERABLE),
    );
  });

  serveOperation(app, OPS.graphGetServicePrincipal, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readApplications");
    const sp = addressedPrincipal(ctx.directory(), caller.tenant, request.params as Params);
    return sendJson(reply, 200, entityResponse(origin(request), request, "servicePrincipals", sp));
  });

  serveOperation(app, OPS.graphCreateServicePrincipal, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeApplications");
    const appId = String(bodyOf(request).appId ?? "").toLowerCase();
    if (appId === "") throw new GraphError("badRequest", { reason: "Property 'appId' is required." });
    const directory = ctx.directory();
    if (caller.tenant.servicePrincipals.some((sp) => sp.appId === appId)) {
      throw new GraphError("servicePrincipalExists", { appId });
    }
    const reference = creatableApp(directory, caller.tenant, appId);
    await editWorld(ctx, (doc) => addServicePrincipal(doc, directory, caller.tenant, appId, reference));
    const tenant = ctx.directory().tenants.find((t) => t.id === caller.tenant.id)!;
    const sp = servicePrincipalsOf(ctx.directory(), tenant).find((s) => s.appId === appId)!;
    return sendJson(reply, 201, entityResponse(origin(request), request, "servicePrincipals", sp));
  });

  serveOperation(app, OPS.graphDeleteServicePrincipal, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeApplications");
    const directory = ctx.directory();
    const sp = addressedPrincipal(directory, caller.tenant, request.params as Params);
    if (sp.servicePrincipalType === "ManagedIdentity") {
      // [infer] Graph refuses to delete a managed identity's principal; Azure deletes it with its resource.
      throw new GraphError("badRequest", {
        reason: "A managed identity's service principal is deleted with its Azure resource.",
      });
    }
    await editWorld(ctx, (doc) => removeServicePrincipal(doc, directory, caller.tenant, String(sp.appId)));
    return sendNoContent(reply);
  });

  /** `appRoleAssignments` lists what a principal holds; `appRoleAssignedTo` what a resource has granted. */
  const assignedTo = (request: FastifyRequest) => request.url.includes("/appRoleAssignedTo");

  serveOperation(app, OPS.graphListAppRoleAssignments, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readApplications");
    const directory = ctx.directory();
    const sp = addressedPrincipal(directory, caller.tenant, request.params as Params);
    const field = assignedTo(request) ? "resourceId" : "principalId";
    const all = appRoleAssignmentsOf(directory, caller.tenant).filter((a) => a[field] === sp.id);
    const set = `servicePrincipals('${String(sp.id)}')/${assignedTo(request) ? "appRoleAssignedTo" : "appRoleAssignments"}`;
    return sendJson(
      reply,
      200,
      collectionResponse(origin(request), request, set, all, ["principalId", "resourceId", "appRoleId"]),
    );
  });

  serveOperation(app, OPS.graphCreateAppRoleAssignment, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeAppRoleAssignments");
    const directory = ctx.directory();
    addressedPrincipal(directory, caller.tenant, request.params as Params);
    const body = bodyOf(request);
    const principalId = String(body.principalId ?? "").toLowerCase();
    const resourceId = String(body.resourceId ?? "").toLowerCase();
    const appRoleId = String(body.appRoleId ?? "").toLowerCase();
    const principals = caller.tenant.servicePrincipals;
    const principal = principals.find((sp) => sp.objectId === principalId);
    const resourceSp = principals.find((sp) => sp.objectId === resourceId);
    if (!principal) throw new GraphError("notFound", { id: principalId });
    if (!resourceSp) throw new GraphError("notFound", { id: resourceId });
    const resource = directory.resources.find((r) => r.appId === resourceSp.appId);
    const role = resource?.appRoles.find((r) => r.id === appRoleId);
    if (!role) {
      // [infer] Graph's wording for an app role the resource does not define.
      throw new GraphError("badRequest", {
        reason: "Permission being assigned was not found on application",
      });
    }
    const client = worldReference(directory, principal.appId)!;
    const resourceRef = worldReference(directory, resourceSp.appId)!;
    await editWorld(ctx, (doc) => {
      doc.tenants[caller.tenant.name]!.appRoleAssignments.push({
        client,
        resource: resourceRef,
        roles: [role.value],
      });
    });
    const tenant = ctx.directory().tenants.find((t) => t.id === caller.tenant.id)!;
    const created = appRoleAssignmentsOf(ctx.directory(), tenant).find(
      (a) => a.principalId === principalId && a.resourceId === resourceId && a.appRoleId === appRoleId,
    )!;
    const set = `servicePrincipals('${String(request.params && (request.params as Params).id)}')/${assignedTo(request) ? "appRoleAssignedTo" : "appRoleAssignments"}`;
    return sendJson(reply, 201, {
      "@odata.context": `${contextUrl(origin(request), request, set)}/$entity`,
      ...created,
    });
  });

  serveOperation(app, OPS.graphDeleteAppRoleAssignment, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeAppRoleAssignments");
    const directory = ctx.directory();
    addressedPrincipal(directory, caller.tenant, request.params as Params);
    const { assignmentId = "" } = request.params as Params;
    const found = appRoleAssignmentsOf(directory, caller.tenant).find((a) => a.id === assignmentId);
    if (!found) throw new GraphError("notFound", { id: assignmentId });
    const principal = caller.tenant.servicePrincipals.find((sp) => sp.objectId === found.principalId)!;
    const resource = directory.resources.find(
      (r) => servicePrincipalObjectId(caller.tenant.id, r.appId) === found.resourceId,
    )!;
    const roleValue =
      resource.appRoles.find((r) => r.id === found.appRoleId)?.value ?? String(found.appRoleId);
    const names = new Set([principal.appId, worldReference(directory, principal.appId)]);
    const resourceNames = new Set([resource.appId, worldReference(directory, resource.appId)]);
    await editWorld(ctx, (doc) => {
      const t = doc.tenants[caller.tenant.name]!;
      t.appRoleAssignments = t.appRoleAssignments.flatMap((a) => {
        if (!names.has(a.client) || !resourceNames.has(a.resource)) return [a];
        const roles = a.roles.filter((r) => r !== roleValue);
        return roles.length > 0 ? [{ ...a, roles }] : [];
      });
    });
    return sendNoContent(reply);
  });
}
