import type { FastifyRequest } from "fastify";
import { isAcsRequest, isArmRequest } from "../../sandbox/addressing.js";
import type { Operation, Service } from "./rules.js";

/*
 * Which service and operation a request addresses, and which client sent it: what fault rules match on
 * and what the journal filters by. Paths follow the mocks' routes (mock-aad/routes, mock-acs/routes).
 */

const ENTRA_PATHS: [RegExp, Operation][] = [
  [/^\/[^/]+\/oauth2\/(v2\.0\/)?token$/, "token"],
  [/^\/[^/]+\/oauth2\/(v2\.0\/)?authorize$/, "authorize"],
  [/^\/[^/]+\/oauth2\/(v2\.0\/)?devicecode$/, "devicecode"],
  [/^\/[^/]+\/(v2\.0\/)?adminconsent$/, "adminconsent"],
  [/\/discovery\/(v2\.0\/)?keys$/, "keys"],
  [/(\.well-known\/openid-configuration|\/discovery\/instance|\/userrealm\/)/, "discovery"],
];

const ACS_PATHS: [string, RegExp, Operation][] = [
  ["POST", /^\/teamsUser\/:exchangeAccessToken$/, "exchange"],
  ["POST", /^\/identities$/, "createIdentity"],
  ["POST", /^\/identities\/[^/]+\/:issueAccessToken$/, "issueToken"],
  ["POST", /^\/identities\/[^/]+\/:revokeAccessTokens$/, "revokeTokens"],
  ["DELETE", /^\/identities\/[^/]+$/, "deleteIdentity"],
  ["GET", /^\/identities\/[^/]+$/, "getIdentity"],
];

export interface RequestKind {
  /** `arm`: Azure Resource Manager, which fault rules do not name yet. */
  service: Service | "admin" | "arm";
  operation: Operation | undefined;
}

function pathOf(url: string): string {
  const q = url.indexOf("?");
  return q === -1 ? url : url.slice(0, q);
}

export function requestKind(request: FastifyRequest): RequestKind {
  const path = pathOf(request.url);
  if (path.startsWith("/_sandbox/")) return { service: "admin", operation: undefined };
  if (isAcsRequest(request)) {
    const found = ACS_PATHS.find(([method, pattern]) => method === request.method && pattern.test(path));
    return { service: "acs", operation: found?.[2] };
  }
  if (isArmRequest(request)) return { service: "arm", operation: undefined };
  return { service: "entra", operation: ENTRA_PATHS.find(([pattern]) => pattern.test(path))?.[1] };
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
