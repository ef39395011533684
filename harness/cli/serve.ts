import { join, resolve } from "node:path";
import { Command, Option } from "commander";
import { defaultCaDir } from "../sandbox/ca.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import { ownLoopbackAddress, port443Taken } from "../transports/port443.js";
import { prepareServerKeys } from "../transports/locations.js";
import { tuneHeapForServe } from "./heap.js";
import type { RunningSandbox } from "../transports/start.js";

/** Where a client finds the CA, per ecosystem: each reads its own setting and ignores the others'. */
export function trustLines(caCertPath: string): string[] {
  return [
    `Trust the sandbox CA: ${caCertPath}`,
    `  Node          export NODE_EXTRA_CA_CERTS=${caCertPath}`,
    `  Python        export REQUESTS_CA_BUNDLE=${caCertPath}   (requests, MSAL, azure-core; they ignore SSL_CERT_FILE)`,
    `  .NET, Java    the OS trust store: cp ${caCertPath} /usr/local/share/ca-certificates/acs-sandbox.crt && update-ca-certificates`,
    `                (Java on Debian/Ubuntu reads it through ca-certificates-java; elsewhere keytool -importcert -cacerts -file ${caCertPath})`,
    `  Browser       a browser used for interactive or device-code sign-in must trust it too`,
  ];
}

/** What the banner says about the 443 listener, when one was asked for. */
function port443Lines(d: Descriptor): string[] {
  const p = d.port443;
  if (!p) return [];
  if (p.listening) {
    const own = p.address !== undefined && p.address !== "127.0.0.1" && isLoopbackHost(p.address);
    if (p.origin === d.baseUrl) {
      return p.hosts?.length
        ? [
            ``,
            `DNS            the real hosts must resolve to ${p.address}${own ? " (an address of its own)" : ""}: in /etc/hosts`,
            ...p.hosts.map((line) => `  ${line}`),
          ]
        : [];
    }
    const where = own ? `${p.address} port 443, an address of its own` : "port 443 of the same address";
    return [
      ``,
      `Also on 443    ${p.origin}   (${where}: MSAL Python asks the authority's host on 443 for the user realm)`,
    ];
  }
  return [
    ``,
    `Not on 443     ${p.reason}.`,
    `  MSAL Python password sign-in asks https://<authority host>/common/userrealm/… and will fail to connect.`,
    `  ${p.fix}.`,
  ];
}

/** True for addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, "").toLowerCase();
  return name === "localhost" || name === "::1" || /^127(\.\d{1,3}){3}$/.test(name);
}

/** The warning for a sandbox anyone on the network can drive: its admin API resets, edits and reads it. */
export function exposedAdminWarning(host: string): string {
  return [
    `WARNING: listening on ${host} without an admin token: anyone who can reach this address can reset the`,
    `sandbox, replace its world and read its journal. Start it with --admin-token <token> (or`,
    `ACS_SANDBOX_ADMIN_TOKEN) and send Authorization: Bearer <token> to /_sandbox/*.`,
  ].join("\n");
}

/** The human banner `serve` prints: where everything is and how each client library points at it. */
export function banner(d: Descriptor): string {
  const host = new URL(d.baseUrl).host;
  const fabrikam = d.tenants.find((t) => t.name === "fabrikam") ?? d.tenants[0];
  const app = d.apps[0];
  const authority = fabrikam?.authority ?? d.authority;
  const lines = [
    `acs-sandbox is ready at ${d.baseUrl}`,
    `Inspector     ${d.baseUrl}/_sandbox/   (traffic, decoded tokens, the world, the clock, fault rules)`,
    ``,
    `Authority     ${d.authority}   (tenant id, domain or "organizations")`,
    ...d.tenants.map((t) => `  ${t.name.padEnd(12)}${t.authority}   ${t.domain}`),
    `Apps`,
    ...d.apps.map((a) => `  ${a.name.padEnd(18)}client id ${a.clientId}   (${a.tenant})`),
    `Users`,
    ...d.users.map(
      (u) =>
        `  ${u.upn.padEnd(36)}password ${u.password}${u.teamsLicense ? "" : "   (no Teams licence)"}${u.isAdmin ? "   (admin)" : ""}`,
    ),
    `ACS resources`,
    ...d.acs.map((r) => `  ${r.name.padEnd(14)}${r.endpoint}\n  ${"".padEnd(14)}${r.connectionString}`),
    ...port443Lines(d),
  ];
  const machine = d.managedIdentities.filter((mi) => mi.assigned);
  if (machine.length > 0) {
    lines.push(
      `Managed identities of this machine (DefaultAzureCredential with no secret)`,
      ...machine.map(
        (mi) => `  ${mi.name.padEnd(18)}${mi.type.padEnd(16)}client id ${mi.clientId}   (${mi.tenant})`,
      ),
      `  IMDS:        ${d.managedIdentityEnv.imds.join(" ") || "(no variable needed)"}`,
      `  App Service: ${d.managedIdentityEnv.appService.join(" ")}`,
    );
  }
  if (d.caCertPath) lines.push(``, ...trustLines(d.caCertPath));
  lines.push(
    ``,
    `Point your client at it`,
    `  MSAL Node         auth: { clientId: "${app?.clientId ?? "<client id>"}", authority: "${authority}", knownAuthorities: ["${host}"] }`,
    `  @azure/identity   new UsernamePasswordCredential(tenantId, clientId, upn, password, { authorityHost: "${d.baseUrl}", disableInstanceDiscovery: true })`,
    `  MSAL.NET          .WithAuthority("${authority}", validateAuthority: false)   (or .WithInstanceDiscovery(false))`,
    `  MSAL Python       PublicClientApplication(client_id, authority="${authority}", instance_discovery=False)`,
    `  azure-identity    UsernamePasswordCredential(client_id, upn, password, tenant_id=tenant_id, authority="${d.baseUrl}", disable_instance_discovery=True)`,
    `                    (azure-identity 1.13 betas, as Debian ships: instance_discovery=False)`,
    ...(d.proxy
      ? [
          `  Unchanged code    export HTTPS_PROXY=${d.proxy}   (real login.microsoftonline.com, *.communication.azure.com and IMDS URLs reach the sandbox)`,
        ]
      : []),
    ``,
    `Admin API: ${d.baseUrl}/_sandbox/{descriptor,world,clock,reset,requests}   Ctrl+C stops.`,
  );
  return lines.join("\n");
}

