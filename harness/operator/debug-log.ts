import { closeSync, openSync, writeSync } from "node:fs";
import type { JournalEntry } from "./journal.js";

/**
 * `serve --debug FILE`, as Azurite's `-d`: every journal entry as one JSON line, appended, so a failure
 * (an entry with `error.stack`) can be attached to a report. The entries are the journal's, credentials
 * redacted, so the file can be shared. Written synchronously: a crash loses no line.
 *
 * @example
 * const log = DebugLog.open("/tmp/acs-sandbox-debug.log");
 * journal.onEntry((entry) => log.write(entry));
 */
export class DebugLog {
  #fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.#fd = fd;
  }

  /** Opens (creates or appends to) the log; a path that cannot be written is refused at start. */
  static open(path: string): DebugLog {
    try {
      return new DebugLog(path, openSync(path, "a", 0o600));
    } catch (err) {
      throw new Error(
        `Cannot write the debug log ${path}: ${(err as Error).message}. Pass --debug a file in a writable folder.`,
      );
    }
  }

  write(entry: JournalEntry): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, `${JSON.stringify(entry)}\n`);
  }

  /** A failure outside any request's entry (see buildApp's failure logger), as one line of its own. */
  writeFailure(failure: { message: string; stack?: string }, at: Date): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, `${JSON.stringify({ at: at.toISOString(), failure })}\n`);
  }

  close(): void {
    if (this.#fd === undefined) return;
    closeSync(this.#fd);
    this.#fd = undefined;
  }
}
