import { mkdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import {
  generateSigningKey,
  loadSigningKey,
  processKeys,
  type KeysInTheMaking,
  type SigningKey,
  type StoredSigningKey,
} from "../../core/keyset.js";

/** Who signs what: Entra's token keys (two published, one active), ACS's own, the workload issuer's. */
export const KEY_SETS = {
  aad: { count: 2, subject: "accounts.accesscontrol.windows.net" },
  acs: { count: 1, subject: "communication.azure.com" },
  /** The sandbox-hosted workload issuer (a Kubernetes service account issuer's stand-in). */
  workload: { count: 1, subject: "workload-issuer" },
} as const;

export type KeySetName = keyof typeof KEY_SETS;

/** Keys that are all there at once. */
export function keysAtOnce(keys: Promise<readonly SigningKey[]>): KeysInTheMaking {
  return { signing: keys, whole: keys };
}

/**
 * Signing keys of one sandbox. Without a folder they are made once per process (cheap for test runs);
 * with one (`<dataDir>/keys/`, or beside the CA for `serve`) they are kept there, so a restart skips
 * three RSA generations and tokens issued before it still verify after it, as identities do.
 *
 * A fresh folder's keys are made in two steps. The first key (the one that signs) is made and kept,
 * then the others, which Entra only publishes: a fresh `serve` then answers after two RSA generations
 * (this set's first and ACS's) instead of three at once on a machine of two cores, and a token it signs
 * is kept verifiable from the start. A set found on disk with fewer keys than it should have (a start
 * stopped between the steps) is completed the same way.
 */
export function signingKeys(name: KeySetName, dir: string | undefined): KeysInTheMaking {
  if (!dir) return keysAtOnce(processKeys(name, KEY_SETS[name].count, KEY_SETS[name].subject));
  const file = join(dir, `${name}.json`);
  // Being made, by an early start (below) or another sandbox of this process: one making per file
  // until its whole set is kept, though the file holds the first key before that.
  const making = inTheMaking.get(file);
  if (making) return making;
  // Read once per process while the file stays as it was: every sandbox a test file starts uses them.
  const stat = statSync(file, { throwIfNoEntry: false });
  if (!stat) {
    const keys = keptKeys(name, dir, file, false);
    inTheMaking.set(file, keys);
    void keys.whole.catch(() => {}).finally(() => inTheMaking.delete(file));
    return keys;
  }
  const version = `${file}:${stat.mtimeMs}:${stat.size}`;
  let keys = kept.get(version);
  if (!keys) {
    keys = keptKeys(name, dir, file, true);
    kept.set(version, keys);
    keys.whole.catch(() => kept.delete(version));
  }
  return keys;
}

const kept = new Map<string, KeysInTheMaking>();
const inTheMaking = new Map<string, KeysInTheMaking>();

/**
 * Starts reading or making the keys a sandbox signs with in `dir`, so a fresh `serve` generates its RSA
 * keys on the thread pool while it makes its CA and certificate; the sandbox takes them when it asks.
 * A failure is left for that call to report.
 */
export function prepareSigningKeys(dir: string): void {
  for (const name of ["aad", "acs"] as const) {
    const keys = signingKeys(name, dir);
    void keys.signing.catch(() => {});
    void keys.whole.catch(() => {});
  }
}

function keptKeys(name: KeySetName, dir: string, file: string, onDisk: boolean): KeysInTheMaking {
  const { count, subject } = KEY_SETS[name];
  const signing = onDisk
    ? readKeys(file, count)
    : generateSigningKey(subject).then(async (first): Promise<readonly SigningKey[]> => {
        await keep(dir, file, [first]);
        return [first];
      });
  // Whatever the set lacks is made while the sandbox already answers.
  const whole = signing.then(async (keys) => {
    if (keys.length >= count) return keys;
    const rest = await Promise.all(
      Array.from({ length: count - keys.length }, () => generateSigningKey(subject)),
    );
    const all = [...keys, ...rest];
    await keep(dir, file, all);
    return all;
  });
  return { signing, whole };
}

async function readKeys(file: string, count: number): Promise<readonly SigningKey[]> {
  try {
    const stored = JSON.parse(readFileSync(file, "utf8")) as StoredSigningKey[];
    if (!Array.isArray(stored) || stored.length === 0 || stored.length > count) {
      throw new Error(`expected ${count} keys`);
    }
    return await Promise.all(stored.map(loadSigningKey));
  } catch (err) {
    throw new Error(
      `${file} is damaged (${(err as Error).message}): delete it to make new signing keys (tokens signed with the old ones will no longer verify)`,
    );
  }
}

async function keep(dir: string, file: string, keys: readonly SigningKey[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const stored: StoredSigningKey[] = keys.map(({ privateKeyPem, certificatePem }) => ({
    privateKeyPem,
    certificatePem,
  }));
  await writeFileAtomic(file, JSON.stringify(stored, null, 2), { mode: 0o600, fsync: true });
}
