import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";
import { AadError } from "./errors.js";
import type { RedirectPlatform } from "./redirect-uris.js";

/*
 * A sign-in in progress in the browser: what the person started (an authorize request, a device code, an
 * admin consent) and how far they got. The pages carry only its opaque id in a hidden `ctx` field, as
 * Entra's pages carry theirs; the request itself stays here, so a page cannot be edited to change it.
 */

/** Where and how the answer goes back to the app. */
export interface AppReturn {
  redirectUri: string;
  responseMode: "query" | "fragment" | "form_post";
  state: string | undefined;
}

export interface AuthorizeInteraction {
  kind: "authorize";
  scope: string;
  platform: RedirectPlatform;
  codeChallenge: string | undefined;
  codeChallengeMethod: string | undefined;
  nonce: string | undefined;
  prompt: string | undefined;
  clientInfo: boolean;
  return: AppReturn;
}

export interface DeviceInteraction {
  kind: "device";
  deviceCode: string;
  scope: string;
  /** The person pressed Continue on "Are you trying to sign in to …?". */
  confirmed: boolean;
}

export interface AdminConsentInteraction {
  kind: "admin_consent";
  /** v2 names scopes (`…/.default`); v1 consents to the app's requiredResourceAccess. */
  version: 1 | 2;
  scope: string | undefined;
  /** Absent when the app has no redirect URI at all (AADSTS500113 after the approval is stored). */
  return: AppReturn | undefined;
}

export type InteractionRequest = AuthorizeInteraction | DeviceInteraction | AdminConsentInteraction;

export interface Interaction {
  id: string;
  /** The authority path segment the flow started at (`common`, a tenant id, a domain). */
  authority: string;
  clientId: string;
  correlationId: string;
  loginHint: string | undefined;
  request: InteractionRequest;
  /** The `esctx` cookie of the browser that started it; every post must carry the same (browser-binding.ts). */
  browser: string;
  /** The address the browser connected from, for the per-address bound on sign-ins in progress. */
  clientAddress: string;
  /** Set once the person signed in (or a session cookie identified them). */
  user: { tenantId: string; objectId: string } | undefined;
  /** Consent the person is being asked for, when a consent page is showing. */
  consent: { grants: { resourceAppId: string; scopes: string[] }[]; forOrganization: boolean } | undefined;
  createdAtMs: number;
}

/** [infer] How long a sign-in page may stay open: Entra's flow tokens last about an hour. */
const INTERACTION_LIFETIME_MS = 60 * 60_000;
const MAX_PENDING_INTERACTIONS = 10_000;
/** [infer] Sign-ins one client address may have in progress at once before Entra's throttling answer. */
export const MAX_PENDING_PER_ADDRESS = 1_000;

/** Sign-ins in progress, keyed by the opaque `ctx` the pages carry. */
export class Interactions {
  #pending = new Map<string, Interaction>();
  #perAddress = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /**
   * Entra's throttling answer when `clientAddress` already has too many sign-ins in progress, so one
   * client flooding /authorize is refused while everyone else still signs in. Expired ones are swept first.
   */
  throttle(clientAddress: string): AadError | undefined {
    if ((this.#perAddress.get(clientAddress) ?? 0) < MAX_PENDING_PER_ADDRESS) return undefined;
    this.sweep();
    if ((this.#perAddress.get(clientAddress) ?? 0) < MAX_PENDING_PER_ADDRESS) return undefined;
    return new AadError("AADSTS50196");
  }

  #forget(id: string): void {
    const found = this.#pending.get(id);
    if (!found) return;
    this.#pending.delete(id);
    const left = (this.#perAddress.get(found.clientAddress) ?? 1) - 1;
    if (left > 0) this.#perAddress.set(found.clientAddress, left);
    else this.#perAddress.delete(found.clientAddress);
  }

  start(
    fields: Pick<
      Interaction,
      "authority" | "clientId" | "correlationId" | "loginHint" | "request" | "browser" | "clientAddress"
    >,
  ): Interaction {
    const interaction: Interaction = {
      ...fields,
      id: randomBytes(24).toString("base64url"),
      user: undefined,
      consent: undefined,
      createdAtMs: this.clock.nowMs(),
    };
    this.#pending.set(interaction.id, interaction);
    this.#perAddress.set(
      interaction.clientAddress,
      (this.#perAddress.get(interaction.clientAddress) ?? 0) + 1,
    );
    // [infer] A bound on sign-ins in progress, so a flood of /authorize cannot grow memory without end:
    // past it the oldest is forgotten (Map order is creation order).
    if (this.#pending.size > MAX_PENDING_INTERACTIONS) {
      this.#forget(this.#pending.keys().next().value!);
    }
    return interaction;
  }

  get(id: string | undefined): Interaction | undefined {
    if (!id) return undefined;
    const found = this.#pending.get(id);
    if (found && this.clock.nowMs() - found.createdAtMs > INTERACTION_LIFETIME_MS) {
      this.#forget(id);
      return undefined;
    }
    return found;
  }

  /** A finished sign-in cannot be replayed by posting its page again. */
  finish(id: string): void {
    this.#forget(id);
  }

  /** How many sign-ins are in progress (abandoned ones included until swept). */
  get size(): number {
    return this.#pending.size;
  }

  /** Forgets sign-ins abandoned past their lifetime (an expired one is already treated as unknown). */
  sweep(): void {
    const cutoff = this.clock.nowMs() - INTERACTION_LIFETIME_MS;
    for (const [id, interaction] of this.#pending) {
      if (interaction.createdAtMs < cutoff) this.#forget(id);
    }
  }

  clear(): void {
    this.#pending.clear();
    this.#perAddress.clear();
  }
}
