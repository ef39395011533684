import { existsSync, statSync } from "node:fs";
import type { FastifyPluginAsync } from "fastify";
import { join } from "node:path";
import { isIP, type AddressInfo } from "node:net";
import { tlsMaterial } from "../sandbox/ca.js";
import { caDirOf, prepareServerKeys, storeChoice } from "./locations.js";
import { canonicalOrigin, type Descriptor, type Port443 } from "../sandbox/descriptor.js";
import { sandboxFaults, type SandboxFaults } from "../operator/faults/index.js";
import type { JournalEntry } from "../operator/journal.js";
import { queryJournal, type RequestFilter } from "../operator/journal-query.js";
import { listenOn443 } from "./port443.js";
import { acceptTunnels } from "./tunnel.js";
import { SCENARIOS_DIR } from "../sandbox/paths.js";
import { Sandbox, type SandboxCoreOptions } from "../sandbox/sandbox.js";
import {
  defaultWorld,
  loadWorldFile,
  parseWorld,
  World,
  type WorldDocument,
  type WorldPatch,
} from "../sandbox/world.js";
import type { Clock } from "../../core/clock.js";
import type { SandboxStore } from "../../core/store.js";
import { openStore } from "../store/index.js";
import { sharedCa } from "../sandbox/ca.js";
import { Lease, SandboxClosedError, withLease } from "./running.js";
import { drainPool, park, poolKey, takeParked } from "./pool.js";
import { durationMs } from "../../core/duration.js";
import { readUserFile } from "../sandbox/user-file.js";
import { parseLocatedYaml } from "../sandbox/yaml-location.js";

export interface StartSandboxOptions {
  /** Scenario whose `world:` to load: a file path or the name of a bundled scenario. */
  scenario?: string;
  /** A world: a `World`, a world object (as in a world file), or a world file path. Default: the bundled world. */
  world?: World | Record<string, unknown> | string;
  /**
   * `intercept` (default): msw routes `login.microsoftonline.com` and `*.communication.azure.com` to the
   * sandbox in this process. `server`: an HTTPS listener any process can reach. `handlers`: neither; pass
   * `sandboxHandlers(sb)` from `acs-sandbox/msw` to your own msw server.
   */
  mode?: Descriptor["mode"];
  /** Server mode: port (0 picks a free one; default 8443) and host (default 127.0.0.1). */
  port?: number;
  host?: string;
  /**
   * Server mode: also answer on port 443 of the same address when the port is another, for clients that
   * drop the port (MSAL Python's user realm discovery). `descriptor.port443` says whether it could.
   */
  listenOn443?: boolean;
  /**
   * Server mode: answer as the real hosts (`login.microsoftonline.com`, `<resource>.communication.azure.com`),
   * for production code whose only changes are DNS and CA trust (docs/unmodified.md). The certificate
   * names them and the descriptor uses them; give port 443, as `serve --unmodified` does.
   */
  unmodified?: boolean;
  /** Extra names for the TLS certificate (a container's hostname, a LAN name). */
  hostnames?: string[];
  /** Public origin clients use, when it differs from the Host they send (reverse proxies). */
  publicUrl?: string;
  /** Keeps the CA, signing keys and all state (SQLite) here, so they survive a restart. */
  dataDir?: string;
  /**
   * Keeps all state in PostgreSQL (`postgres://user:password@host:5432/db`, `?schema=NAME` for a schema
   * of its own): sandboxes given the same URL serve one world (docs/team-sandbox.md). Default:
   * `ACS_SANDBOX_TEST_STORE`, which gives each sandbox a throwaway schema of that database (for running a
   * test suite against PostgreSQL), else SQLite in `dataDir`, else memory.
   */
  store?: string;
  /** Accept any ACS api-version as the newest. */
  looseApiVersion?: boolean;
  /** Sandbox time to start at (ISO 8601). */
  startTime?: string;
  /** Requires `Authorization: Bearer <adminToken>` on the admin API (all but health, descriptor, inspector page). */
  adminToken?: string;
  /** Appends every request (credentials redacted) and every failure's stack to this file, one JSON line each. */
  debugLog?: string;
  /**
   * Extra fastify plugins served on the sandbox's app beside the mocks (an endpoint of your own that your
   * code under test calls); their requests are journaled, and a failure in them is a visible 500.
   */
  plugins?: FastifyPluginAsync[];
  /**
   * How long device code responses tell clients to wait between polls ("1s", "200ms", or a number of
   * seconds); Entra says 5 s
   * and MSAL waits exactly that, so test suites set it lower. Default: `ACS_SANDBOX_DEVICE_CODE_INTERVAL`,
   * else "5s". Whole seconds suit every client; MSAL Node and MSAL Python also accept fractions.
   */
  deviceCodeInterval?: string | number;
}

