import { join } from "node:path";
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from "fastify";
import { createLocalJWKSet, type JWTVerifyGetKey } from "jose";
import { Clock } from "../../core/clock.js";
import { Scheduler } from "../../core/scheduler.js";
import { KeySet } from "../../core/keyset.js";
import type { SandboxStore } from "../../core/store.js";
import { SharedState } from "./shared-state.js";
import { storedSigningKeys } from "./stored-keys.js";
import { mockAad, type MockAad } from "../../mock-aad/index.js";
import { mockAcs, type AcsContext, type MockAcs } from "../../mock-acs/index.js";
import { mockArm, type MockArm } from "../../mock-acs/arm/index.js";
import type { AcsResource } from "../../mock-acs/resources.js";
import { buildApp, type SandboxFailure } from "./app.js";
import { buildDescriptor, canonicalOrigin, type Descriptor, type Port443 } from "./descriptor.js";
import { FaultInjector } from "../operator/faults/injector.js";
import { StoredFaultCounts } from "../operator/faults/stored-counts.js";
import { DebugLog } from "../operator/debug-log.js";
import { Journal } from "../operator/journal.js";
import { keysAtOnce, signingKeys } from "./keys.js";
import { WorkloadIssuer } from "../external/workload-issuer.js";
import { adminRoutes } from "../operator/admin.js";
import type { OperatedSandbox } from "../operator/operated-sandbox.js";
import { World, type WorldDocument } from "./world.js";
import { openStore } from "../store/index.js";

export interface SandboxCoreOptions {
  world: World;
  mode: Descriptor["mode"];
  /** Fixed public origin (`--public-url`); otherwise taken from each request's Host. */
  publicUrl?: string | undefined;
  looseApiVersion?: boolean;
  dataDir?: string | undefined;
  /**
   * Where state is kept (harness/store): the sandbox owns it from here and closes it. Default: SQLite in
   * `dataDir`, or memory without one.
   */
  store?: SandboxStore | undefined;
  /** Where the signing keys are kept; default `<dataDir>/keys`, or made per process without a data dir. */
  keysDir?: string | undefined;
  https?: { key: string; cert: string };
  caCertPath?: string | null;
  /** Sandbox time to start at (ISO); default: now. */
  startTime?: string;
  /** Extra fastify plugins served beside the mocks, journaled like them. */
  plugins?: FastifyPluginAsync[] | undefined;
  /** Appends every journal entry, failures with their stack, to this file (`--debug`). */
  debugLogPath?: string | undefined;
  /** When set, the admin API wants `Authorization: Bearer <adminToken>` (`--admin-token`). */
  adminToken?: string | undefined;
  /** Polling interval device code responses announce, in ms (see StartSandboxOptions). */
  deviceCodeIntervalMs?: number;
}

/** The host name an ACS request was addressed to, minus port, lower-case. */
function hostName(request: FastifyRequest): string {
  return (request.headers.host ?? "").replace(/:\d+$/, "").toLowerCase();
}

/** Where clients reach the sandbox, once its transport knows (server mode: after it listens). */
export interface SandboxAddress {
  /** The origin the descriptor names when no request tells (`https://localhost:8443`). */
  origin: string;
  /** Server mode: the second listener on 443, when one was asked for (see Descriptor.port443). */
  port443?: Port443 | undefined;
}

/** Until a transport says otherwise, the sandbox stands where intercept mode puts it: Entra's own host. */
const INTERCEPTED_ORIGIN = "https://login.microsoftonline.com";

/**
 * One sandbox: world, clock, keys, both mocks and the admin API in one fastify app. Transports (server,
 * intercept) wrap it; everything stateful lives here so `reset()` can restore the starting point. It
 * gives the operator's surfaces (admin API, inspector) what they need as an {@link OperatedSandbox}.
 */
export class Sandbox implements OperatedSandbox {
  readonly clock: Clock;
  readonly journal: Journal;
  readonly store: SandboxStore;
  readonly #shared: SharedState;
  /** Waits that faults add (latency, held connections); cancelled on close. */
  readonly scheduler = new Scheduler();
  readonly faults: FaultInjector;
  readonly world: World;
  readonly mode: Descriptor["mode"];
  #initialWorld: World;
  #aad!: MockAad;
  #acs!: MockAcs;
  #arm!: MockArm;
  #app!: FastifyInstance;
  #workloadIssuer!: WorkloadIssuer;
  #options: SandboxCoreOptions;
  #keySets: { entra: KeySet; acs: KeySet } | undefined;
  #debugLog: DebugLog | undefined;
  #address: SandboxAddress = { origin: INTERCEPTED_ORIGIN };

