import type { FastifyInstance, FastifyRequest } from "fastify";
import { isGuid } from "../../core/ids.js";
import { serveOperation } from "../../core/operations.js";
import { AcsError } from "../errors.js";
import { resourceIdOf, type IdentityRecord } from "../identities.js";
import { ACS_OPERATIONS } from "../operations.js";
import type { AcsResource } from "../resources.js";
import { apiVersionOf, resourceOf, type AcsService } from "../service.js";
import { formatExpiresOn, mintUserToken } from "../tokens.js";
import { bodyObject, customId, expiresInMinutes, optionalScopes, requiredScopes } from "../validation.js";
import { jsonBody, sendJson, sendNoContent } from "../wire.js";

/*
 * The identity operations (reference §1.2): create, delete, revoke and issue. Order inside each: the
 * api-version, the body's model binding, whether the identity is this resource's, then the values.
 */

type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/**
 * The live identity a path names. [infer] Ids this resource did not mint (another resource's, or not an
 * ACS user id at all, such as `..%2F..`) get IdentityNotOwned as recorded for another resource's id;
 * this resource's deleted or unknown ids get IdentityNotFound.
 */
async function ownedIdentity(
  service: AcsService,
  resource: AcsResource,
  id: string,
  allowDeleted = false,
): Promise<IdentityRecord> {
  if (resourceIdOf(id) !== resource.resourceId.toLowerCase()) throw new AcsError("IdentityNotOwned");
  const record = await service.store.get(id);
  if (!record || (record.deletedAtMs !== undefined && !allowDeleted)) throw new AcsError("IdentityNotFound");
  return record;
}

async function issue(
  service: AcsService,
  resource: AcsResource,
  record: IdentityRecord,
  scopes: string[],
  minutes: number,
) {
  const issuedAt = service.store.issuedAtFor(record);
  const { token, expiresAt } = await mintUserToken(
    service.ctx.keys,
    resource,
    record.id,
    scopes,
    issuedAt,
    minutes,
  );
  await service.store.noteTokenIssued(record, issuedAt);
  return { token, expiresOn: formatExpiresOn(expiresAt * 1000) };
}

/** The identity as `GET /identities/{id}` shows it (2025-03-02-preview `CommunicationIdentity`). */
function identityView(record: IdentityRecord) {
  return {
    id: record.id,
    ...(record.customId !== undefined ? { customId: record.customId } : {}),
    ...(record.lastTokenIssuedAtSeconds !== undefined
      ? { lastTokenIssuedAt: formatExpiresOn(record.lastTokenIssuedAtSeconds * 1000) }
      : {}),
  };
}

const RFC1123 = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * `Repeatability-Request-ID` of a 2023-08-01 create, or undefined when the client sent none.
 * [infer] The answer to malformed repeatability headers is not recorded.
 */
function repeatabilityRequestId(request: FastifyRequest): string | undefined {
  const id = request.headers["repeatability-request-id"];
  const firstSent = request.headers["repeatability-first-sent"];
  if (id === undefined && firstSent === undefined) return undefined;
  if (typeof id !== "string" || !isGuid(id)) {
    throw new AcsError("ValidationError", {
      message: "Repeatability-Request-ID must be a UUID.",
      target: "Repeatability-Request-ID",
    });
  }
  if (typeof firstSent !== "string" || !RFC1123.test(firstSent)) {
    throw new AcsError("ValidationError", {
      message: "Repeatability-First-Sent must be an RFC 1123 date.",
      target: "Repeatability-First-Sent",
    });
  }
  return id.toLowerCase();
}

