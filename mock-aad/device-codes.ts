import { randomInt } from "node:crypto";
import { randomBase64url } from "../core/random.js";
import type { Clock } from "../core/clock.js";
import { updateRecord, type SandboxStore } from "../core/store.js";
import { FORGET_AFTER_MS } from "./authorization-codes.js";

/**
 * Lifetime and polling interval Entra hands out: 900 s, 5 s (the example answer of
 * learn.microsoft.com/entra/identity-platform/v2-oauth2-device-code).
 */
export const DEVICE_CODE_LIFETIME_S = 900;
export const DEVICE_CODE_INTERVAL_S = 5;

export interface DeviceRequest {
  clientId: string;
  scopes: string[];
  authoritySegment: string;
}

type DeviceState =
  | { status: "pending" }
  | { status: "declined" }
  | { status: "approved"; tenantId: string; userObjectId: string }
  | { status: "redeemed" };

interface StoredDeviceCode {
  request: DeviceRequest;
  userCode: string;
  issuedAtMs: number;
  state: DeviceState;
}

export type PollResult =
  | { status: "pending" | "declined" | "expired" | "unknown" | "redeemed" }
  | { status: "approved"; request: DeviceRequest; tenantId: string; userObjectId: string };

// Entra's user codes are 9 characters of upper-case letters and digits without look-alikes.
const USER_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

const KIND = "aad.device-code";
/** The user code a person types, pointing at its device code. */
const USER_CODE_KIND = "aad.device-user-code";
const FORGET_AFTER_ISSUE_MS = DEVICE_CODE_LIFETIME_S * 1000 + FORGET_AFTER_MS;

/** Device codes and the user codes people type on the verification page, kept in the sandbox's store. */
export class DeviceCodes {
  constructor(
    private readonly store: SandboxStore,
    private readonly clock: Clock,
  ) {
    // Lives minutes: a restart of a single process forgets it, as Entra state always was.
    store.declareKind(KIND, "transient");
    store.declareKind(USER_CODE_KIND, "transient");
  }

  async issue(request: DeviceRequest): Promise<{ deviceCode: string; userCode: string }> {
    const deviceCode = `DAQABAAEAAA${randomBase64url(48)}`;
    const userCode = Array.from(
      { length: 9 },
      () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)],
    ).join("");
    const issuedAtMs = this.clock.nowMs();
    const expiresAtMs = issuedAtMs + FORGET_AFTER_ISSUE_MS;
    const stored: StoredDeviceCode = { request, userCode, issuedAtMs, state: { status: "pending" } };
    await this.store.put(KIND, deviceCode, stored, { expiresAtMs });
    await this.store.put(USER_CODE_KIND, userCode, deviceCode, { expiresAtMs });
    return { deviceCode, userCode };
  }

  #expired(stored: StoredDeviceCode): boolean {
    return this.clock.nowMs() - stored.issuedAtMs > DEVICE_CODE_LIFETIME_S * 1000;
  }

  /** The pending request a typed user code refers to, if it is still waiting. */
  async findPending(
    userCode: string,
  ): Promise<{ deviceCode: string; request: DeviceRequest } | "expired" | undefined> {
    const wanted = userCode.trim().toUpperCase();
    const deviceCode = (await this.store.get<string>(USER_CODE_KIND, wanted))?.value;
    if (deviceCode === undefined) return undefined;
    const stored = (await this.store.get<StoredDeviceCode>(KIND, deviceCode))?.value;
    if (stored?.userCode !== wanted || stored.state.status !== "pending") return undefined;
    if (this.#expired(stored)) return "expired";
    return { deviceCode, request: stored.request };
  }

  async approve(deviceCode: string, tenantId: string, userObjectId: string): Promise<void> {
    await this.#settle(deviceCode, { status: "approved", tenantId, userObjectId });
  }

  async decline(deviceCode: string): Promise<void> {
    await this.#settle(deviceCode, { status: "declined" });
  }

  async #settle(deviceCode: string, state: DeviceState): Promise<void> {
    await updateRecord<StoredDeviceCode>(this.store, KIND, deviceCode, (stored) =>
      stored?.state.status === "pending" ? { ...stored, state } : undefined,
    );
  }

  /**
   * One poll from the device: pending until the person finishes, then the approval exactly once (a
   * compare-and-set, so two polls racing at two replicas cannot both get the tokens).
   */
  async poll(deviceCode: string): Promise<PollResult> {
    const found = await this.store.get<StoredDeviceCode>(KIND, deviceCode);
    if (!found) return { status: "unknown" };
    const stored = found.value;
    if (stored.state.status === "redeemed") return { status: "redeemed" };
    if (this.#expired(stored)) return { status: "expired" };
    if (stored.state.status === "approved") {
      const { tenantId, userObjectId } = stored.state;
      const redeemed = { ...stored, state: { status: "redeemed" as const } };
      if (!(await this.store.replace(KIND, deviceCode, found.version, redeemed)))
        return { status: "redeemed" };
      return { status: "approved", request: stored.request, tenantId, userObjectId };
    }
    return { status: stored.state.status };
  }

  size(): Promise<number> {
    return this.store.count(KIND);
  }

  /** Forgets device codes a day past their lifetime, whatever became of them. */
  async sweep(): Promise<void> {
    await this.store.sweep(KIND, this.clock.nowMs());
    await this.store.sweep(USER_CODE_KIND, this.clock.nowMs());
  }

  clear(): Promise<void> {
    return this.store.clear([KIND, USER_CODE_KIND]);
  }
}
