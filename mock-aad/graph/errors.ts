import type { Evidence, ExplainedError } from "../../core/catalog.js";

/*
 * The errors Microsoft Graph answers with, in its wire shape:
 * `{"error":{"code","message","innerError":{"date","request-id","client-request-id"}}}` (Graph REST docs,
 * "Microsoft Graph error responses and resource types", https://learn.microsoft.com/en-us/graph/errors;
 * `innerError.date` to the second without a zone, as Graph's answers quoted in public code show it).
 * Several entries share a Graph code (Graph answers many causes with `Request_BadRequest`); what a person
 * reads about a code (`GRAPH_CODES`: cause and fix) is said once per code.
 */

interface GraphCatalogEntry<P extends string> {
  status: number;
  /** Graph's `error.code`. */
  code: string;
  message: (params: Record<P, string>) => string;
  /** Fields Graph adds to `innerError` for this answer, beside date and the request ids. */
  innerError?: Record<string, string>;
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
  // Service faults: answered only when a fault rule says so (`/_sandbox/faults`).
  throttled: entry({
    status: 429,
    code: "TooManyRequests",
    message: () => "Please retry again later.",
    innerError: { code: "429", message: "Please retry after", status: "429" },
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/throttling (Sample response: 429 TooManyRequests 'Please retry again later.', innerError code and status '429', with Retry-After)",
    },
  }),
  serviceUnavailable: entry({
    status: 503,
    code: "serviceNotAvailable",
    message: () => "The service is not available. Try the request again after a delay.",
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/errors (code serviceNotAvailable: 'The service is not available. Try the request again after a delay. There may be a Retry-After header.'; status 503)",
      inferred:
        "That the directory's endpoints answer a 503 with this code, and the message (the code table's words).",
    },
  }),
  generalException: entry({
    status: 500,
    code: "generalException",
    message: () => "An unspecified error has occurred.",
    evidence: {
      recorded:
        "https://learn.microsoft.com/en-us/graph/errors (code generalException: 'An unspecified error has occurred.')",
      inferred: "That the directory's endpoints answer a failure with this code and message.",
    },
  }),
} as const;

