import { randomBytes, randomInt } from "node:crypto";
import type { Clock } from "../core/clock.js";
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

/** Device codes and the user codes people type on the verification page. */
export class DeviceCodes {
  #byDeviceCode = new Map<string, StoredDeviceCode>();

  constructor(private readonly clock: Clock) {}

  issue(request: DeviceRequest): { deviceCode: string; userCode: string } {
    const deviceCode = `DAQABAAEAAA${randomBytes(48).toString("base64url")}`;
    const userCode = Array.from(
      { length: 9 },
      () => USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)],
    ).join("");
    this.#byDeviceCode.set(deviceCode, {
      request,
      userCode,
      issuedAtMs: this.clock.nowMs(),
      state: { status: "pending" },
    });
    return { deviceCode, userCode };
  }

  #expired(stored: StoredDeviceCode): boolean {
    return this.clock.nowMs() - stored.issuedAtMs > DEVICE_CODE_LIFETIME_S * 1000;
  }

  /** The pending request a typed user code refers to, if it is still waiting. */
  findPending(userCode: string): { deviceCode: string; request: DeviceRequest } | "expired" | undefined {
    const wanted = userCode.trim().toUpperCase();
    for (const [deviceCode, stored] of this.#byDeviceCode) {
      if (stored.userCode !== wanted || stored.state.status !== "pending") continue;
      if (this.#expired(stored)) return "expired";
      return { deviceCode, request: stored.request };
    }
    return undefined;
  }

  approve(deviceCode: string, tenantId: string, userObjectId: string): void {
    const stored = this.#byDeviceCode.get(deviceCode);
    if (stored?.state.status === "pending") stored.state = { status: "approved", tenantId, userObjectId };
  }

  decline(deviceCode: string): void {
    const stored = this.#byDeviceCode.get(deviceCode);
    if (stored?.state.status === "pending") stored.state = { status: "declined" };
  }

  /** One poll from the device: pending until the person finishes, then the approval exactly once. */
  poll(deviceCode: string): PollResult {
    const stored = this.#byDeviceCode.get(deviceCode);
    if (!stored) return { status: "unknown" };
    if (stored.state.status === "redeemed") return { status: "redeemed" };
    if (this.#expired(stored)) return { status: "expired" };
    if (stored.state.status === "approved") {
      const { tenantId, userObjectId } = stored.state;
      stored.state = { status: "redeemed" };
      return { status: "approved", request: stored.request, tenantId, userObjectId };
    }
    return { status: stored.state.status };
  }

  get size(): number {
    return this.#byDeviceCode.size;
  }

  /** Forgets device codes a day past their lifetime, whatever became of them. */
  sweep(): void {
    const cutoff = this.clock.nowMs() - DEVICE_CODE_LIFETIME_S * 1000 - FORGET_AFTER_MS;
    for (const [code, stored] of this.#byDeviceCode) {
      if (stored.issuedAtMs < cutoff) this.#byDeviceCode.delete(code);
    }
  }

  clear(): void {
    this.#byDeviceCode.clear();
  }
}