/** A running sandbox, whichever its transport. */
export interface RunningSandbox {
  readonly descriptor: Descriptor;
  readonly clock: Clock;
  /** The world now, as a document (a copy: change it with `editWorld`). */
  readonly world: WorldDocument;
  /**
   * Changes the running world: the patch deep-merges into it as a scenario's `world:` section does (maps
   * merge, lists and scalars replace, `null` removes a key; the admin API's `PATCH /_sandbox/world` takes
   * the same as a JSON merge patch). Validated whole and applied atomically; an invalid result changes
   * nothing and throws a `WorldError` naming each bad path. Returns the new world.
   *
   * @example
   * sb.editWorld({ apps: { "contoso-teams": { publicClientFlows: false } } });
   */
  editWorld(patch: WorldPatch): WorldDocument;
  /** Server mode: the CA certificate PEM to trust. */
  readonly caCertPem: string | null;
  /** Fault rules: `sb.faults.add({ service: "acs", operation: "exchange", status: 429 })`. */
  readonly faults: SandboxFaults;
  /** Journal entries matching a filter, oldest first: `sb.requests({ operation: "exchange" })`. */
  requests(filter?: RequestFilter): JournalEntry[];
  /** How many journal entries match: `sb.countRequests({ service: "acs", status: "5xx" })`. */
  countRequests(filter?: RequestFilter): number;
  /**
   * Resolves once every change made so far (`editWorld`, clock, faults) is kept in the store; rejects when
   * one could not be (a database down). Admin API answers wait for it by themselves.
   */
  persisted(): Promise<void>;
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** A bundled scenario's name: what `acs-sandbox list` prints, never a path. */
const BUNDLED_NAME = /^[a-z0-9][a-z0-9-]*(?:\.yaml)?$/i;
/** Far above any scenario; a larger "scenario" is some other file. */
const MAX_SCENARIO_BYTES = 1024 * 1024;

/** Finds a bundled scenario by name, or returns the path as given. A name never leaves `scenarios/`. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  if (BUNDLED_NAME.test(nameOrPath)) {
    for (const candidate of [join(SCENARIOS_DIR, nameOrPath), join(SCENARIOS_DIR, `${nameOrPath}.yaml`)]) {
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new Error(
    `Scenario "${nameOrPath}" not found: give a file path or a bundled scenario name (acs-sandbox list)`,
  );
}

/** Reads a scenario file, refusing what is not one (a world file, a system file, a folder) with a sentence. */
function readScenarioText(file: string): string {
  const stat = statSync(file);
  if (!stat.isFile()) throw new Error(`Scenario "${file}" is not a file: give a scenario's .yaml file`);
  if (stat.size > MAX_SCENARIO_BYTES) {
    throw new Error(
      `"${file}" is not a scenario file (${stat.size} bytes; scenarios are small YAML files with name, description, world and steps)`,
    );
  }
  return readUserFile(file, "scenario file");
}

/** The world of a scenario file (its `world:` section, over the default). */
export function scenarioWorld(nameOrPath: string): World {
  const file = resolveScenarioPath(nameOrPath);
  const located = parseLocatedYaml(readScenarioText(file), file);
  const doc = located.value;
  const isMapping = typeof doc === "object" && doc !== null && !Array.isArray(doc);
  const fields = isMapping ? (doc as Record<string, unknown>) : {};
  if (!isMapping || !Array.isArray(fields.steps) || fields.steps.length === 0) {
    const looksLikeWorld = isMapping && ("tenants" in fields || "extends" in fields || "acs" in fields);
    throw new Error(
      looksLikeWorld
        ? `"${file}" is a world file, not a scenario: start it with --world ${file} (a scenario has a world: section and steps:)`
        : `"${file}" is not a scenario file: a scenario is a YAML mapping with name, description, world and a non-empty steps: list (see acs-sandbox list)`,
    );
  }
  return parseWorld(fields.world ?? {}, file, located, ["world"]);
}

function deviceCodeIntervalMs(options: StartSandboxOptions): { deviceCodeIntervalMs?: number } {
  const given = options.deviceCodeInterval ?? process.env.ACS_SANDBOX_DEVICE_CODE_INTERVAL;
  if (given === undefined || given === "") return {};
  const ms = durationMs(given);
  if (ms < 0) throw new RangeError(`Invalid device code interval "${given}": expected a duration ≥ 0`);
  return { deviceCodeIntervalMs: ms };
}

function resolveWorld(options: StartSandboxOptions): World {
  if (options.scenario !== undefined && options.world !== undefined) {
    throw new Error(
      "Give a scenario or a world, not both: a scenario's world: section already extends the default world (put your changes there, or drop --scenario)",
    );
  }
  if (options.scenario !== undefined) return scenarioWorld(options.scenario);
  const world = options.world;
  if (world === undefined) return defaultWorld();
  if (world instanceof World) return world;
  if (typeof world === "string") return loadWorldFile(world);
  return parseWorld(world);
}

/** What server mode adds to a sandbox: options only it knows, and how it connects the sandbox to clients. */
interface Transport {
  /** Sandbox options that depend on the transport (TLS material, the CA path, a fixed public origin). */
  readonly sandboxOptions: Pick<SandboxCoreOptions, "https" | "caCertPath" | "publicUrl">;
  /** The CA certificate PEM clients must trust, when the transport serves HTTPS. */
  readonly caCertPem: string | null;
  /** Connects the sandbox to its clients; the answer disconnects it. */
  attach(sandbox: Sandbox): Promise<() => Promise<void>>;
}

/** Server mode: an HTTPS listener (and optionally a second on 443) with a certificate from the local CA. */
async function serverTransport(
  options: StartSandboxOptions,
  world: World,
  store: SandboxStore,
): Promise<Transport> {
  const publicHost = options.publicUrl ? new URL(options.publicUrl).hostname : undefined;
  const host = options.host ?? "127.0.0.1";
  const displayHost = clientHost(host);
  const hostnames = [
    ...(options.hostnames ?? []),
    ...(publicHost ? [publicHost] : []),
    ...(WILDCARD_HOSTS.has(host) ? [] : [host]),
    // Resources after the first answer at `<name>.<host>` on the same port (see acsEndpoint).
    ...world.resources.slice(1).map((r) => `${r.name}.localhost`),
    // The real service hosts too, for clients that reach the listener as their HTTPS proxy (tunnel.ts)
    // or by name in unmodified mode.
    ...realHostNames(world),
  ];
  // Replicas sharing a store present certificates of one CA, kept in the store.
  if (store.shared) await sharedCa(store, caDirOf(options));
  const tls = await tlsMaterial(caDirOf(options), hostnames);
  const keyPair = { key: tls.keyPem, cert: tls.certPem };
  return {
    sandboxOptions: { https: keyPair, caCertPath: tls.caCertPath, publicUrl: options.publicUrl },
    caCertPem: tls.caCertPem,
    async attach(sandbox) {
      acceptTunnels(sandbox.app.server, ["localhost", "127.0.0.1", "::1", host, ...hostnames]);
      await sandbox.app.listen({ port: options.port ?? 8443, host });
      const { port } = sandbox.app.server.address() as AddressInfo;
      const origin = canonicalOrigin(
        options.publicUrl ?? `https://${options.unmodified ? REAL_ENTRA_HOST : displayHost}:${port}`,
      );
      const extra =
        options.listenOn443 && port !== 443
          ? await listenOn443(sandbox.app, keyPair, host, displayHost)
          : undefined;
      const port443 =
        extra?.status ??
        (options.listenOn443
          ? ownPort443(origin, host, options.unmodified ? realHostNames(world) : [])
          : undefined);
      sandbox.listeningAt({ origin, port443 });
      return async () => extra?.close();
    },
  };
}

/**
 * Port 443 when it is the listener's own port: the address holding it and, in unmodified mode, the
 * `/etc/hosts` lines that point the real host names at it. A wildcard address is reached as whatever
 * address the client routes to; the lines name loopback.
 */
function ownPort443(origin: string, host: string, realHosts: string[]): Port443 {
  const target = WILDCARD_HOSTS.has(host) ? "127.0.0.1" : host;
  return {
    listening: true,
    origin,
    address: host,
    port: 443,
    ...(realHosts.length ? { hosts: realHosts.map((name) => `${target} ${name}`) } : {}),
  };
}

/**
 * An object that stands for `target` while the lease is open and refuses every use after (a closed
 * handle's clock must not move the clock of the sandbox the next test was given).
 */
function guarded<T extends object>(lease: Lease, target: T): T {
  return new Proxy(target, {
    get(object, property) {
      if (!lease.open) throw new SandboxClosedError();
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(object) : value;
    },
  });
}

/**
 * The public face of a started sandbox: what tests and users may rely on, nothing of its internals. A
 * handle: once closed it refuses every call (closing again does nothing), even when its sandbox lives
 * on for another handle.
 */
function runningSandbox(lease: Lease, caCertPem: string | null, close: () => Promise<void>) {
  const sandbox = lease.sandbox;
  const live = () => lease.sandbox;
  const running: RunningSandbox = {
    get descriptor() {
      return live().descriptor;
    },
    clock: guarded(lease, sandbox.clock),
    get world() {
      return live().world.document;
    },
    editWorld: (patch) => live().editWorld(patch),
    caCertPem,
    faults: guarded(lease, sandboxFaults(sandbox.faults)),
    requests: (filter) => queryJournal(live().journal.list(), filter),
    countRequests: (filter) => queryJournal(live().journal.list(), filter).length,
    persisted: () => live().persisted(),
    reset: async () => live().reset(),
    close: async () => {
      if (lease.open) await close();
    },
  };
  return withLease(running, lease);
}

/**
 * Starts a sandbox: the fake Entra ID and ACS Identity service with one world and one clock.
 *
 * In intercept and handlers mode `close()` resets the sandbox and keeps it for this process's next
 * `startSandbox()` with the same options (same world or scenario, no plugins, data dir, debug log, admin
 * token or start time), which hands it out under a new handle: a fresh sandbox per test costs what a
 * reset does. Nothing carries over (world, codes, refresh tokens, sessions, identities, assignments,
 * clock, faults, journal), and the closed handle refuses every call.
 *
 * @example
 * const sb = await startSandbox({ mode: "intercept" });
 * // MSAL with authority https://login.microsoftonline.com/<fabrikam id> now talks to the sandbox
 * sb.clock.advance("25h");
 * await sb.close();
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const mode = options.mode ?? "intercept";
  return mode === "server" ? startServer(options) : startInProcess(options, mode);
}

/** How long `close()` lets a closed handle's requests still running end before the sandbox is discarded. */
const CLOSE_GRACE_MS = 1000;

/** msw is loaded only for intercept mode: `serve` and handlers mode never pay for it. */
let interception: Promise<typeof import("./intercept.js")> | undefined;

/** Intercept mode (msw hands the real hosts' requests to the sandbox) and handlers mode (the caller's msw does). */
async function startInProcess(
  options: StartSandboxOptions,
  mode: "intercept" | "handlers",
): Promise<RunningSandbox> {
  const interval = deviceCodeIntervalMs(options);
  // Kept beside the CA, as `serve` keeps them: a new process (a restart, a test file) makes no RSA keys.
  const keysDir = options.dataDir ? undefined : join(caDirOf(options), "signing-keys");
  const scenarioFile =
    options.scenario !== undefined && options.world === undefined
      ? resolveScenarioPath(options.scenario)
      : undefined;
  const key = poolKey(options, {
    mode,
    keysDir,
    deviceCodeIntervalMs: interval.deviceCodeIntervalMs,
    scenarioFile,
  });
  const sandbox =
    (key !== undefined ? takeParked(key) : undefined) ??
    (await Sandbox.create({
      world: resolveWorld(options),
      mode,
      store: await storeFor(options),
      looseApiVersion: options.looseApiVersion ?? false,
      dataDir: options.dataDir,
      ...(keysDir ? { keysDir } : {}),
      adminToken: options.adminToken,
      debugLogPath: options.debugLog,
      plugins: options.plugins,
      ...(options.startTime ? { startTime: options.startTime } : {}),
      ...interval,
    }));
  const lease = new Lease(sandbox);
  const intercepting = mode === "intercept" ? await (interception ??= import("./intercept.js")) : undefined;
  intercepting?.attachInterception(lease);
  return runningSandbox(lease, null, async () => {
    intercepting?.detachInterception(lease);
    const ended = await lease.end(CLOSE_GRACE_MS);
    if (!ended) return;
    if (key !== undefined && ended.settled) {
      await ended.sandbox.reset();
      await park(key, ended.sandbox);
    } else {
      // A request of this handle still runs: nobody else may have this sandbox.
      await ended.sandbox.close();
    }
  });
}

/**
 * Closes the sandboxes this process keeps for reuse (see {@link startSandbox}), for a suite that wants
 * their memory back, and, with none open, takes msw's patches off at once. The next `startSandbox()`
 * builds a new sandbox.
 */
export async function releaseSandboxPool(): Promise<void> {
  await drainPool();
  if (interception) (await interception).releaseInterception();
}

/** Server mode: a sandbox of its own, listening until closed. */
async function startServer(options: StartSandboxOptions): Promise<RunningSandbox> {
  const keysDir = prepareServerKeys(options);
  const world = resolveWorld(options);
  const store = await storeFor(options);
  let transport: Transport;
  try {
    transport = await serverTransport(options, world, store);
  } catch (err) {
    await store.close();
    throw err;
  }
  const sandbox = await Sandbox.create({
    world,
    mode: "server",
    store,
    looseApiVersion: options.looseApiVersion ?? false,
    dataDir: options.dataDir,
    keysDir,
    adminToken: options.adminToken,
    debugLogPath: options.debugLog,
    plugins: options.plugins,
    ...(options.startTime ? { startTime: options.startTime } : {}),
    ...deviceCodeIntervalMs(options),
    ...transport.sandboxOptions,
  });
  let detach: () => Promise<void>;
  try {
    detach = await transport.attach(sandbox);
  } catch (err) {
    // A port in use: nothing of the half-started sandbox stays open.
    await sandbox.close();
    throw err;
  }
  const lease = new Lease(sandbox);
  return runningSandbox(lease, transport.caCertPem, async () => {
    await lease.end(0);
    await detach();
    await sandbox.close();
  });
}

function storeFor(options: StartSandboxOptions): Promise<SandboxStore> {
  return openStore(storeChoice(options));
}

const REAL_ENTRA_HOST = "login.microsoftonline.com";

/** The names production code uses: Entra's host, Microsoft Graph's, ARM's and each ACS resource's own. */
export function realHostNames(world: World): string[] {
  return [
    REAL_ENTRA_HOST,
    "graph.microsoft.com",
    "management.azure.com",
    ...world.resources.map((r) => `${r.name}.communication.azure.com`),
  ];
}

/** Addresses that mean "every interface": clients reach them as `localhost`. */
const WILDCARD_HOSTS = new Set(["0.0.0.0", "::", "[::]"]);

/**
 * The host a client writes in URLs for a listening address: `localhost` for loopback's usual names and
 * the wildcard addresses (the certificate names it), the address itself otherwise (IPv6 in brackets).
 */
export function clientHost(host: string): string {
  if (WILDCARD_HOSTS.has(host) || host === "127.0.0.1" || host === "localhost") return "localhost";
  return isIP(host) === 6 ? `[${host}]` : host;
}
