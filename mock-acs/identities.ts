import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { GUID_PATTERN } from "../core/ids.js";
import type { IdentityRecord } from "./identity-record.js";
import type { IdentityFile } from "./persistence.js";

export type { IdentityRecord } from "./identity-record.js";

/*
 * The identities each resource has minted: who exists, who was deleted, and since when each one's
 * tokens are revoked. Revocation is a time per identity, not a list of tokens: every token issued at or
 * before it is void, every later one is good.
 */

const ACS_USER_ID = new RegExp(`^8:acs:(${GUID_PATTERN})_(.+)$`, "i");

/** The resource id inside an ACS user id, or undefined when the id is not one. */
export function resourceIdOf(identityId: string): string | undefined {
  return ACS_USER_ID.exec(identityId)?.[1]?.toLowerCase();
}

/**
 * [infer] A GUID-shaped suffix whose first 12 hex digits are the creation time in milliseconds, so ids
 * sort by creation like the real ones (`00000017-3c49-0018-…`); the real encoding is not public.
 */
function timeOrderedSuffix(nowMs: number, sequence: number): string {
  const time = Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, "0").slice(-12);
  const seq = (sequence & 0xffff).toString(16).padStart(4, "0");
  const random = randomBytes(8).toString("hex");
  return `${time.slice(0, 8)}-${time.slice(8)}-${seq}-${random.slice(0, 4)}-${random.slice(4)}`;
}

export class IdentityStore {
  #records = new Map<string, IdentityRecord>();
  #lastMs = -1;
  #sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly file: IdentityFile | undefined,
  ) {}

  /** Loads what a previous run acknowledged. */
  async load(): Promise<void> {
    if (!this.file) return;
    for (const record of await this.file.read()) this.#records.set(record.id, record);
  }

  get(id: string): IdentityRecord | undefined {
    return this.#records.get(id);
  }

  /** Every identity a resource minted, oldest first (deleted ones included, marked). */
  list(resourceId: string): IdentityRecord[] {
    return [...this.#records.values()].filter((r) => r.resourceId === resourceId);
  }

  findByRepeatabilityId(resourceId: string, requestId: string): IdentityRecord | undefined {
    for (const record of this.#records.values()) {
      if (record.resourceId === resourceId && record.repeatabilityRequestId === requestId) return record;
    }
    return undefined;
  }

  /** [infer] A deleted identity no longer holds its `customId`: a create repeating it mints a new one. */
  findByCustomId(resourceId: string, customId: string): IdentityRecord | undefined {
    for (const record of this.#records.values()) {
      if (
        record.resourceId === resourceId &&
        record.customId === customId &&
        record.deletedAtMs === undefined
      )
        return record;
    }
    return undefined;
  }

  /** Mints an identity; resolves once it is durable, so the reply never promises more than the disk holds. */
  async create(
    resourceId: string,
    options: { repeatabilityRequestId?: string; customId?: string } = {},
  ): Promise<IdentityRecord> {
    const { repeatabilityRequestId, customId } = options;
    const nowMs = this.clock.nowMs();
    this.#sequence = nowMs === this.#lastMs ? this.#sequence + 1 : 0;
    this.#lastMs = nowMs;
    const record: IdentityRecord = {
      id: `8:acs:${resourceId}_${timeOrderedSuffix(nowMs, this.#sequence)}`,
      resourceId,
      createdAtMs: nowMs,
      ...(repeatabilityRequestId ? { repeatabilityRequestId } : {}),
      ...(customId !== undefined ? { customId } : {}),
    };
    await this.file?.write(record);
    this.#records.set(record.id, record);
    return record;
  }

  async delete(record: IdentityRecord): Promise<void> {
    record.deletedAtMs ??= this.clock.nowMs();
    await this.file?.write(record);
  }

  async noteTokenIssued(record: IdentityRecord, issuedAt: number): Promise<void> {
    record.lastTokenIssuedAtSeconds = issuedAt;
    await this.file?.write(record);
  }

  async revoke(record: IdentityRecord): Promise<void> {
    record.revokedAtSeconds = this.clock.nowSeconds();
    await this.file?.write(record);
  }

  /**
   * `iat` for a token issued now. JWT times are whole seconds, so a token issued in the same second as
   * a revocation is dated one second later; otherwise it would count as revoked.
   */
  issuedAtFor(record: IdentityRecord): number {
    const now = this.clock.nowSeconds();
    return record.revokedAtSeconds !== undefined ? Math.max(now, record.revokedAtSeconds + 1) : now;
  }

  isRevoked(record: IdentityRecord, issuedAt: number): boolean {
    return record.revokedAtSeconds !== undefined && issuedAt <= record.revokedAtSeconds;
  }

  async clear(): Promise<void> {
    this.#records.clear();
    await this.file?.remove();
  }

  /** Lets go of the data file (the database checkpoints and removes its log). */
  close(): void {
    this.file?.close();
  }
}