/** What a person reads about each Graph code: why Graph answers with it and what fixes it. */
const GRAPH_CODES: Record<string, { cause: string; fix: string }> = {
  InvalidAuthenticationToken: {
    cause:
      "The bearer token is missing or empty, malformed, expired, not signed by the tenant's Entra ID, issued for another audience than Microsoft Graph, or its user has since been deleted or disabled.",
    fix: "Get a token for https://graph.microsoft.com/.default from the tenant's Entra ID (`az login --tenant <tenant>` then `az rest`, `Connect-MgGraph -TenantId <tenant>`, or the SDK's credential) and a new one when it expires.",
  },
  Authorization_RequestDenied: {
    cause:
      "The caller may not do this: a delegated token lacks the scope the operation needs (Application.ReadWrite.All, DelegatedPermissionGrant.ReadWrite.All, …) or its user lacks the directory role (Application Administrator, Cloud Application Administrator, Privileged Role Administrator, Global Administrator); an app-only token lacks the application permission.",
    fix: "Run the quickstart's admin steps 7 and 8 as a tenant admin with one of those roles (`az login --tenant <tenant>` as that admin, or `Connect-MgGraph -Scopes Application.ReadWrite.All,DelegatedPermissionGrant.ReadWrite.All`); for an app, grant the application permission (`az ad app permission add`, then `az ad app permission admin-consent`).",
  },
  Request_ResourceNotFound: {
    cause:
      "No object with this id exists in the tenant the token was issued for: another tenant's object, a deleted one, or an appId where Graph wants an object id.",
    fix: "Look the object up in the right tenant (`az ad sp show --id <appId>`, `az ad app show --id <appId>`, `GET /v1.0/servicePrincipals(appId='<appId>')`); a missing ACS service principal is created by admin step 7 (`az ad sp create --id 1fd5118e-2576-4263-8130-9503064c837a`).",
  },
  Request_BadRequest: {
    cause:
      "The request body or query is malformed or refers to something that does not exist (a property, a filter the directory does not support, a reference to a missing object), or a $count came without `ConsistencyLevel: eventual`.",
    fix: "Read the message: it names what is wrong. Send the body the Graph v1.0 reference documents; add the header `ConsistencyLevel: eventual` for $count and advanced queries.",
  },
  BadRequest: {
    cause:
      "The path names a resource Microsoft Graph has no segment for (a typo, or a resource the sandbox does not serve).",
    fix: "Check the path and version (`/v1.0/servicePrincipals`); the sandbox serves applications, servicePrincipals, oauth2PermissionGrants, users, organization and directoryRoles (docs/admin-tools.md).",
  },
  Request_MultipleObjectsWithSameKeyValue: {
    cause:
      "The object already exists: a service principal of this appId in the tenant, or a delegated permission grant of this client, resource and principal.",
    fix: "Use the existing object (`az ad sp show --id <appId>`, `GET /v1.0/oauth2PermissionGrants?$filter=clientId eq '<id>'`), or PATCH the existing grant's `scope` instead of creating a second one.",
  },
  InternalServerError: {
    cause: "A bug in the sandbox's Microsoft Graph, not a mistake in the request.",
    fix: "Report it with the journal entry's `error.stack` (GET /_sandbox/requests, or the `serve --debug FILE` log).",
  },
  TooManyRequests: {
    cause: "Microsoft Graph is throttling the app or the tenant (in the sandbox: a fault rule asked for it).",
    fix: "Wait as Retry-After says, then retry: the Graph SDKs' retry handler does so by itself (3 retries by default). Spread bursts and batch requests ($batch).",
  },
  serviceNotAvailable: {
    cause: "Microsoft Graph is briefly unavailable (in the sandbox: a fault rule asked for it).",
    fix: "Retry after the Retry-After delay; the Graph SDKs' retry handler retries 503 and 504 by itself.",
  },
  generalException: {
    cause: "Microsoft Graph failed while answering (in the sandbox: a fault rule asked for it).",
    fix: "Retry with back-off in the calling code: the Graph SDKs do not retry a 500 by themselves.",
  },
};

function joined(parts: (string | undefined)[], separator: string): string | undefined {
  const distinct = [...new Set(parts.filter((p): p is string => p !== undefined))];
  return distinct.length ? distinct.join(separator) : undefined;
}

/**
 * The catalog as `acs-sandbox explain` prints it: one entry per Graph code, with the evidence of every
 * answer that carries it.
 */
export function graphCatalog(): ExplainedError[] {
  const byCode = new Map<string, GraphCatalogEntry<string>[]>();
  for (const e of Object.values(GRAPH_CATALOG) as GraphCatalogEntry<string>[])
    byCode.set(e.code, [...(byCode.get(e.code) ?? []), e]);
  return [...byCode].map(([code, entries]) => {
    const help = GRAPH_CODES[code];
    if (!help) throw new Error(`The Graph code ${code} has no cause and fix in GRAPH_CODES`);
    const recorded = joined(
      entries.map((e) => e.evidence.recorded),
      "; ",
    );
    const inferred = joined(
      entries.map((e) => e.evidence.inferred),
      " ",
    );
    return {
      code,
      service: "Microsoft Graph" as const,
      status: entries[0]!.status,
      cause: help.cause,
      fix: help.fix,
      evidence: recorded ? { recorded, ...(inferred ? { inferred } : {}) } : { inferred: inferred! },
    };
  });
}

export type GraphCode = keyof typeof GRAPH_CATALOG;
type ParamsOf<C extends GraphCode> = Parameters<(typeof GRAPH_CATALOG)[C]["message"]>[0];

/** A Graph error to answer with; thrown by handlers and rendered by the plugin's error handler. */
export class GraphError<C extends GraphCode = GraphCode> extends Error {
  readonly status: number;
  readonly graphCode: string;
  /** Fields this answer adds to `innerError`. */
  readonly innerError: Record<string, string> | undefined;
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
    this.innerError = e.innerError;
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
        ...error.innerError,
        date: graphDate(date),
        "request-id": requestId,
        "client-request-id": clientRequestId ?? requestId,
      },
    },
  };
}