/** A boolean flag that may come from the environment as a string ("0", "false" and "no" are off). */
function flag(value: unknown): boolean {
  return value === true || (typeof value === "string" && !/^(0|false|no)$/i.test(value));
}

/** What the command line that runs `serve` wants to know. */
export interface ServeHooks {
  /** Called once the sandbox listens and its descriptor or banner is out. */
  onReady?: () => void;
}

export function serveCommand(hooks: ServeHooks = {}): Command {
  return new Command("serve")
    .description("Start the fake Entra ID and ACS Identity service over HTTPS on one port")
    .addOption(
      new Option("--scenario <file|name>", "load the world of a scenario file or bundled scenario").env(
        "ACS_SANDBOX_SCENARIO",
      ),
    )
    .addOption(new Option("--world <file>", "load a world file (YAML or JSON)").env("ACS_SANDBOX_WORLD"))
    .addOption(
      new Option("--port <port>", "port to listen on (default: a free one; 443 with --unmodified)")
        .default("0")
        .env("ACS_SANDBOX_PORT"),
    )
    .addOption(
      new Option(
        "--host <host>",
        "address to listen on (default: on Linux, an address of its own on 127.0.0.0/8 where 443 is free, so sandboxes never collide; else 127.0.0.1)",
      ).env("ACS_SANDBOX_HOST"),
    )
    .addOption(
      new Option("--hostname <name...>", "extra host names for the TLS certificate").env(
        "ACS_SANDBOX_HOSTNAMES",
      ),
    )
    .addOption(
      new Option("--public-url <url>", "origin clients use, when it differs from their Host header").env(
        "ACS_SANDBOX_PUBLIC_URL",
      ),
    )
    .addOption(
      new Option(
        "--data-dir <dir>",
        "keep the CA, signing keys and all state (world edits, identities, codes, sessions; SQLite) here (default: CA, TLS leaf and signing keys in ~/.acs-sandbox/ca or $ACS_SANDBOX_CA_DIR; state in memory)",
      ).env("ACS_SANDBOX_DATA_DIR"),
    )
    .addOption(
      new Option(
        "--store <url>",
        "keep all state in PostgreSQL (postgres://user:password@host:5432/db): replicas given the same URL serve one world behind a load balancer (docs/team-sandbox.md)",
      ).env("ACS_SANDBOX_STORE"),
    )
    .addOption(
      new Option(
        "--device-code-interval <duration>",
        'how long device code responses tell clients to wait between polls (default "5s", as Entra)',
      ).env("ACS_SANDBOX_DEVICE_CODE_INTERVAL"),
    )
    .addOption(new Option("--loose", "accept any ACS api-version as the newest").env("ACS_SANDBOX_LOOSE"))
    .addOption(
      new Option(
        "--unmodified",
        "answer as login.microsoftonline.com and <resource>.communication.azure.com on 443 (docs/unmodified.md)",
      ).env("ACS_SANDBOX_UNMODIFIED"),
    )
    .addOption(
      new Option(
        "--no-port-443",
        "do not also listen on 443 of the same address (then 127.0.0.1 is the default host)",
      ).env("ACS_SANDBOX_NO_PORT_443"),
    )
    .addOption(
      new Option(
        "--admin-token <token>",
        "require Authorization: Bearer <token> on the admin API (/_sandbox/*, but health and descriptor)",
      ).env("ACS_SANDBOX_ADMIN_TOKEN"),
    )
    .addOption(
      new Option("--debug <file>", "append every request and every failure's stack to FILE (JSON lines)").env(
        "ACS_SANDBOX_DEBUG",
      ),
    )
    .option("--json", "print exactly one line: the descriptor as JSON")
    .action(async (opts, command: Command) => {
      tuneHeapForServe();
      const unmodified = flag(opts.unmodified);
      // The real hosts answer on 443; a port given on purpose still wins.
      const port = Number(unmodified && command.getOptionValueSource("port") === "default" ? 443 : opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`Invalid --port "${opts.port}": expected a number from 0 to 65535`);
      }
      const hostnames: string[] = (
        Array.isArray(opts.hostname) ? opts.hostname : opts.hostname ? [opts.hostname] : []
      )
        .flatMap((h: string) => h.split(","))
        .filter(Boolean);
      if (opts.scenario && opts.world) {
        throw new Error(
          "--scenario and --world cannot be combined: a scenario's world: section already extends the default world. Put your changes there, or drop --scenario.",
        );
      }
      if (opts.adminToken !== undefined && !/^[\x21-\x7e]{16,}$/.test(opts.adminToken)) {
        throw new Error(
          "--admin-token: expected at least 16 visible ASCII characters without spaces (e.g. the output of `openssl rand -hex 16`)",
        );
      }
      // A fresh data dir needs RSA keys, a few hundred milliseconds of the thread pool: they are started
      // before the sandbox's own modules load, which takes the main thread about as long.
      prepareServerKeys({ dataDir: opts.dataDir, store: opts.store });
      const { startSandbox } = await import("../transports/start.js");
      const loose = flag(opts.loose);
      const listenOn443 = opts.port443 !== false && !flag(process.env.ACS_SANDBOX_NO_PORT_443);
      const start = (host: string) =>
        startSandbox({
          mode: "server",
          port,
          host,
          hostnames,
          unmodified,
          listenOn443,
          looseApiVersion: loose,
          ...(opts.scenario ? { scenario: opts.scenario } : {}),
          ...(opts.world ? { world: opts.world } : {}),
          ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          ...(opts.store ? { store: opts.store } : {}),
          ...(opts.adminToken ? { adminToken: opts.adminToken } : {}),
          ...(opts.debug ? { debugLog: opts.debug } : {}),
          ...(opts.deviceCodeInterval ? { deviceCodeInterval: opts.deviceCodeInterval } : {}),
        });
      const wants443 = unmodified || port === 443 || listenOn443;
      // The CA folder seeds the address: the same sandbox comes back where it was (port443.ts).
      const seed = resolve(opts.dataDir ? join(opts.dataDir, "ca") : defaultCaDir());
      const { sb, host } = await startOnOwnAddress(opts.host, wants443, start, port, seed);
      if (!opts.adminToken && !isLoopbackHost(host)) {
        // Before the banner, and on stderr, so `--json` still prints exactly one line on stdout.
        process.stderr.write(`\n${exposedAdminWarning(host)}\n`);
      }
      // Stopped cleanly from the moment anyone can know it started: a signal sent on reading the
      // descriptor must not find the default action (ending the process) still in place.
      const stop = async () => {
        await sb.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      process.stdout.write((opts.json ? JSON.stringify(sb.descriptor) : banner(sb.descriptor)) + "\n");
      hooks.onReady?.();
    });
}

