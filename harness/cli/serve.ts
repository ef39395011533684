import { Command, Option } from "commander";
import type { Descriptor } from "../sandbox/descriptor.js";
import { startSandbox } from "../transports/start.js";

/** The human banner `serve` prints: where everything is and how each client library points at it. */
export function banner(d: Descriptor): string {
  const host = new URL(d.baseUrl).host;
  const fabrikam = d.tenants.find((t) => t.name === "fabrikam") ?? d.tenants[0];
  const app = d.apps[0];
  const lines = [
    `acs-sandbox is ready at ${d.baseUrl}`,
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
  ];
  if (d.caCertPath) {
    lines.push(
      ``,
      `Trust the sandbox CA: ${d.caCertPath}`,
      `  export NODE_EXTRA_CA_CERTS=${d.caCertPath}`,
      `  (.NET/Python/Java: add it to the OS or runtime trust store, or to REQUESTS_CA_BUNDLE / SSL_CERT_FILE)`,
    );
  }
  lines.push(
    ``,
    `Point your client at it`,
    `  MSAL Node         auth: { clientId: "${app?.clientId ?? "<client id>"}", authority: "${fabrikam?.authority ?? d.authority}", knownAuthorities: ["${host}"] }`,
    `  @azure/identity   new UsernamePasswordCredential(tenantId, clientId, upn, password, { authorityHost: "${d.baseUrl}", disableInstanceDiscovery: true })`,
    `  MSAL.NET          .WithAuthority("${fabrikam?.authority ?? d.authority}", validateAuthority: false)   (or .WithInstanceDiscovery(false))`,
    `  MSAL Python       PublicClientApplication(client_id, authority="${fabrikam?.authority ?? d.authority}", instance_discovery=False)`,
    ``,
    `Admin API: ${d.baseUrl}/_sandbox/{descriptor,world,clock,reset,requests}   Ctrl+C stops.`,
  );
  return lines.join("\n");
}

export function serveCommand(): Command {
  return new Command("serve")
    .description("Start the fake Entra ID and ACS Identity service over HTTPS on one port")
    .addOption(
      new Option("--scenario <file|name>", "load the world of a scenario file or bundled scenario").env(
        "ACS_SANDBOX_SCENARIO",
      ),
    )
    .addOption(new Option("--world <file>", "load a world file (YAML or JSON)").env("ACS_SANDBOX_WORLD"))
    .addOption(
      new Option("--port <port>", "port to listen on (0 picks a free one)")
        .default("8443")
        .env("ACS_SANDBOX_PORT"),
    )
    .addOption(
      new Option("--host <host>", "address to listen on").default("127.0.0.1").env("ACS_SANDBOX_HOST"),
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
        "keep the CA, signing keys and ACS identities here (default: CA, TLS leaf and signing keys in ~/.acs-sandbox/ca or $ACS_SANDBOX_CA_DIR; identities in memory)",
      ).env("ACS_SANDBOX_DATA_DIR"),
    )
    .addOption(
      new Option(
        "--device-code-interval <duration>",
        'how long device code responses tell clients to wait between polls (default "5s", as Entra)',
      ).env("ACS_SANDBOX_DEVICE_CODE_INTERVAL"),
    )
    .addOption(new Option("--loose", "accept any ACS api-version as the newest").env("ACS_SANDBOX_LOOSE"))
    .option("--json", "print exactly one line: the descriptor as JSON")
    .action(async (opts) => {
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) {
        throw new Error(`Invalid --port "${opts.port}": expected a number from 0 to 65535`);
      }
      const hostnames: string[] = (
        Array.isArray(opts.hostname) ? opts.hostname : opts.hostname ? [opts.hostname] : []
      )
        .flatMap((h: string) => h.split(","))
        .filter(Boolean);
      const loose =
        opts.loose === true || (typeof opts.loose === "string" && !/^(0|false|no)$/i.test(opts.loose));
      let sb;
      try {
        sb = await startSandbox({
          mode: "server",
          port,
          host: opts.host,
          hostnames,
          looseApiVersion: loose,
          ...(opts.scenario ? { scenario: opts.scenario } : {}),
          ...(opts.world ? { world: opts.world } : {}),
          ...(opts.publicUrl ? { publicUrl: opts.publicUrl } : {}),
          ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
          ...(opts.deviceCodeInterval ? { deviceCodeInterval: opts.deviceCodeInterval } : {}),
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
          throw new Error(
            `Port ${port} on ${opts.host} is already in use: stop what holds it, or pass --port 0 to pick a free port`,
          );
        }
        throw err;
      }
      process.stdout.write((opts.json ? JSON.stringify(sb.descriptor) : banner(sb.descriptor)) + "\n");
      const stop = async () => {
        await sb.close();
        process.exit(0);
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
}
