import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, callingApp, verifyUserToken, type UserClaims } from "../access-token.js";
import { clientIds, guidParameter, principalType, tenantIdField } from "../assignment-body.js";
import type { AssignmentStore } from "../assignments.js";
import { serveOperation } from "../../core/operations.js";
import { AcsError } from "../errors.js";
import { ACS_OPERATIONS } from "../operations.js";
import type { AcsResource, EntraAssignment } from "../resources.js";
import { apiVersionOf, resourceOf, type AcsService } from "../service.js";
import { formatExpiresOn, mintExchangedToken } from "../tokens.js";
import { bindingError, bodyObject } from "../validation.js";
import { jsonBody, sendJson, sendNoContent } from "../wire.js";

/*
 * Entra ID users in ACS (2025-03-02-preview; Azure/azure-rest-api-specs
 * specification/communication/data-plane/Identity/preview/2025-03-02-preview/CommunicationIdentity.json,
 * b2f7419): an Entra token for the first-party "Azure Communication Services Clients" app, sent as the
 * bearer, for an ACS identity `8:acs:<resourceId>_wf_<tenantId>_<userId>`, allowed by an assignment of
 * the user, one of its groups, or its whole tenant, listing the calling app.
 */

/** "Azure Communication Services Clients": its identifier URI (either spelling) and app id. */
export const CLIENTS_AUDIENCES = [
  "https://communication.azure.com/clients",
  "https://communication.azure.com/clients/",
  "2a04943b-b6a7-4f65-8786-2bb6131b59f6",
];
/** Delegated permissions of the Clients app, and the ACS scope each becomes. [infer] the mapping. */
export const CLIENTS_SCOPES: Record<string, string> = { VoIP: "voip", "VoIP.Join": "voip.join" };
export const ENTRA_PRINCIPAL_TYPES = ["user", "group", "tenant"] as const;

type ObjectRequest = FastifyRequest<{ Params: { objectId: string } }>;

/** The assignment that lets this token's user in: the user's own, then a group's, then the tenant's. */
async function assignmentFor(
  store: AssignmentStore,
  resource: AcsResource,
  claims: UserClaims,
): Promise<EntraAssignment | undefined> {
  const groups = Array.isArray(claims.groups) ? (claims.groups as unknown[]).map(String) : [];
  const candidates = [claims.oid, ...groups, claims.tid];
  const assignments = await store.entraList(resource);
  const byId = new Map(assignments.map((a) => [a.objectId.toLowerCase(), a]));
  return candidates
    .map((id) => byId.get(id.toLowerCase()))
    .find((a) => a !== undefined && a.tenantId.toLowerCase() === claims.tid.toLowerCase());
}

async function exchange(service: AcsService, request: FastifyRequest, reply: FastifyReply) {
  apiVersionOf(service, request);
  const resource = resourceOf(request);
  const claims = await verifyUserToken(service.ctx, bearerToken(request.headers.authorization), {
    audiences: CLIENTS_AUDIENCES,
    anyScope: Object.keys(CLIENTS_SCOPES),
  });
  bodyObject(jsonBody(request), "EntraExchangeTokenRequest");

  const assignment = await assignmentFor(service.assignments, resource, claims);
  if (!assignment) throw new AcsError("AccessAssignmentNotFound");
  if (!assignment.clientIds.includes(callingApp(claims))) throw new AcsError("ClientNotAssigned");

  const granted = String(claims.scp).split(" ");
  const scopes = Object.entries(CLIENTS_SCOPES)
    .filter(([scope]) => granted.includes(scope))
    .map(([, acsScope]) => acsScope);
  const id = `8:acs:${resource.resourceId}_wf_${claims.tid}_${claims.oid}`;
  const issued = await mintExchangedToken(
    service.ctx.keys,
    resource,
    id,
    scopes,
    claims,
    service.ctx.clock.nowSeconds(),
  );
  return sendJson(request, reply, 200, {
    identity: { id },
    accessToken: { token: issued.token, expiresOn: formatExpiresOn(issued.expiresAt * 1000) },
  });
}

/** An `EntraAssignmentCreateOrUpdateRequest` for `objectId`. */
function assignmentBody(objectId: string, value: unknown): EntraAssignment {
  const body = bodyObject(value, "EntraAssignmentCreateOrUpdateRequest");
  return {
    objectId,
    tenantId: tenantIdField(body.tenantId),
    principalType: principalType(body.principalType, ENTRA_PRINCIPAL_TYPES),
    clientIds: clientIds(body.clientIds, true),
  };
}

/** [infer] The spec's 204 for PATCH is not described; the sandbox always answers 200 with the list. */
async function patchAssignments(service: AcsService, resource: AcsResource, value: unknown): Promise<void> {
  const body = bodyObject(value, "EntraAssignmentUpdateBulkRequest");
  // Validate every entry before changing anything: a bad entry leaves the assignments as they were.
  const changes = Object.entries(body).map(([key, entry]) => {
    const objectId = guidParameter(key, "objectId");
    if (entry === null) return { objectId, assignment: null };
    if (typeof entry !== "object" || Array.isArray(entry)) {
      throw bindingError(`$.${key}`, "EntraAssignmentCreateOrUpdateRequest");
    }
    return { objectId, assignment: assignmentBody(objectId, entry) };
  });
  for (const { objectId, assignment } of changes) {
    if (assignment) await service.assignments.putEntra(resource, assignment);
    else await service.assignments.deleteEntra(resource, objectId);
  }
}

export function entraUserRoutes(service: AcsService) {
  return async function entraUsersScope(api: FastifyInstance) {
    serveOperation(api, ACS_OPERATIONS.entraExchange, (request, reply) => exchange(service, request, reply), {
      config: { acsBearerIsCaller: true },
    });

    const list = async (resource: AcsResource) => ({ value: await service.assignments.entraList(resource) });

    serveOperation(api, ACS_OPERATIONS.listEntraAssignments, async (request, reply) => {
      apiVersionOf(service, request);
      return sendJson(request, reply, 200, await list(resourceOf(request)));
    });

    serveOperation(api, ACS_OPERATIONS.patchEntraAssignments, async (request, reply) => {
      apiVersionOf(service, request);
      const resource = resourceOf(request);
      await patchAssignments(service, resource, jsonBody(request));
      return sendJson(request, reply, 200, await list(resource));
    });

    serveOperation(api, ACS_OPERATIONS.getEntraAssignment, async (request: ObjectRequest, reply) => {
      apiVersionOf(service, request);
      const objectId = guidParameter(request.params.objectId, "objectId");
      const assignment = await service.assignments.entra(resourceOf(request), objectId);
      if (!assignment) throw new AcsError("AssignmentNotFound");
      return sendJson(request, reply, 200, assignment);
    });

    serveOperation(api, ACS_OPERATIONS.putEntraAssignment, async (request: ObjectRequest, reply) => {
      apiVersionOf(service, request);
      const objectId = guidParameter(request.params.objectId, "objectId");
      const assignment = assignmentBody(objectId, jsonBody(request));
      const created = await service.assignments.putEntra(resourceOf(request), assignment);
      return sendJson(request, reply, created ? 201 : 200, assignment);
    });

    serveOperation(api, ACS_OPERATIONS.deleteEntraAssignment, async (request: ObjectRequest, reply) => {
      apiVersionOf(service, request);
      const objectId = guidParameter(request.params.objectId, "objectId");
      await service.assignments.deleteEntra(resourceOf(request), objectId);
      return sendNoContent(request, reply);
    });
  };
}
