import type { SandboxStore } from "../../core/store.js";
import { loadSigningKey, processKeys, type SigningKey, type StoredSigningKey } from "../../core/keyset.js";
import { KEY_SETS, type KeySetName } from "./keys.js";

/**
 * Signing keys kept in a shared store (PostgreSQL), so every replica signs with the same keys and a token
 * one replica issued verifies at the other. The first replica to start makes them; a replica that raced
 * it takes the stored ones. Read once per replica start: keys never change while it runs.
 */
export async function storedSigningKeys(store: SandboxStore, name: KeySetName): Promise<SigningKey[]> {
  const document = `keys.${name}`;
  let stored = await store.readDocument<StoredSigningKey[]>(document);
  if (!stored) {
    const { count, subject } = KEY_SETS[name];
    const made = await processKeys(`${name}-shared`, count, subject);
    const value: StoredSigningKey[] = made.map(({ privateKeyPem, certificatePem }) => ({
      privateKeyPem,
      certificatePem,
    }));
    if ((await store.writeDocument(document, value, 0)) !== undefined) return made;
    stored = await store.readDocument<StoredSigningKey[]>(document);
    if (!stored) throw new Error(`The store lost the signing keys "${name}" while they were written`);
  }
  return Promise.all(stored.value.map(loadSigningKey));
}
