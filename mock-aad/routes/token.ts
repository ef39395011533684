import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { readClientCredential } from "../client-auth.js";
import type { AadContext } from "../context.js";
import { findTenant } from "../directory.js";
import { AadError } from "../errors.js";
import { authorizationCodeGrant } from "../grants/authorization-code.js";
import { clientCredentialsGrant } from "../grants/client-credentials.js";
import { DEVICE_CODE_GRANT, DEVICE_CODE_GRANT_URN, deviceCodeGrant } from "../grants/device-code.js";
import type { GrantHandler } from "../grants/context.js";
import { JWT_BEARER_GRANT, onBehalfOfGrant } from "../grants/on-behalf-of.js";
import { passwordGrant } from "../grants/password.js";
import { refreshTokenGrant } from "../grants/refresh-token.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import type { AadState } from "../state.js";
import { sendAadError, tokenHeaders } from "./respond.js";

/**
 * Grant types by `grant_type`. The authorization-code and device-code grants join here; the device
 * code grant must answer both `device_code` (what MSAL sends) and the URN the docs show.
 */
const GRANTS: Record<string, GrantHandler> = {
  password: passwordGrant,
  client_credentials: clientCredentialsGrant,
  refresh_token: refreshTokenGrant,
  [JWT_BEARER_GRANT]: onBehalfOfGrant,
  authorization_code: authorizationCodeGrant,
  [DEVICE_CODE_GRANT]: deviceCodeGrant,
  [DEVICE_CODE_GRANT_URN]: deviceCodeGrant,
};

type TokenRequest = FastifyRequest<{ Params: { tenant: string } }>;

function isFormEncoded(request: FastifyRequest): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers["content-type"] ?? "");
}

/**
 * The form body as single strings. A body of another type reads as empty, so the client learns which
 * parameter is missing (900144), as from Entra; a repeated parameter is a malformed request.
 */
function formBody(request: FastifyRequest): Record<string, string | undefined> {
  if (!isFormEncoded(request) || typeof request.body !== "object" || request.body === null) return {};
  const body: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(request.body as Record<string, unknown>)) {
    if (Array.isArray(value)) {
      // [infer] Entra's answer to a repeated parameter.
      throw new AadError("AADSTS9002313", { reason: `The parameter '${key}' was sent more than once.` });
    }
    body[key] = typeof value === "string" ? value : undefined;
  }
  return body;
}

/** `aud` values a client assertion may carry: this token endpoint by the segment sent, or by tenant id. */
function assertionAudiences(ctx: AadContext, request: TokenRequest): string[] {
  const segment = request.params.tenant;
  const tenant = findTenant(ctx.directory(), segment);
  const origins = [...new Set([ctx.publicOrigin(request), "https://login.microsoftonline.com"])];
  const segments = [...new Set([segment, ...(tenant ? [tenant.id, tenant.domain] : [])])];
  return origins.flatMap((o) => segments.map((s) => `${o}/${s}/oauth2/v2.0/token`));
}

export async function tokenRoutes(app: FastifyInstance, ctx: AadContext, state: AadState): Promise<void> {
  serveOperation(app, ENTRA_OPERATIONS.token, async (request: TokenRequest, reply: FastifyReply) => {
    const body = formBody(request);
    const grantType = body.grant_type;
    if (!grantType) throw new AadError("AADSTS900144", { parameter: "grant_type" });
    const handler = GRANTS[grantType];
    if (!handler) throw new AadError("AADSTS70003", { grantType });
    const origin = ctx.publicOrigin(request);
    const response = await handler({
      ctx,
      state,
      authority: request.params.tenant,
      body,
      credential: readClientCredential(body, request.headers.authorization),
      // Worked out only for a client assertion: it costs a tenant lookup.
      assertionAudiences: () => assertionAudiences(ctx, request),
      mint: { clock: ctx.clock, keys: ctx.keys, origin, issued: ctx.accessTokenIssued },
      origin: request.headers.origin,
    });
    return tokenHeaders(reply, randomUUID()).code(200).send(response);
  });

  // A browser's preflight, should a single-page app send a non-simple request.
  serveOperation(app, ENTRA_OPERATIONS.tokenPreflight, async (_request, reply) =>
    reply
      .code(204)
      .headers({
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "content-type, client-request-id, x-client-sku, x-client-ver",
        "access-control-max-age": "86400",
      })
      .send(),
  );

  // Entra answers other methods on the token endpoint with a JSON error, not a 404.
  serveOperation(app, ENTRA_OPERATIONS.tokenWrongMethod, async (request, reply) =>
    sendAadError(request, reply, new AadError("AADSTS900561", { method: request.method }), {
      clock: ctx.clock,
    }),
  );
}
