import type {
  FastifyError,
  FastifyInstance,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
} from "fastify";
import { namedPlugin } from "../../core/named-plugin.js";
import { recordReason, recordServerError } from "../../core/outcome.js";
import { isStoreUnavailable } from "../../core/store.js";
import type { AcsContext } from "../context.js";
import { AsyncOperations } from "./async-operations.js";
import { ArmError } from "./errors.js";
import { authorizationRoutes } from "./routes/authorization.js";
import { communicationRoutes } from "./routes/communication.js";
import { resourceRoutes } from "./routes/resources.js";
import { subscriptionRoutes } from "./routes/subscriptions.js";
import type { ArmService } from "./service.js";
import { sendArmError } from "./wire.js";

export { ARM_CATALOG, ArmError, type ArmErrorCode } from "./errors.js";
export { ARM_DECLARATIONS, ARM_OPERATIONS } from "./operations.js";
export { canonicalArmPath, isArmAddress } from "./paths.js";

/**
 * The fake Azure Resource Manager (management.azure.com) for the Communication Services resource: tenants
 * and subscriptions, resource groups, the resource and its keys, and Azure RBAC role assignments.
 */
export interface MockArm {
  plugin: FastifyPluginAsync;
  /** ARM's 404 for a request addressed to ARM that matches no route (the app's not-found handler calls it). */
  notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** ARM's answer to what fastify refuses before a route's scope (an undecodable URL, a bad body). */
  frameworkError(error: Error, request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** ARM's 500 for a failure outside its scope. */
  serverError(request: FastifyRequest, reply: FastifyReply): FastifyReply;
  /** Forgets long-running operations under way. */
  reset(): Promise<void>;
}

/**
 * @example
 * const arm = mockArm(ctx);
 * await app.register(arm.plugin); // GET /subscriptions, PUT …/communicationServices/{name}, …
 */
export function mockArm(ctx: AcsContext): MockArm {
  const service: ArmService = { ctx, operations: new AsyncOperations(ctx.store, ctx.clock) };
  const notFound = (request: FastifyRequest, reply: FastifyReply) =>
    sendArmError(
      request,
      reply,
      ctx.clock,
      new ArmError("NotFound", {
        uri: `https://${request.headers.host ?? "management.azure.com"}${request.url}`,
      }),
    );
  const badContent = (error: Error, request: FastifyRequest, reply: FastifyReply) =>
    sendArmError(request, reply, ctx.clock, new ArmError("InvalidRequestContent", { detail: error.message }));

  const plugin: FastifyPluginAsync = async (app) => {
    await app.register(
      namedPlugin("azure-resource-manager-api", async (api: FastifyInstance) => {
        // ARM's bodies are JSON; an empty body (listKeys) is no body.
        api.removeContentTypeParser("application/json");
        api.addContentTypeParser("application/json", { parseAs: "string" }, (_request, body, done) => {
          const text = String(body);
          if (text.trim() === "") return done(null, undefined);
          try {
            done(null, JSON.parse(text));
          } catch (err) {
            const failure = err as FastifyError;
            failure.statusCode = 400;
            done(failure, undefined);
          }
        });
        api.setErrorHandler((error: FastifyError, request, reply) => {
          if (error instanceof ArmError) return sendArmError(request, reply, ctx.clock, error);
          if (isStoreUnavailable(error)) {
            recordReason(request, `store unavailable: ${error.reason}`);
            reply.header("retry-after", "5");
            return sendArmError(request, reply, ctx.clock, new ArmError("ServiceUnavailable"));
          }
          if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
            return badContent(error, request, reply);
          }
          recordServerError(request, error);
          return sendArmError(request, reply, ctx.clock, new ArmError("InternalServerError"));
        });
        await api.register(namedPlugin("arm-subscriptions", subscriptionRoutes(service)));
        await api.register(namedPlugin("arm-communication", communicationRoutes(service)));
        await api.register(namedPlugin("arm-authorization", authorizationRoutes(service)));
        await api.register(namedPlugin("arm-resources", resourceRoutes(service)));
      }),
    );
  };

  return {
    plugin,
    notFound,
    frameworkError: badContent,
    serverError: (request, reply) =>
      sendArmError(request, reply, ctx.clock, new ArmError("InternalServerError")),
    reset() {
      return service.operations.clear();
    },
  };
}
