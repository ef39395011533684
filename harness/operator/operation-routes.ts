import type { FastifyInstance } from "fastify";
import { displayUrl, methodsOf, type OperationDeclaration } from "../../core/operations.js";
import { OPERATIONS } from "../sandbox/operations.js";

/** One operation as `GET /_sandbox/operations` lists it. */
export interface OperationView {
  service: OperationDeclaration["service"];
  name: string;
  /** The wider name fault rules and journal queries may use instead (`discovery`). */
  group?: string;
  method: string[];
  /** As REST documents write them: `/identities/{id}/:issueAccessToken`. */
  urls: string[];
  summary: string;
  evidence: OperationDeclaration["evidence"];
  source: string;
}

export function operationView(o: OperationDeclaration): OperationView {
  return {
    service: o.service,
    name: o.name,
    ...(o.group ? { group: o.group } : {}),
    method: [...methodsOf(o)],
    urls: o.urls.map(displayUrl),
    summary: o.summary,
    evidence: o.evidence,
    source: o.source,
  };
}

/**
 * `GET /_sandbox/operations`: the operation registry, every service's declared operations, as the
 * inspector's filter, fault rules (`operation`) and journal queries (`?operation=`) name them.
 */
export function operationRoutes(app: FastifyInstance): void {
  app.get("/operations", async () => OPERATIONS.map(operationView));
}
