import { randomFillSync } from "node:crypto";

/*
 * Random bytes for the opaque parts of tokens and codes (`uti`, `aio`, `rh`, refresh tokens, codes), from
 * a pool filled by the operating system's CSPRNG a few kilobytes at a time. A token response needs
 * several small random values; one `randomBytes` call per value cost more than the values themselves
 * (node's `randomUUID` pools its entropy the same way). Each byte is handed out once.
 */

const POOL_SIZE = 4096;
const pool = Buffer.alloc(POOL_SIZE);
let offset = POOL_SIZE;

/** `size` fresh random bytes (a copy: the caller may keep them). */
export function randomBytesPooled(size: number): Buffer {
  if (size > POOL_SIZE / 4) return randomFillSync(Buffer.alloc(size));
  if (offset + size > POOL_SIZE) {
    randomFillSync(pool);
    offset = 0;
  }
  const bytes = Buffer.from(pool.subarray(offset, offset + size));
  offset += size;
  return bytes;
}

/** `size` random bytes as base64url text. */
export function randomBase64url(size: number): string {
  return randomBytesPooled(size).toString("base64url");
}
