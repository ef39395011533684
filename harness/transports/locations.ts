import { createHash } from "node:crypto";
import { join } from "node:path";
import type { StoreChoice } from "../store/index.js";
import { defaultCaDir } from "../sandbox/ca.js";
import { prepareSigningKeys } from "../sandbox/keys.js";

/*
 * Where a started sandbox keeps what outlives it: its store, its CA and its signing keys. One decision,
 * read by start.ts and by `serve`, which starts making a fresh data dir's keys before it loads the rest
 * of the sandbox (this module loads none of it).
 */

/** What the decision depends on: a subset of StartSandboxOptions. */
export interface LocationOptions {
  dataDir?: string | undefined;
  store?: string | undefined;
}

/** The CA's folder: in the data dir when there is one, else the user's (shared by every sandbox). */
export function caDirOf(options: LocationOptions): string {
  if (options.dataDir) return join(options.dataDir, "ca");
  // A team sandbox's CA comes from its store: kept apart from the user's own CA, per store.
  if (options.store)
    return join(
      defaultCaDir(),
      "..",
      "team-ca",
      createHash("sha256").update(options.store).digest("hex").slice(0, 16),
    );
  return defaultCaDir();
}

/**
 * The store a sandbox keeps its state in. `ACS_SANDBOX_TEST_STORE` (a PostgreSQL URL) runs a test suite
 * against PostgreSQL: each sandbox then gets a schema of its own, dropped when it closes, so the test
 * files running side by side never share a world. A choice with a URL is a store other processes share.
 */
export function storeChoice(options: LocationOptions): StoreChoice {
  if (options.store !== undefined) return { url: options.store, dataDir: options.dataDir };
  const testStore = process.env.ACS_SANDBOX_TEST_STORE;
  if (testStore && options.dataDir === undefined) return { url: testStore, throwaway: true };
  return { dataDir: options.dataDir };
}

/**
 * Starts reading or making a server's signing keys (keys.ts), and says where it keeps them: in the data
 * dir, else beside the CA. Replicas on a shared store take theirs from it instead. Calling it again joins
 * the work already started.
 */
export function prepareServerKeys(options: LocationOptions): string {
  const dir = options.dataDir ? join(options.dataDir, "keys") : join(caDirOf(options), "signing-keys");
  if (!storeChoice(options).url) prepareSigningKeys(dir);
  return dir;
}
