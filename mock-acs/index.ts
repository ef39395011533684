import { namedPlugin } from "../core/named-plugin.js";
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from "fastify";
import { authenticate } from "./authenticate.js";
import type { AcsContext } from "./context.js";
import { AcsError } from "./errors.js";
import { AssignmentStore } from "./assignments.js";
import { IdentityStore, type IdentityRecord } from "./identities.js";
import { entraUserRoutes } from "./routes/entra-users.js";
import type { EntraClaims } from "./entra-token.js";
import { exchangeRoutes, prepareTeamsExchange } from "./routes/exchange.js";
import { identityRoutes } from "./routes/identities.js";
import { sandboxRoutes } from "./routes/sandbox.js";
import { teamsExtensionRoutes } from "./routes/teams-extension.js";
import type { AcsService } from "./service.js";
import { installWire, sendAcsError, setServiceHeaders } from "./wire.js";

export type { AcsContext } from "./context.js";
export { acsCatalog, AcsError, type AcsErrorCode } from "./errors.js";

/** The fake ACS Identity service as a fastify plugin, plus a way to forget its identities. */
export interface MockAcs {
  plugin: FastifyPluginAsync;
  /** The ACS-shaped 404 for requests addressed to a resource that match no route (the app's not-found handler calls it). */
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /**
   * The ACS answer to a URL the router cannot take (bad percent-encoding, an over-long segment), for the
   * app's `frameworkErrors` option: those never reach a route's scope.
   */
  frameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** The ACS-shaped 500 for a failure outside the service's scope that was addressed to a resource. */
  serverError(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  reset(): Promise<void>;
  /** The identities a resource has minted, for the inspector. */
  identities(resourceId: string): Promise<IdentityRecord[]>;
  /**
   * Told of an access token Entra issues to a client that has the sandbox to itself (the sandbox passes
   * it on): ACS gets ready for a Teams exchange of it. Nothing a client sees changes.
   */
  entraTokenIssued(claims: EntraClaims): void;
}

/**
 * @example
 * const acs = await mockAcs(ctx);
 * await app.register(acs.plugin); // POST /identities, /teamsUser/:exchangeAccessToken, …
 */
export async function mockAcs(ctx: AcsContext): Promise<MockAcs> {
  const store = new IdentityStore(ctx.clock, ctx.store);
  const service: AcsService = { ctx, store, assignments: new AssignmentStore(ctx.store) };

  const plugin: FastifyPluginAsync = async (app) => {
    await app.register(namedPlugin("acs-sandbox-routes", sandboxRoutes(service)), {
      prefix: "/_sandbox/acs",
    });
    // The Identity API in its own scope: its body parser, headers and error handler touch no Entra route.
    await app.register(
      namedPlugin("acs-identity-api", async (api: FastifyInstance) => {
        installWire(api);
        api.addHook("preHandler", async (request) => {
          request.acsResource = await authenticate(ctx, request);
        });
        await api.register(namedPlugin("acs-identities", identityRoutes(service)));
        await api.register(namedPlugin("acs-exchange", exchangeRoutes(service)));
        await api.register(namedPlugin("acs-teams-extension", teamsExtensionRoutes(service)));
        await api.register(namedPlugin("acs-entra-users", entraUserRoutes(service)));
      }),
    );
  };

  return {
    plugin,
    notFound(request, reply) {
      setServiceHeaders(request, reply);
      return sendAcsError(
        request,
        reply,
        new AcsError("NotFound", {
          message: `No ACS Identity operation matches ${request.method} ${request.url.split("?")[0]}.`,
        }),
      );
    },
    frameworkError(error, request, reply) {
      setServiceHeaders(request, reply);
      // [infer] The real service's answer to an undecodable path is not recorded.
      return sendAcsError(
        request,
        reply,
        new AcsError("ValidationError", {
          message: `The request URI is not valid: ${error.message}`,
          fromController: false,
        }),
      );
    },
    serverError(request, reply) {
      setServiceHeaders(request, reply);
      return sendAcsError(request, reply, new AcsError("InternalServerError"));
    },
    async reset() {
      await store.clear();
      await service.assignments.clear();
    },
    identities: (resourceId) => store.list(resourceId),
    entraTokenIssued: (claims) => prepareTeamsExchange(ctx, claims),
  };
}
