import { OPERATION_NAMES, operationChosenBy } from "../sandbox/operations.js";
import type { JournalEntry } from "./journal.js";

/*
 * The journal as tests query it: `GET /_sandbox/requests?service=acs&operation=exchange&status=200` and
 * `GET /_sandbox/requests/count?…` (WireMock's `/__admin/requests/count`), and the same filter in the
 * typed helpers, so "my back end called the exchange exactly once" is one line.
 */

/** Which journal entries to keep; every given field must match. */
export interface RequestFilter {
  /** `entra`, `acs` or `admin`. */
  service?: string;
  /**
   * A declared operation (`token`, `exchange`, `teamsExtensionExchange`, … as `GET /_sandbox/operations`
   * lists them) or a group of them (`discovery`); case-insensitive.
   */
  operation?: string;
  method?: string;
  /** A substring of the path and query. */
  path?: string;
  /** An exact status, or a class: `4xx`, `5xx`. */
  status?: number | string;
  /** Catalogued error code (`AADSTS50126`, `TooManyRequests`); case-insensitive. */
  code?: string;
  /** Entra `client_id`, or the `appId` an ACS exchange sent; case-insensitive. */
  client?: string;
  /** Only requests a fault rule changed (`true`), or this rule's id. */
  fault?: boolean | string;
  /** A text that must appear in the journaled request body (secrets are masked there). */
  body?: string;
}

const FIELDS = [
  "service",
  "operation",
  "method",
  "path",
  "status",
  "code",
  "client",
  "fault",
  "body",
] as const;

/** A filter from a query string; unknown parameters are an error, so a typo never matches everything. */
export function filterFromQuery(query: Record<string, unknown>): RequestFilter {
  const unknown = Object.keys(query).filter((k) => !(FIELDS as readonly string[]).includes(k));
  if (unknown.length > 0) {
    throw new RangeError(
      `Unknown filter ${unknown.map((k) => `"${k}"`).join(", ")}: expected ${FIELDS.join(", ")}`,
    );
  }
  const filter: RequestFilter = {};
  for (const key of FIELDS) {
    const value = query[key];
    if (typeof value !== "string" || value === "") continue;
    if (key === "fault") filter.fault = value === "true" ? true : value;
    else if (key === "status") {
      if (!/^(\d{3}|[1-5]xx|0)$/i.test(value))
        throw new RangeError(`Invalid status "${value}": expected e.g. 429, 4xx or 5xx`);
      filter.status = /^\d+$/.test(value) ? Number(value) : value.toLowerCase();
    } else if (key === "operation") {
      if (!OPERATION_NAMES.some((name) => name.toLowerCase() === value.toLowerCase()))
        throw new RangeError(`Unknown operation "${value}": GET /_sandbox/operations lists them`);
      filter.operation = value;
    } else filter[key] = value;
  }
  return filter;
}

function statusMatches(status: number, wanted: number | string): boolean {
  if (typeof wanted === "number") return status === wanted;
  if (/^\d+$/.test(wanted)) return status === Number(wanted);
  return String(status)[0] === wanted[0] && status >= 100;
}

const same = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b.toLowerCase();

export function entryMatches(entry: JournalEntry, filter: RequestFilter): boolean {
  if (filter.service !== undefined && !same(entry.service, filter.service)) return false;
  if (filter.operation !== undefined && !operationChosenBy(filter.operation, entry.operation)) return false;
  if (filter.method !== undefined && !same(entry.method, filter.method)) return false;
  if (filter.path !== undefined && !entry.url.includes(filter.path)) return false;
  if (filter.status !== undefined && !statusMatches(entry.status, filter.status)) return false;
  if (filter.code !== undefined && !same(entry.errorCode, filter.code)) return false;
  if (filter.client !== undefined && !same(entry.client, filter.client)) return false;
  if (filter.fault === true && !entry.fault) return false;
  if (typeof filter.fault === "string" && entry.fault?.id !== filter.fault) return false;
  if (filter.body !== undefined && !(entry.requestBody ?? "").includes(filter.body)) return false;
  return true;
}

/** The entries a filter keeps, oldest first, as the journal holds them. */
export function queryJournal(entries: JournalEntry[], filter: RequestFilter = {}): JournalEntry[] {
  return entries.filter((e) => entryMatches(e, filter));
}