export function identityRoutes(service: AcsService) {
  return async function identitiesScope(api: FastifyInstance) {
    serveOperation(api, ACS_OPERATIONS.createIdentity, async (request, reply) => {
      const version = apiVersionOf(service, request);
      const resource = resourceOf(request);
      // 2020-07-20-preview2 created a bare identity: no body, 200 `{id}` (its spec's CreateIdentity example).
      if (version.legacyShapes) {
        const record = await service.store.create(resource.resourceId);
        return sendJson(request, reply, 200, { id: record.id });
      }
      const body = bodyObject(jsonBody(request), "CommunicationIdentityCreateRequest");
      const scopes = optionalScopes(body.createTokenWithScopes, version);
      const minutes = scopes.length > 0 ? expiresInMinutes(body.expiresInMinutes, version) : 0;
      const custom = customId(body.customId, version);

      const requestId = version.repeatability ? repeatabilityRequestId(request) : undefined;
      // A repeated request (same Repeatability-Request-ID, or same customId) gets the identity the first
      // one created; still 201, as the final 2025-03-02-preview spec has no 200 for create.
      const earlier = requestId
        ? await service.store.findByRepeatabilityId(resource.resourceId, requestId)
        : custom !== undefined
          ? await service.store.findByCustomId(resource.resourceId, custom)
          : undefined;
      const record =
        earlier ??
        (await service.store.create(resource.resourceId, {
          ...(requestId ? { repeatabilityRequestId: requestId } : {}),
          ...(custom !== undefined ? { customId: custom } : {}),
        }));
      if (requestId) reply.header("Repeatability-Result", "accepted");

      const accessToken =
        scopes.length > 0 ? await issue(service, resource, record, scopes, minutes) : undefined;
      return sendJson(request, reply, 201, {
        identity: version.customId ? identityView(record) : { id: record.id },
        ...(accessToken ? { accessToken } : {}),
      });
    });

    serveOperation(api, ACS_OPERATIONS.getIdentity, async (request: IdRequest, reply) => {
      apiVersionOf(service, request);
      const record = await ownedIdentity(service, resourceOf(request), request.params.id);
      return sendJson(request, reply, 200, identityView(record));
    });

    serveOperation(api, ACS_OPERATIONS.deleteIdentity, async (request: IdRequest, reply) => {
      apiVersionOf(service, request);
      // [infer] Deleting twice succeeds: DELETE is idempotent in Azure's REST guidelines.
      const record = await ownedIdentity(service, resourceOf(request), request.params.id, true);
      await service.store.delete(record);
      return sendNoContent(request, reply);
    });

    serveOperation(api, ACS_OPERATIONS.revokeTokens, async (request: IdRequest, reply) => {
      apiVersionOf(service, request);
      const record = await ownedIdentity(service, resourceOf(request), request.params.id);
      await service.store.revoke(record);
      return sendNoContent(request, reply);
    });

    serveOperation(api, ACS_OPERATIONS.issueToken, async (request: IdRequest, reply) => {
      const version = apiVersionOf(service, request);
      const body = bodyObject(jsonBody(request), "CommunicationIdentityAccessTokenRequest");
      // Model binding (a missing or non-list `scopes`) answers before the identity is looked at.
      if (!Array.isArray(body.scopes)) requiredScopes(body.scopes, version);
      const resource = resourceOf(request);
      const record = await ownedIdentity(service, resource, request.params.id);
      const scopes = requiredScopes(body.scopes, version);
      const minutes = expiresInMinutes(body.expiresInMinutes, version);
      return sendJson(request, reply, 200, await issue(service, resource, record, scopes, minutes));
    });

    /** 2020-07-20-preview2: `POST /identities/{id}/token` `{scopes}` → 200 `{id, token, expiresOn}`. */
    serveOperation(api, ACS_OPERATIONS.issueTokenLegacy, async (request: IdRequest, reply) => {
      const version = apiVersionOf(service, request);
      const body = bodyObject(jsonBody(request), "CommunicationTokenRequest");
      const resource = resourceOf(request);
      const record = await ownedIdentity(service, resource, request.params.id);
      const scopes = requiredScopes(body.scopes, version);
      const issued = await issue(service, resource, record, scopes, 24 * 60);
      return sendJson(request, reply, 200, { id: record.id, ...issued });
    });
  };
}
