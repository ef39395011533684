import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AcsContext } from "../context.js";
import type { AsyncOperations } from "./async-operations.js";
import { checkApiVersion, type ApiVersionFamily } from "./api-versions.js";
import { authenticateArm, type ArmCaller } from "./auth.js";
import type { OperationDeclaration } from "../../core/operations.js";
import { ARM_CONTENT_TYPE, setArmHeaders } from "./wire.js";

/** What ARM's routes share: the host's context and the long-running operations under way. */
export interface ArmService {
  ctx: AcsContext;
  /** Creations polled through their Azure-AsyncOperation URL (in the store: any replica answers). */
  operations: AsyncOperations;
}

/** One ARM request, authenticated and with its api-version checked. */
export interface ArmCall {
  caller: ArmCaller;
  apiVersion: string;
  params: Record<string, string>;
  query: Record<string, string | undefined>;
  /** `https://management.azure.com`, or the sandbox's own origin on a port. */
  origin: string;
}

type Handler = (call: ArmCall, request: FastifyRequest, reply: FastifyReply) => Promise<unknown> | unknown;

function firstOf(value: unknown): string | undefined {
  if (Array.isArray(value)) return typeof value[0] === "string" ? value[0] : undefined;
  return typeof value === "string" ? value : undefined;
}

/**
 * Serves one declared ARM operation: ARM's headers, the caller's token (401s), the api-version (400s),
 * then the handler. ArmErrors thrown anywhere become ARM's error answer in the scope's error handler.
 */
export function serveArm(
  app: FastifyInstance,
  service: ArmService,
  declaration: OperationDeclaration & { apiVersions: ApiVersionFamily },
  handler: Handler,
): void {
  serveOperation(app, declaration, async (request, reply) => {
    const caller = await authenticateArm(service.ctx, request);
    const rawQuery = request.query as Record<string, unknown>;
    const query = Object.fromEntries(Object.entries(rawQuery).map(([k, v]) => [k, firstOf(v)]));
    const apiVersion = checkApiVersion(
      declaration.apiVersions,
      query["api-version"],
      service.ctx.looseApiVersion,
    );
    const params = Object.fromEntries(
      Object.entries(request.params as Record<string, string>).map(([k, v]) => [k, decodeURIComponent(v)]),
    );
    setArmHeaders(request, reply, service.ctx.clock);
    reply.type(ARM_CONTENT_TYPE);
    const origin = `https://${request.headers.host ?? "management.azure.com"}`;
    return handler({ caller, apiVersion, params, query, origin }, request, reply);
  });
}
