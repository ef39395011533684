import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { loadSigningKey, processKeys, type SigningKey, type StoredSigningKey } from "../../core/keyset.js";

/** Who signs what: Entra's token keys (two published, one active), ACS's own, the workload issuer's. */
export const KEY_SETS = {
  aad: { count: 2, subject: "accounts.accesscontrol.windows.net" },
  acs: { count: 1, subject: "communication.azure.com" },
  /** The sandbox-hosted workload issuer (a Kubernetes service account issuer's stand-in). */
  workload: { count: 1, subject: "workload-issuer" },
} as const;

export type KeySetName = keyof typeof KEY_SETS;

/**
 * Signing keys of one sandbox. Without a folder they are made once per process (cheap for test runs);
 * with one (`<dataDir>/keys/`, or beside the CA for `serve`) they are kept there, so a restart skips
 * three RSA generations and tokens issued before it still verify after it, as identities do.
 */
export function signingKeys(name: KeySetName, dir: string | undefined): Promise<SigningKey[]> {
  if (!dir) return processKeys(name, KEY_SETS[name].count, KEY_SETS[name].subject);
  const file = join(dir, `${name}.json`);
  // Read once per process while the file stays as it was: every sandbox a test file starts uses them.
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    // Being made (an early start, below, and the sandbox asking again): one generation per file.
    let making = inTheMaking.get(file);
    if (!making) {
      making = keptKeys(name, dir, file);
      inTheMaking.set(file, making);
      void making.catch(() => {}).finally(() => inTheMaking.delete(file));
    }
    return making;
  }
  const version = `${file}:${stat.mtimeMs}:${stat.size}`;
  let keys = kept.get(version);
  if (!keys) {
    keys = keptKeys(name, dir, file);
    kept.set(version, keys);
    keys.catch(() => kept.delete(version));
  }
  return keys;
}

const kept = new Map<string, Promise<SigningKey[]>>();
const inTheMaking = new Map<string, Promise<SigningKey[]>>();

/**
 * Starts reading or making the keys a sandbox signs with in `dir`, so a fresh `serve` generates its RSA
 * keys on the thread pool while it makes its CA and certificate; the sandbox takes them when it asks.
 * A failure is left for that call to report.
 */
export function prepareSigningKeys(dir: string): void {
  for (const name of ["aad", "acs"] as const) void signingKeys(name, dir).catch(() => {});
}

async function keptKeys(name: KeySetName, dir: string, file: string): Promise<SigningKey[]> {
  const { count, subject } = KEY_SETS[name];
  if (existsSync(file)) {
    try {
      const stored = JSON.parse(readFileSync(file, "utf8")) as StoredSigningKey[];
      if (!Array.isArray(stored) || stored.length !== count) throw new Error(`expected ${count} keys`);
      return await Promise.all(stored.map(loadSigningKey));
    } catch (err) {
      throw new Error(
        `${file} is damaged (${(err as Error).message}): delete it to make new signing keys (tokens signed with the old ones will no longer verify)`,
      );
    }
  }
  const keys = await processKeys(name, count, subject);
  mkdirSync(dir, { recursive: true });
  const stored: StoredSigningKey[] = keys.map(({ privateKeyPem, certificatePem }) => ({
    privateKeyPem,
    certificatePem,
  }));
  await writeFileAtomic(file, JSON.stringify(stored, null, 2), { mode: 0o600, fsync: true });
  return keys;
}
