import type { Evidence } from "../../core/catalog.js";

/*
 * The errors Microsoft Graph answers with, in its wire shape:
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` (Graph REST docs,
 * "Microsoft Graph error responses and resource types", https://learn.microsoft.com/en-us/graph/errors;
 * `innerError.date` to the second without a zone, as Graph's answers quoted in public code show it).
 */

interface GraphCatalogEntry<P extends string> {
  status: number;
  /** Graph's `error.code`. */
  code: string;
  message: (params: Record<P, string>) => string;
  evidence: Evidence;
}

function entry<P extends string = never>(e: GraphCatalogEntry<NoInfer<P>>): GraphCatalogEntry<P> {
  return e;
}

export const GRAPH_CATALOG = {
  emptyToken: entry({
    status: 401,
    code: "InvalidAuthenticationToken",
    message: () => "Access token is empty.",
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/resolve-auth-errors (401, InvalidAuthenticationToken)",
    },
  }),
  invalidToken: entry<"reason">({
    status: 401,
    code: "InvalidAuthenticationToken",
    message: (p) => p.reason,
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/resolve-auth-errors: 'Access token validation failure. Invalid audience.', 'Lifetime validation failed, the token is expired.'",
      inferred: "The message for a token whose signature or issuer is wrong.",
    },
  }),
  forbidden: entry({
    status: 403,
    code: "Authorization_RequestDenied",
    message: () => "Insufficient privileges to complete the operation.",
    evidence: {
      recorded:
        "Azure/azure-cli issues (e.g. #7562 and the create-for-rbac threads): 403 Authorization_RequestDenied 'Insufficient privileges to complete the operation.'",
    },
  }),
  notFound: entry<"id">({
    status: 404,
    code: "Request_ResourceNotFound",
    message: (p) =>
      `Resource '${p.id}' does not exist or one of its queried reference-property objects are not present.`,
    evidence: {
      recorded:
        "Graph's 404 for an unknown object id as quoted in public code: Request_ResourceNotFound, \"Resource '<id>' does not exist or one of its queried reference-property objects are not present.\"",
    },
  }),
  badRequest: entry<"reason">({
    status: 400,
    code: "Request_BadRequest",
    message: (p) => p.reason,
    evidence: {
      recorded: "https://learn.microsoft.com/en-us/graph/errors (400 Request_BadRequest)",
      inferred: "The wording of each reason except where the call site cites one.",
    },
  }),
  unknownSegment: entry<"segment">({
    status: 400,
    code: "BadRequest",
    message: (p) => `Resource not found for the segment '${p.segment}'.`,
    evidence: {
      recorded:
        "Graph's answer for a path it has no resource for (microsoftgraph/msgraph-sdk-* issues quoting it)",
    },
  }),
  servicePrincipalExists: entry<"appId">({
    status: 409,
    code: "Request_MultipleObjectsWithSameKeyValue",
    message: (p) =>
      `The service principal cannot be created, updated, or restored because the service principal name ${p.appId} is already in use.`,
    evidence: {
      recorded:
        "Azure/reliable-web-app-pattern-java issue #185 (POST servicePrincipals: 409 Request_MultipleObjectsWithSameKeyValue) and KelvinTegelaar/CIPP issue #1142",
    },
  }),
  grantExists: entry({
    status: 409,
    code: "Request_MultipleObjectsWithSameKeyValue",
    message: () => "Permission entry already exists.",
    evidence: {
      recorded:
        "Scripts that handle POST oauth2PermissionGrants conflicts match 'Permission entry already exists'",
      inferred: "The 409 status (Graph has answered this conflict with 400 Request_BadRequest too).",
    },
  }),
  countNeedsConsistency: entry({
    status: 400,
    code: "Request_BadRequest",
    message: () => "$count is not currently supported.",
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/aad-advanced-queries ($count on directory objects needs ConsistencyLevel: eventual)",
      inferred: "The exact message.",
    },
  }),
  serviceNotAvailable: entry({
    status: 503,
    code: "serviceNotAvailable",
    message: () => "The service is not available. Try the request again after a delay.",
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/errors (503 Service Unavailable; code serviceNotAvailable: try the request again after a delay, there may be a Retry-After header)",
      inferred: "The exact message; answered when the sandbox's store (a team sandbox's database) is down.",
    },
  }),
  serverError: entry({
    status: 500,
    code: "InternalServerError",
    message: () => "The sandbox failed while answering; the stack is in GET /_sandbox/requests.",
    evidence: { inferred: "Graph's 500s carry varied messages; this one says where the sandbox's stack is." },
  }),
} as const;

export type GraphCode = keyof typeof GRAPH_CATALOG;
type ParamsOf<C extends GraphCode> = Parameters<(typeof GRAPH_CATALOG)[C]["message"]>[0];

/** A Graph error to answer with; thrown by handlers and rendered by the plugin's error handler. */
export class GraphError<C extends GraphCode = GraphCode> extends Error {
  readonly status: number;
  readonly graphCode: string;
  constructor(
    readonly key: C,
    ...params: ParamsOf<C> extends Record<string, never> ? [] : [ParamsOf<C>]
  ) {
    const e = GRAPH_CATALOG[key] as GraphCatalogEntry<string>;
    const message = e.message((params[0] ?? {}) as Record<string, string>);
    super(message);
    this.name = "GraphError";
    this.status = e.status;
    this.graphCode = e.code;
  }
}

/** Graph's `innerError.date`: UTC to the second, without a zone suffix (as recorded). */
export function graphDate(date: Date): string {
  return date.toISOString().slice(0, 19);
}

/** The body Graph answers an error with. */
export function graphErrorBody(
  error: GraphError,
  date: Date,
  requestId: string,
  clientRequestId: string | undefined,
): { error: { code: string; message: string; innerError: Record<string, string> } } {
  return {
    error: {
      code: error.graphCode,
      message: error.message,
      innerError: {
        date: graphDate(date),
        "request-id": requestId,
        "client-request-id": clientRequestId ?? requestId,
      },
    },
  };
}
