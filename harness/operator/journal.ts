import type { ServiceName } from "../../core/operations.js";
import type { SandboxStore } from "../../core/store.js";
import { Redactor, type FieldPlace, type JournalToken } from "./redaction.js";

export type { JournalToken } from "./redaction.js";

/** One request the sandbox answered, with its outcome: what `GET /_sandbox/requests` lists. */
export interface JournalEntry {
  at: string;
  method: string;
  host: string;
  /** Path and query, credentials in the query redacted (`code=1.AbC9…`). */
  url: string;
  /** HTTP status; 0 when the connection was dropped without an answer. */
  status: number;
  /** Which service answered (`entra`, `acs`, …) or the admin API (`admin`). */
  service?: ServiceName | "admin";
  /** The declared operation its route serves (`token`, `exchange`, …; `GET /_sandbox/operations`). */
  operation?: string;
  /** The client the request spoke for: Entra `client_id`, or the `appId` of an ACS exchange. */
  client?: string;
  /** The fault rule that changed this answer (`/_sandbox/faults`). */
  fault?: { id: string; kind: "status" | "latency" | "drop" | "timeout" };
  /** Catalogued error code (`AADSTS50126`, `InvalidAccessToken`) when the answer was an error. */
  errorCode?: string;
  /**
   * Which check refused the request when the answer does not say (`hmac: stale-date`, `bearer:
   * token-expired`, `wrong-audience`): Azure's body stays Azure's, the reason is only here.
   */
  reason?: string;
  /** The sandbox's advice beyond Azure's answer (also sent as the `x-acs-sandbox-hint` header). */
  hint?: string;
  durationMs: number;
  /** The request body as sent, credentials redacted and long values cut (`"password":"[redacted]"`). */
  requestBody?: string;
  /** The answer's body: JSON with credentials redacted (cut past a few KB), an HTML page by its title. */
  responseBody?: string;
  /** Every JWT the request or answer carried, decoded (its signature is never kept). */
  tokens?: JournalToken[];
  /** A failure of the sandbox itself (a bug): answered 500, reported here and in the `--debug` log. */
  error?: { message: string; stack?: string };
}

const MAX_VALUE = 80;
const MAX_BODY = 4000;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function cutValues(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return cut(value, MAX_VALUE);
  if (value === null || typeof value !== "object" || depth > 40) return value;
  if (Array.isArray(value)) return value.map((item) => cutValues(item, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, cutValues(v, depth + 1)]));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A request body for the journal: form fields and JSON members with credentials redacted, long values cut. */
export function journalRequestBody(
  body: unknown,
  redactor = new Redactor(),
  place: FieldPlace = "form",
): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body) || typeof body === "string") {
    const text = body.toString("utf8");
    if (text.length === 0) return undefined;
    const parsed = parseJson(text);
    if (parsed !== undefined && typeof parsed === "object" && parsed !== null)
      return journalRequestBody(parsed, redactor, "json");
    return cut(redactor.text(text, "requestBody"), MAX_BODY);
  }
  if (typeof body !== "object") return cut(String(body), MAX_BODY);
  // A parsed object that did not come from raw JSON text is a form body (Entra's protocol fields).
  return cut(JSON.stringify(cutValues(redactor.tree(body, "requestBody", place))), MAX_BODY);
}

/** A response body for the journal: JSON kept with credentials redacted (cut), an HTML page by its title. */
export function journalResponseBody(
  payload: unknown,
  contentType: string | undefined,
  redactor = new Redactor(),
): string | undefined {
  const text = Buffer.isBuffer(payload)
    ? payload.toString("utf8")
    : typeof payload === "string"
      ? payload
      : "";
  if (text === "") return undefined;
  if (contentType?.includes("text/html")) {
    const title = /<h1[^>]*>([\s\S]*?)<\/h1>/i
      .exec(text)?.[1]
      ?.replace(/<[^>]+>/g, "")
      .trim();
    return `<html page${title ? `: ${title}` : ""}>`;
  }
  const parsed = contentType?.includes("json") ? parseJson(text) : undefined;
  if (parsed !== undefined && typeof parsed === "object" && parsed !== null) {
    return cut(JSON.stringify(redactor.tree(parsed, "responseBody")), MAX_BODY);
  }
  return cut(redactor.text(text, "responseBody"), MAX_BODY);
}

const LOG = "journal";

/**
 * A bounded list of recent requests, newest last; old entries drop off so memory stays flat. Each
 * replica keeps its own; with a shared store (replicas behind a load balancer) every entry is also
 * appended to the store's log, and `entries()` reads that: every replica's traffic, in the order kept.
 */
export class Journal {
  #entries: JournalEntry[] = [];
  #listeners: ((entry: JournalEntry) => void)[] = [];
  /**
   * The shared log's appends, one after another: two racing on separate connections could be kept in
   * the other order. Reads wait for them, so a client that has its answer finds it in the journal.
   */
  #appending: Promise<void> = Promise.resolve();
  /** Appends queued and not yet kept; past `capacity` (a store that hangs) entries stay local only. */
  #queued = 0;

  constructor(
    readonly store: SandboxStore | undefined = undefined,
    readonly capacity = 500,
  ) {}

  add(entry: JournalEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.splice(0, this.#entries.length - this.capacity);
    // The journal is diagnostics: an entry the store could not take is still in this replica's list.
    const store = this.store;
    if (store?.shared && this.#queued < this.capacity) {
      this.#queued++;
      this.#appending = this.#appending
        .then(() => store.append(LOG, entry, this.capacity))
        .catch(() => {})
        .finally(() => this.#queued--);
    }
    for (const listener of this.#listeners) listener(entry);
  }

  /** Calls `listener` with every entry from now on (the `--debug` log writes them out). */
  onEntry(listener: (entry: JournalEntry) => void): void {
    this.#listeners.push(listener);
  }

  /** This replica's entries. */
  list(): JournalEntry[] {
    return [...this.#entries];
  }

  /** Every replica's entries when the store is shared (this replica's when it cannot be read), else `list()`. */
  async entries(): Promise<JournalEntry[]> {
    if (!this.store?.shared) return this.list();
    await this.#appending;
    try {
      return await this.store.readLog<JournalEntry>(LOG);
    } catch {
      return this.list();
    }
  }

  async clear(): Promise<void> {
    this.#entries = [];
    const store = this.store;
    if (!store?.shared) return;
    const cleared = this.#appending.then(() => store.clearLog(LOG));
    this.#appending = cleared.catch(() => {});
    await cleared;
  }
}
