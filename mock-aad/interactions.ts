import { randomBase64url } from "../core/random.js";
import type { FastifyRequest } from "fastify";
import type { Clock } from "../core/clock.js";
import type { SandboxStore } from "../core/store.js";
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

const KIND = "aad.interaction";

/**
 * Sign-ins in progress, keyed by the opaque `ctx` the pages carry, kept in the sandbox's store (grouped by
 * client address for the per-address bound). A route works on a copy: `get` and `start` remember it for
 * the request, and the plugin's `onSend` hook writes it back (`saveTracked`) before the page goes out, so
 * the next post, at whichever replica, finds the sign-in as this page left it.
 */
export class Interactions {
  #tracked = new WeakMap<FastifyRequest, Interaction>();
  #finished = new WeakSet<Interaction>();

  constructor(
    private readonly store: SandboxStore,
    private readonly clock: Clock,
  ) {
    // A sign-in page in progress: minutes, never worth an fsync.
    store.declareKind(KIND, "transient");
  }

  /**
   * Entra's throttling answer when `clientAddress` already has too many sign-ins in progress, so one
   * client flooding /authorize is refused while everyone else still signs in. Expired ones are swept first.
   */
  async throttle(clientAddress: string): Promise<AadError | undefined> {
    if ((await this.store.count(KIND, clientAddress)) < MAX_PENDING_PER_ADDRESS) return undefined;
    await this.sweep();
    if ((await this.store.count(KIND, clientAddress)) < MAX_PENDING_PER_ADDRESS) return undefined;
    return new AadError("AADSTS50196");
  }

  async start(
    fields: Pick<
      Interaction,
      "authority" | "clientId" | "correlationId" | "loginHint" | "request" | "browser" | "clientAddress"
    >,
    request?: FastifyRequest,
  ): Promise<Interaction> {
    const interaction: Interaction = {
      ...fields,
      id: randomBase64url(24),
      user: undefined,
      consent: undefined,
      createdAtMs: this.clock.nowMs(),
    };
    await this.store.put(KIND, interaction.id, interaction, {
      group: interaction.clientAddress,
      expiresAtMs: interaction.createdAtMs + INTERACTION_LIFETIME_MS,
    });
    // [infer] A bound on sign-ins in progress, so a flood of /authorize cannot grow the store without
    // end: past it the oldest are forgotten.
    if ((await this.store.count(KIND)) > MAX_PENDING_INTERACTIONS) {
      await this.store.trim(KIND, MAX_PENDING_INTERACTIONS);
    }
    if (request) this.#tracked.set(request, interaction);
    return interaction;
  }

  /** A copy of the sign-in `id`, remembered for `request` so changes to it are written back. */
  async get(id: string | undefined, request?: FastifyRequest): Promise<Interaction | undefined> {
    if (!id) return undefined;
    const found = (await this.store.get<Interaction>(KIND, id))?.value;
    if (!found) return undefined;
    if (this.clock.nowMs() - found.createdAtMs > INTERACTION_LIFETIME_MS) {
      await this.store.delete(KIND, id);
      return undefined;
    }
    const copy = structuredClone(found);
    if (request) this.#tracked.set(request, copy);
    return copy;
  }

  /** Writes back the sign-in a request worked on, unless it finished (a finished one stays gone). */
  saveTracked(request: FastifyRequest): Promise<void> | undefined {
    const interaction = this.#tracked.get(request);
    if (!interaction) return undefined;
    this.#tracked.delete(request);
    if (this.#finished.has(interaction)) return undefined;
    return this.store.put(KIND, interaction.id, interaction, {
      group: interaction.clientAddress,
      expiresAtMs: interaction.createdAtMs + INTERACTION_LIFETIME_MS,
    });
  }

  /** A finished sign-in cannot be replayed by posting its page again. */
  async finish(interaction: Interaction): Promise<void> {
    this.#finished.add(interaction);
    await this.store.delete(KIND, interaction.id);
  }

  /** How many sign-ins are in progress (abandoned ones included until swept). */
  size(): Promise<number> {
    return this.store.count(KIND);
  }

  /** Forgets sign-ins abandoned past their lifetime (an expired one is already treated as unknown). */
  sweep(): Promise<void> {
    return this.store.sweep(KIND, this.clock.nowMs());
  }

  clear(): Promise<void> {
    return this.store.clear([KIND]);
  }
}
