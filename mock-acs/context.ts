import type { FastifyRequest } from "fastify";
import type { JWTVerifyGetKey } from "jose";
import type { Clock } from "../core/clock.js";
import type { KeySet } from "../core/keyset.js";
import type { SandboxStore } from "../core/store.js";
import type { ArmDocument, ArmWorld } from "./arm/model.js";
import type { AcsResource } from "./resources.js";

/**
 * What the fake ACS Identity service needs from its host. Like the real service, it trusts Entra only
 * through Entra's signing keys (`entraKeys`), never by reaching into the fake Entra ID.
 */
export interface AcsContext {
  clock: Clock;
  /** Keys ACS signs its own access tokens with. */
  keys: KeySet;
  /** Resolves Entra's signing keys by `kid`, for Teams token exchange and bearer auth. */
  entraKeys: JWTVerifyGetKey;
  resources(): AcsResource[];
  /** Azure Resource Manager's view of the world: tenants, subscriptions, resource groups, role assignments. */
  arm(): ArmWorld;
  /**
   * Changes the ACS half of the world (resources, their keys, subscriptions, role assignments) through the
   * world's one edit path: re-validated, at once visible to HMAC, RBAC and the descriptor, undone by reset.
   * Rejects (and changes nothing) when the result does not validate or the store is unavailable;
   * resolves once the change is kept.
   */
  editResources(change: (doc: ArmDocument) => void): Promise<void>;
  /** The resource a request is addressed to (by host), or undefined when none matches. */
  resourceFor(request: FastifyRequest): AcsResource | undefined;
  /** Accept any api-version as the newest (Azurite's `--loose`). */
  looseApiVersion: boolean;
  /** Where identities and access assignments are kept. */
  store: SandboxStore;
  /**
   * Whether a Teams user holds a Teams licence: a world fact ACS would learn from Teams, since the Entra
   * token does not carry it. Undefined (no lookup, or a user the world does not know) lets the exchange pass.
   */
  teamsLicense?: (tenantId: string, objectId: string) => boolean | undefined;
}
