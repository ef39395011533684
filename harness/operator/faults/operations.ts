import type { FastifyRequest } from "fastify";
import { operationOf, type ServiceName } from "../../../core/operations.js";
import { isAcsRequest, isArmRequest } from "../../sandbox/addressing.js";

/*
 * Which service and operation a request addresses, and which client sent it: what fault rules match on
 * and what the journal records and filters by. The operation is the declaration of the route that
 * serves the request (core/operations.ts), so nothing here matches paths again.
 */

export interface RequestKind {
  service: ServiceName | "admin";
  /** The declared name (`token`, `exchange`, `teamsExtensionExchange`); undefined for a 404. */
  operation: string | undefined;
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

/**
 * The request's operation by its route's declaration; the admin API (`/_sandbox/…`) is `admin`; a
 * request no declared route serves (a 404) belongs to the service it was addressed to.
 */
export function requestKind(request: FastifyRequest): RequestKind {
  const path = pathOf(request.url);
  if (path === "/_sandbox" || path.startsWith("/_sandbox/"))
    return { service: "admin", operation: undefined };
  const declared = operationOf(request);
  if (declared) return { service: declared.service, operation: declared.name };
  if (isAcsRequest(request)) return { service: "acs", operation: undefined };
  return { service: isArmRequest(request) ? "arm" : "entra", operation: undefined };
}

function field(source: unknown, name: string): string | undefined {
  if (!source || typeof source !== "object" || Buffer.isBuffer(source)) return undefined;
  const value = (source as Record<string, unknown>)[name];
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * The client a request speaks for: Entra's `client_id` (form body or query), or the `appId` an ACS
 * exchange carries in its JSON body (ACS reads bodies as raw bytes, so it is parsed here).
 */
export function clientOf(request: FastifyRequest): string | undefined {
  const fromEntra = field(request.body, "client_id") ?? field(request.query, "client_id");
  if (fromEntra) return fromEntra;
  if (Buffer.isBuffer(request.body) && request.body.length > 0 && request.body.length < 64 * 1024) {
    try {
      return field(JSON.parse(request.body.toString("utf8")), "appId");
    } catch {
      return undefined;
    }
  }
  return undefined;
}
