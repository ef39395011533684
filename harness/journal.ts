/** One request the sandbox answered, with its outcome: what `GET /_sandbox/requests` lists. */
export interface JournalEntry {
  at: string;
  method: string;
  host: string;
  url: string;
  status: number;
  /** Catalogued error code (`AADSTS50126`, `InvalidAccessToken`) when the answer was an error. */
  errorCode?: string;
  durationMs: number;
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