  private constructor(options: SandboxCoreOptions, store: SandboxStore) {
    this.#options = options;
    this.mode = options.mode;
    this.store = store;
    this.clock = new Clock(options.startTime);
    this.faults = new FaultInjector(this.clock, new StoredFaultCounts(store));
    this.#initialWorld = options.world;
    this.world = new World(options.world.document);
    this.journal = new Journal(store);
    this.#shared = new SharedState({
      store,
      world: this.world,
      initialWorld: this.#initialWorld,
      clock: this.clock,
      faults: this.faults,
      startTime: options.startTime,
    });
  }

  static async create(options: SandboxCoreOptions): Promise<Sandbox> {
    const store = options.store ?? (await openStore({ dataDir: options.dataDir }));
    const sandbox = new Sandbox(options, store);
    try {
      await sandbox.#shared.start();
      await sandbox.#init();
    } catch (err) {
      // Keys that could not be read or made fail the start after the app was built.
      await (sandbox.#app as FastifyInstance | undefined)?.close();
      await store.close();
      throw err;
    }
    return sandbox;
  }

  /** Before each request: this replica's writes are kept, and other replicas' changes taken. */
  sync(): Promise<void> | undefined {
    return this.#shared.sync();
  }

  /** Resolves once every change made so far is kept; rejects (StoreUnavailableError) when one was not. */
  persisted(): Promise<void> {
    return this.#shared.persisted();
  }

  /** Why the store cannot be used now, or undefined when it can (`GET /_sandbox/health`). */
  async storeProblem(): Promise<string | undefined> {
    try {
      return await this.store.problem();
    } catch (err) {
      return (err as Error).message;
    }
  }

  async #init(): Promise<void> {
    if (this.#options.debugLogPath) {
      const log = DebugLog.open(this.#options.debugLogPath);
      this.#debugLog = log;
      this.journal.onEntry((entry) => log.write(entry));
    }

    const { dataDir, keysDir = dataDir === undefined ? undefined : join(dataDir, "keys") } = this.#options;
    // Replicas sharing a store must sign with the same keys: they come from the store then.
    const keysOf = (name: "aad" | "acs" | "workload") =>
      this.store.shared ? keysAtOnce(storedSigningKeys(this.store, name)) : signingKeys(name, keysDir);
    // The app is built while the keys are read or, for a fresh data dir, generated on the thread pool;
    // the keys that sign are awaited at the end, before anything can be asked of the sandbox.
    const aadKeySet = new KeySet(keysOf("aad"));
    const acsKeySet = new KeySet(keysOf("acs"));
    this.#keySets = { entra: aadKeySet, acs: acsKeySet };
    this.#workloadIssuer = new WorkloadIssuer(
      async () => new KeySet(await keysOf("workload").whole),
      this.clock,
    );
    let entraJwks: JWTVerifyGetKey | undefined;
    const publicOrigin = (request: FastifyRequest) => this.originOf(request);
    this.#aad = mockAad({
      clock: this.clock,
      keys: aadKeySet,
      store: this.store,
      directory: () => this.world.directory,
      editDirectory: (change) => this.#shared.change((world) => world.edit((doc) => change(doc))),
      publicOrigin,
      // Entra reaches the sandbox's workload issuer only: no other issuer's keys are fetched.
      issuerKeys: (issuer) => this.#workloadIssuer.keysFor(issuer),
      accessTokenIssued: (claims) => this.#acs.entraTokenIssued(claims),
      ...(this.#options.deviceCodeIntervalMs === undefined
        ? {}
        : { deviceCodeIntervalS: this.#options.deviceCodeIntervalMs / 1000 }),
    });
    const acsContext: AcsContext = {
      clock: this.clock,
      keys: acsKeySet,
      // ACS trusts Entra through its published keys only, as the real service does.
      entraKeys: (header, token) => (entraJwks ??= createLocalJWKSet(aadKeySet.jwks()))(header, token),
      resources: () => this.world.resources,
      arm: () => this.world.arm,
      // ARM's changes (keys, resources, role assignments) go through the world's one edit path.
      editResources: (change) => this.#shared.change((world) => world.edit((doc) => change(doc))),
      resourceFor: (request) => this.resourceFor(request),
      looseApiVersion: this.#options.looseApiVersion ?? false,
      store: this.store,
      // Whether a Teams user is licensed is a fact of the world, as ACS learns it from Teams.
      teamsLicense: (tenantId, objectId) =>
        this.world.directory.tenants
          .find((t) => t.id === tenantId)
          ?.users.find((u) => u.objectId === objectId)?.teamsLicense,
    };
    this.#acs = await mockAcs(acsContext);
    // ARM is the admin half of the same service: it reads and edits the same resources.
    this.#arm = mockArm(acsContext);
    this.#app = await buildApp(
      {
        aad: this.#aad,
        acs: this.#acs,
        arm: this.#arm,
        admin: adminRoutes(this),
        journal: this.journal,
        beforeRequest: () => this.sync(),
        faults: {
          faults: this.faults,
          scheduler: this.scheduler,
          clock: this.clock,
          transport: () => (this.mode === "server" ? "socket" : "inject"),
        },
        plugins: this.#options.plugins ?? [],
        onFailure: (failure) => this.#reportFailure(failure),
        adminGuard: {
          adminToken: this.#options.adminToken,
          ownOrigins: () => [this.#options.publicUrl ?? this.#address.origin],
        },
      },
      this.#options.https ? { https: this.#options.https } : {},
    );
    await Promise.all([this.#app.ready(), aadKeySet.ready, acsKeySet.ready]);
  }

  /** A failure no journal entry holds: on stderr, where a bug is seen, and in the `--debug` log. */
  #reportFailure(failure: SandboxFailure): void {
    process.stderr.write(
      `acs-sandbox: internal error: ${failure.message}${failure.stack ? `\n${failure.stack}` : ""}\n`,
    );
    this.#debugLog?.writeFailure(failure, new Date());
  }

  /**
   * Tells the sandbox where its clients reach it: the transport calls this once it knows (server mode,
   * after listening, since port 0 picks the port then).
   */
  listeningAt(address: SandboxAddress): void {
    this.#address = { ...address };
  }

  /** The origin the descriptor names when no request tells. */
  get origin(): string {
    return this.#address.origin;
  }

  /** Key ids of each service's signing keys, so the inspector can say which key signed a token. */
  get signingKeyIds(): { entra: string[]; acs: string[] } {
    const kids = (keys: KeySet | undefined) => keys?.jwks().keys.map((k) => String(k.kid)) ?? [];
    return { entra: kids(this.#keySets?.entra), acs: kids(this.#keySets?.acs) };
  }

  /** The sandbox-hosted workload token issuer (`/_sandbox/workload-issuer`). */
  get workloadIssuer(): WorkloadIssuer {
    return this.#workloadIssuer;
  }

  /** The origin a request reached the sandbox at: `--public-url`, else its Host. */
  originOf(request: FastifyRequest): string {
    return (
      this.#options.publicUrl?.replace(/\/+$/, "") ??
      (request.headers.host ? canonicalOrigin(`https://${request.headers.host}`) : this.#address.origin)
    );
  }

  get app(): FastifyInstance {
    return this.#app;
  }

  /**
   * The ACS resource a request addresses: `<name>.communication.azure.com` when intercepting; on one port,
   * `<name>.<host>` or else the first resource (the default at the root).
   */
  resourceFor(request: FastifyRequest): AcsResource | undefined {
    const resources = this.world.resources;
    const host = hostName(request);
    const byName = resources.find(
      (r) => host === `${r.name}.communication.azure.com` || host.startsWith(`${r.name}.`),
    );
    if (byName) return byName;
    if (host.endsWith(".communication.azure.com")) {
      // Real endpoints may carry a geo label (`name.unitedstates.communication.azure.com`).
      return resources.find((r) => host.split(".")[0] === r.name);
    }
    return resources[0];
  }

  get descriptor(): Descriptor {
    return buildDescriptor(
      this.world,
      this.mode,
      this.#address.origin,
      this.#options.caCertPath ?? null,
      this.#address.port443,
    );
  }

  /** The descriptor as seen by the client that asked: its base URL follows the Host it used. */
  descriptorFor(request: FastifyRequest): Descriptor {
    const origin =
      this.#options.publicUrl?.replace(/\/+$/, "") ??
      (request.headers.host && this.mode === "server"
        ? `https://${request.headers.host}`
        : this.#address.origin);
    return buildDescriptor(
      this.world,
      this.mode,
      origin,
      this.#options.caCertPath ?? null,
      this.#address.port443,
    );
  }

  /** The identities an ACS resource has minted (ids, creation, revocation and deletion times). */
  identitiesOf(resourceId: string) {
    return this.#acs.identities(resourceId);
  }

  /**
   * Deep-merges a patch into the world, validated and atomic (see `World.patch`); returns the new
   * document at once. It is kept in the store as well (`persisted()` resolves when it is).
   */
  editWorld(patch: unknown, source = "world patch"): WorldDocument {
    let result: WorldDocument | undefined;
    this.#shared
      .change((world) => {
        result = world.patch(patch, source);
      })
      .catch(() => {});
    return result!;
  }

  replaceWorld(next: World): void {
    this.#shared.change((world) => world.replace(next)).catch(() => {});
  }

  /** Back to the starting world and wall-clock time, with no codes, sessions, identities or journal. */
  async reset(): Promise<void> {
    void this.#shared.resetWorld().catch(() => {});
    this.clock.reset();
    if (this.#options.startTime) this.clock.set(this.#options.startTime);
    await this.#aad.reset();
    await this.#acs.reset();
    await this.#arm.reset();
    await this.journal.clear();
    this.faults.clear();
    await this.persisted();
  }

  async close(): Promise<void> {
    this.scheduler.cancelAll();
    await this.#app.close();
    await this.#shared.persisted().catch(() => {});
    // A fresh data dir's published keys still being made are finished and kept, so the next start
    // finds the whole set (keys.ts).
    await Promise.all([this.#keySets?.entra.whole, this.#keySets?.acs.whole]).catch(() => {});
    await this.store.close();
    this.#debugLog?.close();
  }
}
