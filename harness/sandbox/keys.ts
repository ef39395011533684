import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import { loadSigningKey, processKeys, type SigningKey, type StoredSigningKey } from "../../core/keyset.js";

/** Who signs what: Entra's token keys (two published, one active) and ACS's own. */
const KEY_SETS = {
  aad: { count: 2, subject: "accounts.accesscontrol.windows.net" },
  acs: { count: 1, subject: "communication.azure.com" },
} as const;

export type KeySetName = keyof typeof KEY_SETS;

/**
 * Signing keys of one sandbox. Without a folder they are made once per process (cheap for test runs);
 * with one (`<dataDir>/keys/`, or beside the CA for `serve`) they are kept there, so a restart skips
 * three RSA generations and tokens issued before it still verify after it, as identities do.
 */
export async function signingKeys(name: KeySetName, dir: string | undefined): Promise<SigningKey[]> {
  const { count, subject } = KEY_SETS[name];
  if (!dir) return processKeys(name, count, subject);
  const file = join(dir, `${name}.json`);
  if (existsSync(file)) {
    const stored = JSON.parse(readFileSync(file, "utf8")) as StoredSigningKey[];
    return Promise.all(stored.map(loadSigningKey));
  }
  const keys = await processKeys(name, count, subject);
  mkdirSync(dir, { recursive: true });
  const stored: StoredSigningKey[] = keys.map(({ privateKeyPem, certificatePem }) => ({
    privateKeyPem,
    certificatePem,
  }));
  await writeFileAtomic(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  return keys;
}
