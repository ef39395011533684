import type { SandboxStore } from "../../core/store.js";
import { MemoryStore } from "./memory.js";

export { MemoryStore } from "./memory.js";

/** Where a sandbox keeps its state: a PostgreSQL URL, else a data dir (SQLite), else memory. */
export interface StoreChoice {
  /** `postgres://user:pass@host:5432/db` (or `postgresql://`): replicas sharing it serve one world. */
  url?: string | undefined;
  dataDir?: string | undefined;
  /** PostgreSQL only: a schema of its own for this store, dropped when it closes (test runs). */
  throwaway?: boolean;
}

/** Whether a `--store` value names PostgreSQL. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/**
 * Opens the store a sandbox was asked for. The native SQLite addon and the PostgreSQL client are
 * loaded only when used: a memory sandbox pays for neither.
 *
 * @example
 * const store = await openStore({ url: process.env.ACS_SANDBOX_STORE, dataDir: "/var/lib/acs-sandbox" });
 */
export async function openStore(choice: StoreChoice): Promise<SandboxStore> {
  if (choice.url !== undefined && choice.url !== "") {
    if (!isPostgresUrl(choice.url)) {
      throw new Error(
        `Unknown store "${redactedUrl(choice.url)}": give a PostgreSQL URL (postgres://user:password@host:5432/database), or leave --store out to keep state in --data-dir (SQLite) or in memory`,
      );
    }
    const { PostgresStore } = await import("./postgres.js");
    return PostgresStore.open(choice.url, { throwaway: choice.throwaway ?? false });
  }
  if (choice.dataDir !== undefined) {
    const { SqliteStore } = await import("./sqlite.js");
    return SqliteStore.open(choice.dataDir);
  }
  return new MemoryStore();
}

/** A store URL fit for messages and logs: its password replaced. */
export function redactedUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
