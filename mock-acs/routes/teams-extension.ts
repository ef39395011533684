import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { bearerToken, callingApp, verifyUserToken } from "../access-token.js";
import { clientIds, guidParameter, principalType } from "../assignment-body.js";
import { serveOperation } from "../../core/operations.js";
import { AcsError } from "../errors.js";
import { ACS_OPERATIONS } from "../operations.js";
import { apiVersionOf, resourceOf, type AcsService } from "../service.js";
import { formatExpiresOn, mintExchangedToken, TEAMS_EXTENSION_ACS_SCOPE } from "../tokens.js";
import { bodyObject } from "../validation.js";
import { jsonBody, sendJson, sendNoContent } from "../wire.js";
import { TEAMS_EXCHANGE_AUDIENCES } from "./exchange.js";

/*
 * Teams Phone extensibility (GA in 2025-06-30; Azure/azure-rest-api-specs
 * specification/communication/data-plane/Identity/routes.tsp, TeamsExtensionOperations): an Entra token
 * of a Teams Phone user, sent as the bearer, for an ACS identity `8:acs:<resourceId>_<tenantId>_<userId>`,
 * allowed by an assignment that names the user and the calling app. The assignments themselves are
 * managed with the resource's own credentials (HMAC or RBAC).
 */

/** The delegated permission of the ACS first-party app that the exchange needs. */
export const TEAMS_EXTENSION_SCOPE = "TeamsExtension.ManageCalls";
export const TEAMS_EXTENSION_PRINCIPAL_TYPES = ["user", "resourceAccount"] as const;

type AssignmentRequest = FastifyRequest<{ Params: { tenantId: string; objectId: string } }>;

async function exchange(service: AcsService, request: FastifyRequest, reply: FastifyReply) {
  apiVersionOf(service, request);
  const resource = resourceOf(request);
  const claims = await verifyUserToken(service.ctx, bearerToken(request.headers.authorization), {
    audiences: TEAMS_EXCHANGE_AUDIENCES,
    anyScope: [TEAMS_EXTENSION_SCOPE],
  });
  // The body is `TeamsExtensionExchangeTokenRequest`, an empty object; anything else is a binding error.
  bodyObject(jsonBody(request), "TeamsExtensionExchangeTokenRequest");

  const assignment = await service.assignments.teamsExtension(resource, claims.tid, claims.oid);
  if (!assignment) throw new AcsError("AccessAssignmentNotFound");
  if (!assignment.clientIds.includes(callingApp(claims))) throw new AcsError("ClientNotAssigned");

  const id = `8:acs:${resource.resourceId}_${claims.tid}_${claims.oid}`;
  const issued = await mintExchangedToken(
    service.ctx.keys,
    resource,
    id,
    [TEAMS_EXTENSION_ACS_SCOPE],
    claims,
    service.ctx.clock.nowSeconds(),
  );
  return sendJson(request, reply, 200, {
    identity: { id },
    accessToken: { token: issued.token, expiresOn: formatExpiresOn(issued.expiresAt * 1000) },
  });
}

export function teamsExtensionRoutes(service: AcsService) {
  return async function teamsExtensionScope(api: FastifyInstance) {
    serveOperation(
      api,
      ACS_OPERATIONS.teamsExtensionExchange,
      (request, reply) => exchange(service, request, reply),
      {
        config: { acsBearerIsCaller: true },
      },
    );

    const params = (request: AssignmentRequest) => ({
      tenantId: guidParameter(request.params.tenantId, "tenantId"),
      objectId: guidParameter(request.params.objectId, "objectId"),
    });

    serveOperation(
      api,
      ACS_OPERATIONS.getTeamsExtensionAssignment,
      async (request: AssignmentRequest, reply) => {
        apiVersionOf(service, request);
        const { tenantId, objectId } = params(request);
        const assignment = await service.assignments.teamsExtension(resourceOf(request), tenantId, objectId);
        if (!assignment) throw new AcsError("AssignmentNotFound");
        return sendJson(request, reply, 200, assignment);
      },
    );

    serveOperation(
      api,
      ACS_OPERATIONS.putTeamsExtensionAssignment,
      async (request: AssignmentRequest, reply) => {
        apiVersionOf(service, request);
        const { tenantId, objectId } = params(request);
        const body = bodyObject(jsonBody(request), "TeamsExtensionAssignmentCreateOrUpdateRequest");
        const assignment = {
          objectId,
          tenantId,
          principalType: principalType(body.principalType, TEAMS_EXTENSION_PRINCIPAL_TYPES),
          clientIds: clientIds(body.clientIds, false),
        };
        const created = await service.assignments.putTeamsExtension(resourceOf(request), assignment);
        return sendJson(request, reply, created ? 201 : 200, assignment);
      },
    );

    serveOperation(
      api,
      ACS_OPERATIONS.deleteTeamsExtensionAssignment,
      async (request: AssignmentRequest, reply) => {
        apiVersionOf(service, request);
        const { tenantId, objectId } = params(request);
        // [infer] Deleting an assignment that does not exist succeeds, as DELETE of an identity does.
        await service.assignments.deleteTeamsExtension(resourceOf(request), tenantId, objectId);
        return sendNoContent(request, reply);
      },
    );
  };
}
