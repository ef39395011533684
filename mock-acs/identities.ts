import { randomBytesPooled } from "../core/random.js";
import type { Clock } from "../core/clock.js";
import { updateRecord, type SandboxStore } from "../core/store.js";
import { GUID_PATTERN } from "../core/ids.js";
import type { IdentityRecord } from "./identity-record.js";

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
  const random = randomBytesPooled(8).toString("hex");
  return `${time.slice(0, 8)}-${time.slice(8)}-${seq}-${random.slice(0, 4)}-${random.slice(4)}`;
}

const KIND = "acs.identity";
/** A create's Repeatability-Request-ID (per resource), pointing at the identity it made. */
const REPEATABILITY_KIND = "acs.identity-repeatability";
/** A live identity's customId (per resource), pointing at it. */
const CUSTOM_ID_KIND = "acs.identity-custom-id";
const KINDS = [KIND, REPEATABILITY_KIND, CUSTOM_ID_KIND];

/**
 * The identities each resource minted, kept in the sandbox's store (grouped by resource). Every change
 * resolves once the store holds it, so a reply never promises more than the store keeps; every read
 * asks the store, so a revocation at one replica holds at the next request anywhere.
 */
export class IdentityStore {
  #lastMs = -1;
  #sequence = 0;

  constructor(
    private readonly clock: Clock,
    private readonly store: SandboxStore,
  ) {
    // Identities are what an ACS resource owns: they survive restarts (fsynced before the answer).
    for (const kind of KINDS) store.declareKind(kind, "durable");
  }

  async get(id: string): Promise<IdentityRecord | undefined> {
    return (await this.store.get<IdentityRecord>(KIND, id))?.value;
  }

  /** Every identity a resource minted, oldest first (deleted ones included, marked). */
  async list(resourceId: string): Promise<IdentityRecord[]> {
    return (await this.store.list<IdentityRecord>(KIND, resourceId)).map((r) => r.value);
  }

  async findByRepeatabilityId(resourceId: string, requestId: string): Promise<IdentityRecord | undefined> {
    const id = (await this.store.get<string>(REPEATABILITY_KIND, `${resourceId}/${requestId}`))?.value;
    return id === undefined ? undefined : this.get(id);
  }

  /** [infer] A deleted identity no longer holds its `customId`: a create repeating it mints a new one. */
  async findByCustomId(resourceId: string, customId: string): Promise<IdentityRecord | undefined> {
    const id = (await this.store.get<string>(CUSTOM_ID_KIND, `${resourceId}/${customId}`))?.value;
    const record = id === undefined ? undefined : await this.get(id);
    return record?.deletedAtMs === undefined ? record : undefined;
  }

  /**
   * Mints an identity; resolves once it is kept. A `customId` or Repeatability-Request-ID another create
   * claimed first (at this or another replica) answers with that create's identity instead.
   */
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
    if (repeatabilityRequestId) {
      const key = `${resourceId}/${repeatabilityRequestId}`;
      if (!(await this.store.insert(REPEATABILITY_KIND, key, record.id))) {
        const earlier = await this.findByRepeatabilityId(resourceId, repeatabilityRequestId);
        if (earlier) return earlier;
        await this.store.put(REPEATABILITY_KIND, key, record.id);
      }
    }
    if (customId !== undefined) {
      const key = `${resourceId}/${customId}`;
      if (!(await this.store.insert(CUSTOM_ID_KIND, key, record.id))) {
        const earlier = await this.findByCustomId(resourceId, customId);
        if (earlier) return earlier;
        await this.store.put(CUSTOM_ID_KIND, key, record.id);
      }
    }
    await this.store.put(KIND, record.id, record, { group: resourceId });
    return record;
  }

  async delete(record: IdentityRecord): Promise<IdentityRecord> {
    const deleted = await this.#change(record, (r) =>
      r.deletedAtMs === undefined ? { ...r, deletedAtMs: this.clock.nowMs() } : undefined,
    );
    if (record.customId !== undefined) {
      const key = `${record.resourceId}/${record.customId}`;
      if ((await this.store.get<string>(CUSTOM_ID_KIND, key))?.value === record.id) {
        await this.store.delete(CUSTOM_ID_KIND, key);
      }
    }
    return deleted;
  }

  noteTokenIssued(record: IdentityRecord, issuedAt: number): Promise<IdentityRecord> {
    return this.#change(record, (r) => ({ ...r, lastTokenIssuedAtSeconds: issuedAt }));
  }

  revoke(record: IdentityRecord): Promise<IdentityRecord> {
    const now = this.clock.nowSeconds();
    return this.#change(record, (r) => ({ ...r, revokedAtSeconds: Math.max(now, r.revokedAtSeconds ?? 0) }));
  }

  /** One field of an identity changed as a compare-and-set, so changes at two replicas both hold. */
  async #change(
    record: IdentityRecord,
    change: (current: IdentityRecord) => IdentityRecord | undefined,
  ): Promise<IdentityRecord> {
    const written = await updateRecord<IdentityRecord>(
      this.store,
      KIND,
      record.id,
      (current) => change(current ?? record),
      { group: record.resourceId },
    );
    return written ?? record;
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

  clear(): Promise<void> {
    return this.store.clear(KINDS);
  }
}
