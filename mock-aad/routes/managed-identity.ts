import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { recordOutcome } from "../../core/outcome.js";
import type { AadContext } from "../context.js";
import type { ManagedIdentity } from "../directory.js";
import { AadError, renderAadError } from "../errors.js";
import { ManagedIdentityError } from "../managed-identity-errors.js";
import {
  APP_SERVICE_IDENTITY_HEADER,
  managedIdentityAudience,
  selectIdentity,
  type IdentitySelector,
} from "../managed-identity.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { mintManagedIdentityToken } from "../tokens.js";

/*
 * The managed identity endpoints a VM (IMDS) or an App Service app (IDENTITY_ENDPOINT) calls for tokens.
 * Requests as msal-node sends them (lib/msal-node/src/client/ManagedIdentitySources/Imds.ts and
 * AppService.ts in AzureAD/microsoft-authentication-library-for-js) and azure-identity for Python
 * (azure/identity/_credentials/imds.py, app_service.py); responses as Microsoft Learn documents them
 * (how-to-use-vm-token: "Get a token using HTTP"; overview-managed-identity for App Service: REST
 * protocol, api-version 2019-08-01).
 */

export const IMDS_TOKEN_PATH = ENTRA_OPERATIONS.managedIdentityImds.urls[0];
/** Where the sandbox's App Service identity endpoint answers (App Service's own is `…/msi/token`). */
export const APP_SERVICE_TOKEN_PATH = ENTRA_OPERATIONS.managedIdentityAppService.urls[0];

type TokenQuery = FastifyRequest<{ Querystring: Record<string, string | string[] | undefined> }>;

function queryValue(request: TokenQuery, name: string): string | undefined {
  const value = request.query[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The identity a request names. IMDS takes `client_id`, `object_id` and `msi_res_id`; App Service
 * 2019-08-01 takes `client_id`, `principal_id` (msal-node sends `object_id`) and `mi_res_id`.
 */
function selectorOf(request: TokenQuery): IdentitySelector {
  const clientId = queryValue(request, "client_id") ?? queryValue(request, "clientid");
  if (clientId) return { kind: "clientId", value: clientId };
  const objectId = queryValue(request, "object_id") ?? queryValue(request, "principal_id");
  if (objectId) return { kind: "objectId", value: objectId };
  const resourceId = queryValue(request, "msi_res_id") ?? queryValue(request, "mi_res_id");
  if (resourceId) return { kind: "resourceId", value: resourceId };
  return { kind: "system" };
}

interface IssuedToken {
  identity: ManagedIdentity;
  accessToken: string;
  audience: string;
  iat: number;
  exp: number;
}

async function issue(ctx: AadContext, request: TokenQuery): Promise<IssuedToken> {
  if (!queryValue(request, "api-version")) throw new ManagedIdentityError("ApiVersionMissing");
  const resource = queryValue(request, "resource");
  if (!resource) throw new ManagedIdentityError("ResourceMissing");
  const directory = ctx.directory();
  const identity = selectIdentity(directory, selectorOf(request));
  if (!identity) throw new ManagedIdentityError("ManagedIdentityNotFound");
  const audience = managedIdentityAudience(directory, identity, resource);
  const { accessToken, iat, exp } = await mintManagedIdentityToken(identity, audience, {
    clock: ctx.clock,
    keys: ctx.keys,
    origin: ctx.publicOrigin(request),
  });
  return { identity, accessToken, audience, iat, exp };
}

function noStore(reply: FastifyReply): FastifyReply {
  return reply.headers({ "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
}

/** Answers a refusal in the endpoint's shape; Entra's own refusals (500011) pass through IMDS as Entra wrote them. */
function sendError(
  reply: FastifyReply,
  request: FastifyRequest,
  ctx: AadContext,
  err: unknown,
  shape: "imds" | "appService",
): FastifyReply {
  if (err instanceof ManagedIdentityError) {
    recordOutcome(request, err.code);
    return noStore(reply)
      .code(err.status)
      .send(shape === "imds" ? err.imdsBody() : err.appServiceBody());
  }
  if (err instanceof AadError) {
    recordOutcome(request, err.code);
    const { status, body } = renderAadError(err, { now: ctx.clock.now() });
    return noStore(reply)
      .code(status)
      .send(
        shape === "imds"
          ? body
          : // [infer] App Service wraps Entra's message in its own shape.
            { statusCode: status, message: err.message, correlationId: body.correlation_id },
      );
  }
  throw err;
}

async function imdsToken(ctx: AadContext, request: TokenQuery, reply: FastifyReply): Promise<FastifyReply> {
  try {
    // Checked first: SDKs probe IMDS with a bare request and take any quick answer as "available".
    if (request.headers.metadata !== "true") throw new ManagedIdentityError("MetadataHeaderMissing");
    const token = await issue(ctx, request);
    // Every value a string, as IMDS sends them.
    return noStore(reply).send({
      access_token: token.accessToken,
      client_id: token.identity.clientId,
      expires_in: String(token.exp - token.iat),
      expires_on: String(token.exp),
      ext_expires_in: String(token.exp - token.iat),
      not_before: String(token.iat),
      resource: token.audience,
      token_type: "Bearer",
    });
  } catch (err) {
    return sendError(reply, request, ctx, err, "imds");
  }
}

export async function managedIdentityRoutes(app: FastifyInstance, ctx: AadContext): Promise<void> {
  serveOperation(app, ENTRA_OPERATIONS.managedIdentityImds, async (request: TokenQuery, reply) =>
    imdsToken(ctx, request, reply),
  );

  serveOperation(app, ENTRA_OPERATIONS.managedIdentityAppService, async (request: TokenQuery, reply) => {
    try {
      if (request.headers["x-identity-header"] !== APP_SERVICE_IDENTITY_HEADER) {
        throw new ManagedIdentityError("IdentityHeaderMismatch");
      }
      const token = await issue(ctx, request);
      // 2019-08-01: `expires_on` in epoch seconds (as a string), no `expires_in`.
      return noStore(reply).send({
        access_token: token.accessToken,
        expires_on: String(token.exp),
        resource: token.audience,
        token_type: "Bearer",
        client_id: token.identity.clientId,
      });
    } catch (err) {
      return sendError(reply, request, ctx, err, "appService");
    }
  });
}
