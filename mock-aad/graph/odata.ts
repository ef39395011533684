import type { FastifyRequest } from "fastify";
import { GraphError } from "./errors.js";
import { filteredProperties, matches, parseFilter } from "./filter.js";

/*
 * OData query options as Graph applies them to directory objects: `$filter`, `$select`, `$top`, `$count`
 * (which needs `ConsistencyLevel: eventual`, https://learn.microsoft.com/en-us/graph/aad-advanced-queries),
 * paging by `@odata.nextLink` with an opaque `$skiptoken` (https://learn.microsoft.com/en-us/graph/paging),
 * and `@odata.context` as the Azure CLI's recordings show it (`https://graph.microsoft.com/v1.0/$metadata#servicePrincipals`,
 * Azure/azure-cli role/tests/latest/recordings/test_app_permission_grant.yaml).
 */

export type GraphObject = Record<string, unknown>;

/** Graph's default page size for directory objects (https://learn.microsoft.com/en-us/graph/paging). */
const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 999;

export type Query = Record<string, string | undefined>;

/** The API version segment a request came in on (`v1.0` or `beta`). */
export function versionOf(request: FastifyRequest): string {
  return request.url.startsWith("/beta/") ? "beta" : "v1.0";
}

/** `https://graph.microsoft.com/v1.0/$metadata#<set>`, with the selected properties when there are. */
export function contextUrl(
  origin: string,
  request: FastifyRequest,
  entitySet: string,
  entity = false,
): string {
  const select = selectedProperties(request.query as Query);
  const projected = select ? `${entitySet}(${select.join(",")})` : entitySet;
  return `${origin}/${versionOf(request)}/$metadata#${projected}${entity ? "/$entity" : ""}`;
}

function selectedProperties(query: Query): string[] | undefined {
  const select = query.$select
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  return select && select.length > 0 ? select : undefined;
}

/** `$select`: only the named properties; all of them without it. */
export function project(object: GraphObject, query: Query): GraphObject {
  const select = selectedProperties(query);
  if (!select) return object;
  const out: GraphObject = {};
  for (const name of select) {
    const key = Object.keys(object).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) out[key] = object[key];
  }
  return out;
}

/** One object with its context, as Graph answers `GET /{set}/{id}`. */
export function entityResponse(
  origin: string,
  request: FastifyRequest,
  entitySet: string,
  object: GraphObject,
): GraphObject {
  return {
    "@odata.context": contextUrl(origin, request, entitySet, true),
    ...project(object, request.query as Query),
  };
}

function pageSize(query: Query): number {
  if (query.$top === undefined) return DEFAULT_PAGE_SIZE;
  const top = Number(query.$top);
  if (!Number.isInteger(top) || top < 1 || top > MAX_PAGE_SIZE) {
    throw new GraphError("badRequest", {
      reason: `Invalid page size specified: '${query.$top}'. Must be between 1 and ${MAX_PAGE_SIZE} inclusive.`,
    });
  }
  return top;
}

function offsetOf(query: Query): number {
  if (query.$skiptoken === undefined) return 0;
  const decoded = Number(
    Buffer.from(query.$skiptoken, "base64url")
      .toString("utf8")
      .replace(/^offset:/, ""),
  );
  if (!Number.isInteger(decoded) || decoded < 0) {
    throw new GraphError("badRequest", { reason: "Invalid $skiptoken value." });
  }
  return decoded;
}

function checkUnsupported(query: Query): void {
  for (const option of ["$expand", "$orderby", "$search", "$skip"]) {
    if (query[option] !== undefined) {
      throw new GraphError("badRequest", {
        reason: `The query option '${option}' is not supported by the sandbox's Graph (it serves $filter, $select, $top, $count).`,
      });
    }
  }
}

/** The URL of the next page: the request's own, its query kept as sent, with the next `$skiptoken`. */
function nextLink(origin: string, url: string, offset: number): string {
  const [path, search = ""] = url.split("?", 2);
  const kept = search.split("&").filter((p) => p !== "" && !/^(\$|%24)skiptoken=/i.test(p));
  kept.push(`$skiptoken=${Buffer.from(`offset:${offset}`).toString("base64url")}`);
  return `${origin}${path}?${kept.join("&")}`;
}

/**
 * Filters, pages and projects a collection as Graph answers `GET /{set}`: `@odata.context`,
 * `@odata.count` when asked for with `ConsistencyLevel: eventual`, `@odata.nextLink` while more remain.
 * `filterable` lists the properties `$filter` may read.
 */
export function collectionResponse(
  origin: string,
  request: FastifyRequest,
  entitySet: string,
  objects: GraphObject[],
  filterable: readonly string[],
): GraphObject {
  const query = request.query as Query;
  checkUnsupported(query);
  let selected = objects;
  if (query.$filter !== undefined) {
    const filter = parseFilter(query.$filter);
    for (const property of filteredProperties(filter)) {
      if (!filterable.includes(property)) {
        throw new GraphError("badRequest", {
          reason: `Unsupported or invalid query filter clause specified for property '${property}' of resource '${entitySet}'.`,
        });
      }
    }
    selected = objects.filter((o) => matches(o, filter));
  }
  const wantsCount = query.$count?.toLowerCase() === "true";
  if (wantsCount && String(request.headers.consistencylevel ?? "").toLowerCase() !== "eventual") {
    throw new GraphError("countNeedsConsistency");
  }
  const size = pageSize(query);
  const offset = offsetOf(query);
  const page = selected.slice(offset, offset + size);
  const body: GraphObject = { "@odata.context": contextUrl(origin, request, entitySet) };
  if (wantsCount) body["@odata.count"] = selected.length;
  if (offset + size < selected.length) {
    body["@odata.nextLink"] = nextLink(origin, request.url, offset + size);
  }
  body.value = page.map((o) => project(o, query));
  return body;
}
