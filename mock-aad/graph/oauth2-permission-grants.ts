import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import type { Directory, DirectoryDocument, Tenant } from "../directory.js";
import { FIRST_PARTY_RESOURCES, findFirstPartyClient } from "../first-party.js";
import { authorize } from "./caller.js";
import { GraphError } from "./errors.js";
import { parseGrantId } from "./ids.js";
import { collectionResponse, entityResponse, type GraphObject } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { bodyOf, callerOf, editWorld, sendJson, sendNoContent } from "./service.js";
import { grantsOf } from "./views.js";

/*
 * Graph `oauth2PermissionGrants`: delegated consent (quickstart admin step 8), tenant-wide
 * (`AllPrincipals`) or for one user (`Principal`). They are the world's `grants:`, so a grant made here
 * is the consent the next token request finds. Bodies as `az ad app permission grant` sends them
 * (Azure/azure-cli role/tests/latest/recordings/test_app_permission_grant.yaml) and the resource page
 * https://learn.microsoft.com/en-us/graph/api/resources/oauth2permissiongrant.
 */

const FILTERABLE = ["clientId", "consentType", "principalId", "resourceId", "id"];

function appReference(directory: Directory, appId: string): string {
  return (
    FIRST_PARTY_RESOURCES.find((r) => r.appId === appId)?.key ??
    findFirstPartyClient(appId)?.key ??
    directory.apps.find((a) => a.clientId === appId)?.name ??
    appId
  );
}

function principalOf(tenant: Tenant, objectId: string, property: string) {
  const sp = tenant.servicePrincipals.find((s) => s.objectId === objectId.toLowerCase());
  if (!sp) {
    throw new GraphError("badRequest", {
      reason: `Invalid value specified for property '${property}' of resource 'OAuth2PermissionGrant'.`,
    });
  }
  return sp;
}

function scopesOf(value: unknown): string[] {
  if (typeof value !== "string") {
    throw new GraphError("badRequest", {
      reason: "Property 'scope' is required: the scope names, separated by spaces.",
    });
  }
  return value.split(" ").filter(Boolean);
}

/** The world edit that makes one grant carry exactly `scopes` (none: revoked). */
function setGrant(
  doc: DirectoryDocument,
  directory: Directory,
  tenant: Tenant,
  grant: { clientAppId: string; resourceAppId: string; principalId: string | undefined },
  scopes: string[],
): void {
  const t = doc.tenants[tenant.name]!;
  const client = appReference(directory, grant.clientAppId);
  const resource = appReference(directory, grant.resourceAppId);
  const user = grant.principalId ? tenant.users.find((u) => u.objectId === grant.principalId) : undefined;
  const sameApp = (ref: string, appId: string, name: string) =>
    ref === name || ref.toLowerCase() === appId || appReference(directory, ref) === name;
  t.grants = t.grants.filter((g) => {
    if (!sameApp(g.client, grant.clientAppId, client) || !sameApp(g.resource, grant.resourceAppId, resource))
      return true;
    const gUser =
      g.user === undefined ? undefined : tenant.users.find((u) => u.name === g.user || u.upn === g.user);
    return gUser?.objectId !== grant.principalId;
  });
  if (scopes.length > 0) t.grants.push({ client, resource, scopes, ...(user ? { user: user.name } : {}) });
}

/** Registers the `oauth2PermissionGrants` routes. */
export function grantRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  origin: (r: FastifyRequest) => string,
): void {
  const addressed = (request: FastifyRequest): GraphObject => {
    const caller = callerOf(request);
    const { id = "" } = request.params as { id?: string };
    const grant = grantsOf(caller.tenant).find((g) => g.id === id);
    if (!grant || !parseGrantId(id)) throw new GraphError("notFound", { id });
    return grant;
  };
  const identity = (directory: Directory, tenant: Tenant, grant: GraphObject) => ({
    clientAppId: principalOf(tenant, String(grant.clientId), "clientId").appId,
    resourceAppId: principalOf(tenant, String(grant.resourceId), "resourceId").appId,
    principalId: (grant.principalId as string | null) ?? undefined,
  });

  serveOperation(app, OPS.graphListGrants, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readGrants");
    return sendJson(
      reply,
      200,
      collectionResponse(
        origin(request),
        request,
        "oauth2PermissionGrants",
        grantsOf(caller.tenant),
        FILTERABLE,
      ),
    );
  });

  serveOperation(app, OPS.graphGetGrant, async (request, reply) => {
    authorize(callerOf(request), "readGrants");
    return sendJson(
      reply,
      200,
      entityResponse(origin(request), request, "oauth2PermissionGrants", addressed(request)),
    );
  });

  serveOperation(app, OPS.graphCreateGrant, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeGrants");
    const body = bodyOf(request);
    const directory = ctx.directory();
    const client = principalOf(caller.tenant, String(body.clientId ?? ""), "clientId");
    const resourceSp = principalOf(caller.tenant, String(body.resourceId ?? ""), "resourceId");
    const consentType = body.consentType;
    if (consentType !== "AllPrincipals" && consentType !== "Principal") {
      throw new GraphError("badRequest", {
        reason: "Invalid value specified for property 'consentType' of resource 'OAuth2PermissionGrant'.",
      });
    }
    let principalId: string | undefined;
    if (consentType === "Principal") {
      principalId = String(body.principalId ?? "").toLowerCase();
      if (!caller.tenant.users.some((u) => u.objectId === principalId)) {
        throw new GraphError("badRequest", {
          reason: "Invalid value specified for property 'principalId' of resource 'OAuth2PermissionGrant'.",
        });
      }
    }
    const scopes = scopesOf(body.scope);
    const resource = directory.resources.find((r) => r.appId === resourceSp.appId);
    const unknown = scopes.find((s) => !resource?.scopes.some((x) => x.name === s));
    if (unknown !== undefined) {
      // [infer] Graph's wording for a scope the resource does not publish.
      throw new GraphError("badRequest", {
        reason: `Invalid value specified for property 'scope' of resource 'OAuth2PermissionGrant': '${unknown}'.`,
      });
    }
    const grant = { clientAppId: client.appId, resourceAppId: resourceSp.appId, principalId };
    const existing = grantsOf(caller.tenant).find(
      (g) =>
        g.clientId === client.objectId &&
        g.resourceId === resourceSp.objectId &&
        (g.principalId ?? undefined) === principalId,
    );
    if (existing) throw new GraphError("grantExists");
    await editWorld(ctx, (doc) => setGrant(doc, directory, caller.tenant, grant, scopes));
    const tenant = ctx.directory().tenants.find((t) => t.id === caller.tenant.id)!;
    const created = grantsOf(tenant).find(
      (g) =>
        g.clientId === client.objectId &&
        g.resourceId === resourceSp.objectId &&
        (g.principalId ?? undefined) === principalId,
    )!;
    return sendJson(reply, 201, entityResponse(origin(request), request, "oauth2PermissionGrants", created));
  });

  serveOperation(app, OPS.graphUpdateGrant, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeGrants");
    const grant = addressed(request);
    const scopes = scopesOf(bodyOf(request).scope);
    const directory = ctx.directory();
    await editWorld(ctx, (doc) =>
      setGrant(doc, directory, caller.tenant, identity(directory, caller.tenant, grant), scopes),
    );
    return sendNoContent(reply);
  });

  serveOperation(app, OPS.graphDeleteGrant, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeGrants");
    const grant = addressed(request);
    const directory = ctx.directory();
    await editWorld(ctx, (doc) =>
      setGrant(doc, directory, caller.tenant, identity(directory, caller.tenant, grant), []),
    );
    return sendNoContent(reply);
  });
}
