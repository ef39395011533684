import type {
  FastifyContextConfig,
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  RouteGenericInterface,
  RouteShorthandOptions,
} from "fastify";

/*
 * The operation registry. Every route a service answers is declared once, here-shaped, in that service's
 * own table (mock-aad/operations.ts, mock-acs/operations.ts, …); the route is registered from the
 * declaration, and the journal, fault rules, the inspector's filters, `explain` and the generated docs
 * tables all read the same declarations. A route registered without one fails the coverage test
 * (test/structure/operation-registry.test.ts), so an operation is nameable everywhere the day it lands.
 */

/** The services the sandbox plays; `admin` is the sandbox's own API, not a service. */
export type ServiceName = "entra" | "acs" | "graph" | "arm";

/** How people name each service, in messages and docs. */
export const SERVICE_TITLES: Record<ServiceName, string> = {
  entra: "Entra ID",
  acs: "ACS",
  graph: "Microsoft Graph",
  arm: "ARM",
};

/** How sure a declaration is of its wire facts: a recorded answer, a published spec or doc, or our guess. */
export type OperationEvidence = "recorded" | "spec" | "docs" | "inferred";

export interface OperationDeclaration {
  service: ServiceName;
  /**
   * The name journal entries carry and fault rules and journal queries choose by (`exchange`,
   * `createIdentity`, `token`). Unique across all services.
   */
  name: string;
  method: HTTPMethods | readonly HTTPMethods[];
  /** fastify URL patterns; several when one operation answers on aliases (Entra's v1 and v2 paths). */
  urls: readonly string[];
  /** One line for the docs tables and the inspector. */
  summary: string;
  evidence: OperationEvidence;
  /** Where the wire facts come from (a recording, a spec's repository and path, a doc page). */
  source: string;
  /**
   * A wider name that fault rules and journal queries may choose instead of this one: `discovery` takes
   * the OpenID configuration, instance discovery and user realm alike. Never another operation's name.
   */
  group?: string;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** The declared operation a route serves (core/operations.ts). */
    operation?: OperationDeclaration;
  }
}

/** Declares one operation; `as const` names stay literal so a service's names form a union type. */
export function declareOperation<const D extends OperationDeclaration>(declaration: D): D {
  return declaration;
}

/**
 * A service's table, keyed by name, from its declarations; the key is the declaration's own name, so
 * `ACS_OPERATIONS.createIdentity.name === "createIdentity"` by construction.
 */
export function operationTable<const D extends readonly OperationDeclaration[]>(
  ...declarations: D
): { readonly [K in D[number] as K["name"]]: K } {
  return Object.fromEntries(declarations.map((d) => [d.name, d])) as never;
}

/** The methods of a declaration, always as a list. */
export function methodsOf(declaration: OperationDeclaration): readonly HTTPMethods[] {
  return typeof declaration.method === "string" ? [declaration.method] : declaration.method;
}

/** The operation a routed request addresses, or undefined (a 404, the admin API). */
export function operationOf(request: FastifyRequest): OperationDeclaration | undefined {
  return request.routeOptions?.config?.operation;
}

/**
 * A fastify URL pattern as REST documents write it: `/identities/:id/::issueAccessToken` →
 * `/identities/{id}/:issueAccessToken`.
 */
export function displayUrl(url: string): string {
  // `::` is fastify's escaped literal colon; a lone `:` starts a parameter.
  return url.replace(/(::)|:(\w+)/g, (_all, literal: string | undefined, name: string) =>
    literal ? ":" : `{${name}}`,
  );
}

/** `POST /identities`, `GET, POST /{tenant}/oauth2/v2.0/token`: how the docs tables show a declaration. */
export function describeRoute(declaration: OperationDeclaration): string {
  return `${methodsOf(declaration).join(", ")} ${declaration.urls.map(displayUrl).join(" · ")}`;
}

/**
 * Registers the routes of one declared operation: one route per URL, each carrying the declaration in its
 * config, so nothing downstream matches paths again.
 *
 * @example
 * serveOperation(api, ACS_OPERATIONS.createIdentity, async (request, reply) => { … });
 */
export function serveOperation<RG extends RouteGenericInterface = RouteGenericInterface>(
  app: FastifyInstance,
  declaration: OperationDeclaration,
  handler: (request: FastifyRequest<RG>, reply: FastifyReply) => unknown,
  options: Omit<RouteShorthandOptions, "config"> & { config?: Omit<FastifyContextConfig, "operation"> } = {},
): void {
  for (const url of declaration.urls) {
    app.route<RG>({
      ...(options as object),
      method: methodsOf(declaration) as HTTPMethods[],
      url,
      config: { ...options.config, operation: declaration },
      handler: handler as never,
    });
  }
}
