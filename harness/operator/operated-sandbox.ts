import type { FastifyRequest } from "fastify";
import type { Clock } from "../../core/clock.js";
import type { IdentityRecord } from "../../mock-acs/identities.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import type { World, WorldDocument } from "../sandbox/world.js";
import type { WorkloadIssuer } from "../external/workload-issuer.js";
import type { FaultInjector } from "./faults/injector.js";
import type { Journal } from "./journal.js";

/**
 * What the operator's surfaces (admin API, inspector) need from a sandbox. The composed `Sandbox`
 * (harness/sandbox/sandbox.ts) satisfies it; the operator depends on this and on the sandbox's data
 * modules (world, descriptor), never on the composition that mounts it, so the two do not import each
 * other.
 */
export interface OperatedSandbox {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly faults: FaultInjector;
  readonly world: World;
  /** The sandbox-hosted workload token issuer (`/_sandbox/workload-issuer`). */
  readonly workloadIssuer: WorkloadIssuer;
  /** Key ids of each service's signing keys, so the inspector can say which key signed a token. */
  readonly signingKeyIds: { entra: string[]; acs: string[] };
  /** The origin a request reached the sandbox at. */
  originOf(request: FastifyRequest): string;
  /** The descriptor as seen by the client that asked. */
  descriptorFor(request: FastifyRequest): Descriptor;
  /** The identities an ACS resource has minted. */
  identitiesOf(resourceId: string): Promise<IdentityRecord[]>;
  /** Resolves once every change made so far is kept in the store; rejects (StoreUnavailableError) otherwise. */
  persisted(): Promise<void>;
  /** Why the store cannot be used now, or undefined when it can. */
  storeProblem(): Promise<string | undefined>;
  /** Which store keeps the sandbox's state. */
  readonly store: { readonly kind: string };
  /** Deep-merges a patch into the world, validated and atomic (see `World.patch`). */
  editWorld(patch: unknown, source?: string): WorldDocument;
  replaceWorld(next: World): void;
  /** Back to the starting world and time, with no codes, sessions, identities, faults or journal. */
  reset(): Promise<void>;
}
