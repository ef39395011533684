import type { FastifyInstance } from "fastify";
import { createLocalJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { AcsService } from "../service.js";

/*
 * What the real service lets other Azure services see but not its callers: the keys ACS signs with,
 * and whether a token still counts (chat and calling refuse revoked tokens and deleted users). The
 * sandbox exposes both under its admin prefix, so tests and apps can verify ACS tokens offline.
 */

export type TokenState = "active" | "expired" | "revoked" | "identity-deleted" | "invalid";

interface Introspection {
  active: boolean;
  state: TokenState;
  claims?: JWTPayload;
}

/**
 * `GET /_sandbox/acs/jwks` and `POST /_sandbox/acs/introspect` `{"token": "..."}`.
 *
 * @example
 * await fetch(`${baseUrl}/_sandbox/acs/introspect`, { method: "POST", body: JSON.stringify({ token }) })
 * // → {"active":false,"state":"revoked","claims":{…}}
 */
export function sandboxRoutes(service: AcsService) {
  const { ctx, store } = service;
  return async function acsSandboxScope(scope: FastifyInstance) {
    scope.get("/jwks", async () => ctx.keys.jwks());

    scope.post("/introspect", async (request, reply): Promise<Introspection> => {
      const token = (request.body as { token?: unknown } | undefined)?.token;
      if (typeof token !== "string") {
        return reply
          .code(400)
          .send({ error: "invalid_request", message: 'Expected {"token":"<ACS access token>"}' });
      }
      let claims: JWTPayload;
      try {
        ({ payload: claims } = await jwtVerify(token, createLocalJWKSet(ctx.keys.jwks()), {
          algorithms: ["RS256"],
          currentDate: ctx.clock.now(),
        }));
      } catch (err) {
        if (err instanceof errors.JWTExpired) return { active: false, state: "expired", claims: err.payload };
        return { active: false, state: "invalid" };
      }
      const skypeId = typeof claims.skypeid === "string" ? claims.skypeid : "";
      if (skypeId.startsWith("acs:")) {
        const record = await store.get(`8:${skypeId}`);
        if (!record || record.deletedAtMs !== undefined)
          return { active: false, state: "identity-deleted", claims };
        if (store.isRevoked(record, claims.iat ?? 0)) return { active: false, state: "revoked", claims };
      }
      return { active: true, state: "active", claims };
    });
  };
}
