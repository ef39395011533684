import { existsSync, statSync } from "node:fs";
import type { FastifyPluginAsync } from "fastify";
import { join } from "node:path";
import { isIP, type AddressInfo } from "node:net";
import { defaultCaDir, tlsMaterial } from "../sandbox/ca.js";
import { canonicalOrigin, type Descriptor } from "../sandbox/descriptor.js";
import { sandboxFaults, type SandboxFaults } from "../operator/faults/index.js";
import type { JournalEntry } from "../operator/journal.js";
import { queryJournal, type RequestFilter } from "../operator/journal-query.js";
import { listenOn443 } from "./port443.js";
import { acceptTunnels } from "./tunnel.js";
import { SCENARIOS_DIR } from "../sandbox/paths.js";
import { adminRoutes } from "../operator/admin.js";
import { Sandbox } from "../sandbox/sandbox.js";
import { defaultWorld, loadWorldFile, parseWorld, World } from "../sandbox/world.js";
import { parseDuration } from "../../core/duration.js";
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
   * `sandboxHandlers(sandbox)` from `acs-sandbox/msw` to your own msw server.
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
  /** Keeps the CA and ACS identities here, so they survive a restart. */
  dataDir?: string;
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
   * How long device code responses tell clients to wait between polls ("1s", "200ms"); Entra says 5 s
   * and MSAL waits exactly that, so test suites set it lower. Default: `ACS_SANDBOX_DEVICE_CODE_INTERVAL`,
   * else "5s". Whole seconds suit every client; MSAL Node and MSAL Python also accept fractions.
   */
  deviceCodeInterval?: string;
}

/** A running sandbox, whichever its transport. */
export interface RunningSandbox {
  readonly descriptor: Descriptor;
  readonly clock: Sandbox["clock"];
  readonly sandbox: Sandbox;
  /** Server mode: the CA certificate PEM to trust. */
  readonly caCertPem: string | null;
  /** Fault rules: `sb.faults.add({ service: "acs", operation: "exchange", status: 429 })`. */
  readonly faults: SandboxFaults;
  /** Journal entries matching a filter, oldest first: `sb.requests({ operation: "exchange" })`. */
  requests(filter?: RequestFilter): JournalEntry[];
  /** How many journal entries match: `sb.countRequests({ service: "acs", status: "5xx" })`. */
  countRequests(filter?: RequestFilter): number;
  reset(): Promise<void>;
  close(): Promise<void>;
}

function journalAndFaults(sandbox: Sandbox): Pick<RunningSandbox, "faults" | "requests" | "countRequests"> {
  return {
    faults: sandboxFaults(sandbox.faults),
    requests: (filter) => queryJournal(sandbox.journal.list(), filter),
    countRequests: (filter) => queryJournal(sandbox.journal.list(), filter).length,
  };
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
  const ms = parseDuration(given);
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

/**
 * Starts a sandbox: the fake Entra ID and ACS Identity service with one world and one clock.
 *
 * @example
 * const sb = await startSandbox({ mode: "intercept" });
 * // MSAL with authority https://login.microsoftonline.com/<fabrikam id> now talks to the sandbox
 * sb.clock.advance("25h");
 * await sb.close();
 */
export async function startSandbox(options: StartSandboxOptions = {}): Promise<RunningSandbox> {
  const mode = options.mode ?? "intercept";
  const world = resolveWorld(options);
  if (mode !== "server") {
    const sandbox = await Sandbox.create({
      world,
      admin: adminRoutes,
      mode,
      looseApiVersion: options.looseApiVersion ?? false,
      dataDir: options.dataDir,
      // Kept beside the CA, as `serve` keeps them: a new test process makes no RSA keys.
      ...(options.dataDir ? {} : { keysDir: join(defaultCaDir(), "signing-keys") }),
      adminToken: options.adminToken,
      debugLogPath: options.debugLog,
      plugins: options.plugins,
      ...(options.startTime ? { startTime: options.startTime } : {}),
      ...deviceCodeIntervalMs(options),
    });
    // msw is loaded only here: `serve` and handlers mode never pay for it.
    const interception = mode === "intercept" ? await import("./intercept.js") : undefined;
    interception?.attachInterception(sandbox);
    return {
      get descriptor() {
        return sandbox.descriptor;
      },
      clock: sandbox.clock,
      sandbox,
      caCertPem: null,
      ...journalAndFaults(sandbox),
      reset: () => sandbox.reset(),
      async close() {
        interception?.detachInterception(sandbox);
        await sandbox.close();
      },
    };
  }

  const publicHost = options.publicUrl ? new URL(options.publicUrl).hostname : undefined;
  const host = options.host ?? "127.0.0.1";
  const displayHost = clientHost(host);
  // The real service hosts too, for clients that reach the listener as their HTTPS proxy (tunnel.ts)
  // or by name in unmodified mode.
  const realHosts = realHostNames(world);
  const caDir = options.dataDir ? join(options.dataDir, "ca") : defaultCaDir();
  const hostnames = [
    ...(options.hostnames ?? []),
    ...(publicHost ? [publicHost] : []),
    ...(WILDCARD_HOSTS.has(host) ? [] : [host]),
    // Resources after the first answer at `<name>.<host>` on the same port (see acsEndpoint).
    ...world.resources.slice(1).map((r) => `${r.name}.localhost`),
    ...realHosts,
  ];
  const tls = await tlsMaterial(caDir, hostnames);
  const sandbox = await Sandbox.create({
    world,
    admin: adminRoutes,
    mode,
    publicUrl: options.publicUrl,
    looseApiVersion: options.looseApiVersion ?? false,
    dataDir: options.dataDir,
    // Kept beside the CA, as the CA is: a restart of `serve` costs no RSA key generation.
    ...(options.dataDir ? {} : { keysDir: join(caDir, "signing-keys") }),
    https: { key: tls.keyPem, cert: tls.certPem },
    caCertPath: tls.caCertPath,
    adminToken: options.adminToken,
    debugLogPath: options.debugLog,
    plugins: options.plugins,
    ...(options.startTime ? { startTime: options.startTime } : {}),
    ...deviceCodeIntervalMs(options),
  });
  acceptTunnels(sandbox.app.server, ["localhost", "127.0.0.1", "::1", host, ...hostnames]);
  await sandbox.app.listen({ port: options.port ?? 8443, host });
  const { port } = sandbox.app.server.address() as AddressInfo;
  sandbox.defaultOrigin = canonicalOrigin(
    options.publicUrl ?? `https://${options.unmodified ? REAL_ENTRA_HOST : displayHost}:${port}`,
  );
  const extra =
    options.listenOn443 && port !== 443
      ? await listenOn443(sandbox.app, { key: tls.keyPem, cert: tls.certPem }, host, displayHost)
      : undefined;
  if (extra) sandbox.port443 = extra.status;
  else if (options.listenOn443) sandbox.port443 = { listening: true, origin: sandbox.defaultOrigin };
  return {
    get descriptor() {
      return sandbox.descriptor;
    },
    clock: sandbox.clock,
    sandbox,
    caCertPem: tls.caCertPem,
    ...journalAndFaults(sandbox),
    reset: () => sandbox.reset(),
    async close() {
      await extra?.close();
      await sandbox.close();
    },
  };
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