/** The one-line message for a listen that failed, or the error itself when it is not one the user can fix. */
function listenFailure(err: unknown, port: number, host: string): Error {
  const failure = err as NodeJS.ErrnoException;
  if (failure.code === "EADDRINUSE" && failure.syscall === "listen") {
    return new Error(
      `Port ${port} on ${host} is already in use: stop what holds it, or leave out --port to take a free one`,
    );
  }
  if (failure.code === "EACCES" && failure.syscall === "listen") {
    return new Error(
      `Port ${port} on ${host} needs privileges this process lacks: run as root, or give node the ` +
        `capability (sudo setcap cap_net_bind_service=+ep $(command -v node)), or pick a port above 1023`,
    );
  }
  return err as Error;
}

/** Tries before giving up when other sandboxes keep winning the race for the addresses drawn. */
const ADDRESS_TRIES = 8;

/**
 * Starts on the address given, or, when none was and 443 is wanted, on an address of the sandbox's own
 * (port443.ts): another process may take 443 there between the look and the listen, so a loss moves on to
 * the next address. Without one to have (not Linux, no privilege for 443) 127.0.0.1 serves as before.
 */
async function startOnOwnAddress(
  given: string | undefined,
  wants443: boolean,
  start: (host: string) => Promise<RunningSandbox>,
  port: number,
  seed: string,
): Promise<{ sb: RunningSandbox; host: string }> {
  let own = given === undefined && wants443 ? await ownLoopbackAddress(seed) : undefined;
  for (let attempt = 1; ; attempt++) {
    const host = given ?? own?.address ?? "127.0.0.1";
    let sb: RunningSandbox;
    try {
      sb = await start(host);
    } catch (err) {
      const lostRace = own && (err as NodeJS.ErrnoException).code === "EADDRINUSE" && port === 443;
      if (!lostRace || attempt === ADDRESS_TRIES) throw listenFailure(err, port, host);
      own = await ownLoopbackAddress(seed, own!.next);
      continue;
    }
    if (own && attempt < ADDRESS_TRIES && port443Taken(sb.descriptor.port443, host)) {
      await sb.close();
      own = await ownLoopbackAddress(seed, own.next);
      continue;
    }
    return { sb, host };
  }
}
