import { existsSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { defaultCaDir, tlsMaterial } from "../sandbox/ca.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import { SCENARIOS_DIR } from "../sandbox/paths.js";
import { adminRoutes } from "../sandbox/admin.js";
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
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** Finds a bundled scenario by name, or returns the path as given. */
export function resolveScenarioPath(nameOrPath: string): string {
  if (existsSync(nameOrPath)) return nameOrPath;
  for (const candidate of [join(SCENARIOS_DIR, nameOrPath), join(SCENARIOS_DIR, `${nameOrPath}.yaml`)]) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `Scenario "${nameOrPath}" not found: give a file path or a bundled scenario name (acs-sandbox list)`,
  );
}

/** The world of a scenario file (its `world:` section, over the default). */
export function scenarioWorld(nameOrPath: string): World {
  const file = resolveScenarioPath(nameOrPath);
  const located = parseLocatedYaml(readUserFile(file, "scenario file"), file);
  const doc = (located.value ?? {}) as { world?: unknown };
  return parseWorld(doc.world ?? {}, file, located, ["world"]);
}

function deviceCodeIntervalMs(options: StartSandboxOptions): { deviceCodeIntervalMs?: number } {
  const given = options.deviceCodeInterval ?? process.env.ACS_SANDBOX_DEVICE_CODE_INTERVAL;
  if (given === undefined || given === "") return {};
  const ms = parseDuration(given);
  if (ms < 0) throw new RangeError(`Invalid device code interval "${given}": expected a duration ≥ 0`);
  return { deviceCodeIntervalMs: ms };
}

function resolveWorld(options: StartSandboxOptions): World {
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
      reset: () => sandbox.reset(),
      async close() {
        interception?.detachInterception(sandbox);
        await sandbox.close();
      },
    };
  }

  const publicHost = options.publicUrl ? new URL(options.publicUrl).hostname : undefined;
  const caDir = options.dataDir ? join(options.dataDir, "ca") : defaultCaDir();
  const tls = await tlsMaterial(caDir, [
    ...(options.hostnames ?? []),
    ...(publicHost ? [publicHost] : []),
    // Resources after the first answer at `<name>.<host>` on the same port (see acsEndpoint).
    ...world.resources.slice(1).map((r) => `${r.name}.localhost`),
  ]);
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
    ...(options.startTime ? { startTime: options.startTime } : {}),
    ...deviceCodeIntervalMs(options),
  });
  const host = options.host ?? "127.0.0.1";
  await sandbox.app.listen({ port: options.port ?? 8443, host });
  const { port } = sandbox.app.server.address() as AddressInfo;
  sandbox.defaultOrigin = options.publicUrl?.replace(/\/+$/, "") ?? `https://localhost:${port}`;
  return {
    get descriptor() {
      return sandbox.descriptor;
    },
    clock: sandbox.clock,
    sandbox,
    caCertPem: tls.caCertPem,
    reset: () => sandbox.reset(),
    close: () => sandbox.close(),
  };
}
