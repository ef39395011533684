/** One request the sandbox answered, with its outcome: what `GET /_sandbox/requests` lists. */
export interface JournalEntry {
  at: string;
  method: string;
  host: string;
  url: string;
  /** HTTP status; 0 when the connection was dropped without an answer. */
  status: number;
  /** Which service answered (`entra`, `acs`) or the admin API (`admin`). */
  service?: "entra" | "acs" | "admin";
  /** The operation, when the request is one fault rules can name (`token`, `exchange`, …). */
  operation?: string;
  /** The client the request spoke for: Entra `client_id`, or the `appId` of an ACS exchange. */
  client?: string;
  /** The fault rule that changed this answer (`/_sandbox/faults`). */
  fault?: { id: string; kind: "status" | "latency" | "drop" | "timeout" };
  /** Catalogued error code (`AADSTS50126`, `InvalidAccessToken`) when the answer was an error. */
  errorCode?: string;
  /** The sandbox's advice beyond Azure's answer (also sent as the `x-acs-sandbox-hint` header). */
  hint?: string;
  durationMs: number;
  /** The request body as sent, secrets masked and long values cut (`password=***`). */
  requestBody?: string;
  /** The answer's body: JSON as sent (cut past a few KB), an HTML page by its title. */
  responseBody?: string;
}

/** Fields whose values never go into the journal: they would let a reader of the report sign in. */
const SECRET_FIELDS = new Set(["password", "passwd", "client_secret", "client_assertion", "assertion"]);
const MAX_VALUE = 80;
const MAX_BODY = 4000;

function cut(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** A request body for the journal: form fields and JSON members with secrets masked, long values cut. */
export function journalRequestBody(body: unknown): string | undefined {
  if (body === undefined || body === null) return undefined;
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) return undefined;
    try {
      return journalRequestBody(JSON.parse(body.toString("utf8")));
    } catch {
      return cut(body.toString("utf8"), MAX_BODY);
    }
  }
  if (typeof body !== "object") return cut(String(body), MAX_BODY);
  const masked = Object.fromEntries(
    Object.entries(body as Record<string, unknown>).map(([key, value]) => [
      key,
      SECRET_FIELDS.has(key) ? "***" : typeof value === "string" ? cut(value, MAX_VALUE) : value,
    ]),
  );
  return cut(JSON.stringify(masked), MAX_BODY);
}

/** A response body for the journal: JSON kept (cut), an HTML page named by its title. */
export function journalResponseBody(payload: unknown, contentType: string | undefined): string | undefined {
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
  return cut(text, MAX_BODY);
}

/** A bounded list of recent requests, newest last; old entries drop off so memory stays flat. */
export class Journal {
  #entries: JournalEntry[] = [];

  constructor(readonly capacity = 500) {}

  add(entry: JournalEntry): void {
    this.#entries.push(entry);
    if (this.#entries.length > this.capacity) this.#entries.splice(0, this.#entries.length - this.capacity);
  }

  list(): JournalEntry[] {
    return [...this.#entries];
  }

  clear(): void {
    this.#entries = [];
  }
}
