import { mkdir, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
import writeFileAtomic from "write-file-atomic";
import type { IdentityFile, IdentityRecord } from "./identities.js";

export type { IdentityFile };

/*
 * Durable identity state for `--data-dir`. Each change rewrites one small JSON file atomically (temp
 * file, fsync, rename), and the store awaits it before replying: a process killed at any point leaves
 * either the old or the new file, never a torn one, and never loses an acknowledged change.
 */

const FILE_NAME = "acs-identities.json";
const FORMAT_VERSION = 1;

/**
 * @example
 * const file = identityFile("/var/lib/acs-sandbox");
 * await file.write(records); // durable when this resolves
 */
export function identityFile(dataDir: string): IdentityFile {
  const path = join(dataDir, FILE_NAME);
  // Writes are chained so a slow earlier snapshot can never land after a newer one.
  let queue: Promise<void> = Promise.resolve();
  return {
    async read() {
      let text: string;
      try {
        text = await readFile(path, "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
        throw err;
      }
      const doc = JSON.parse(text) as { version?: number; identities?: IdentityRecord[] };
      if (doc.version !== FORMAT_VERSION || !Array.isArray(doc.identities)) {
        throw new Error(`${path} is not an acs-sandbox identity file (version ${FORMAT_VERSION})`);
      }
      return doc.identities;
    },
    write(records) {
      const text = JSON.stringify({ version: FORMAT_VERSION, identities: records });
      const next = queue.then(async () => {
        await mkdir(dataDir, { recursive: true });
        await writeFileAtomic(path, text, { fsync: true });
      });
      queue = next.catch(() => {});
      return next;
    },
    async remove() {
      await queue;
      await rm(path, { force: true });
    },
  };
}
