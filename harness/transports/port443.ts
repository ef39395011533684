import { createServer, type Server } from "node:https";
import type { FastifyInstance } from "fastify";
import type { Port443 } from "../sandbox/descriptor.js";

/*
 * A second HTTPS listener on port 443 of the sandbox's address, serving the same app. MSAL Python builds
 * its user realm URL from the authority's host name alone (msal/authority.py `user_realm_discovery`:
 * "https://{netloc}/common/userrealm/…" with netloc the host without its port), so a password sign-in
 * against `https://localhost:8443/<tenant>` asks `https://localhost/common/userrealm/…` first.
 */

export interface Listener443 {
  status: Port443;
  close(): Promise<void>;
}

/** The origin a client writes for `host` on 443: no port, IPv6 literals in brackets. */
function origin443(displayHost: string): string {
  return `https://${displayHost}`;
}

function failure(code: string | undefined, host: string): Port443 {
  if (code === "EACCES") {
    return {
      listening: false,
      reason: `Port 443 needs privileges this process lacks (EACCES on ${host}:443)`,
      fix:
        "Run as root, give node the capability (sudo setcap cap_net_bind_service=+ep $(command -v node)), " +
        "allow unprivileged low ports (sudo sysctl net.ipv4.ip_unprivileged_port_start=443), " +
        "or use the container, which listens on 443 too",
    };
  }
  if (code === "EADDRINUSE") {
    return {
      listening: false,
      reason: `Something else holds port 443 on ${host}`,
      fix:
        "Stop it, or give the sandbox an address of its own (--host 127.0.0.2 on Linux, where all of " +
        "127.0.0.0/8 is loopback) and use that address in the authority",
    };
  }
  return {
    listening: false,
    reason: `Port 443 on ${host} could not be opened (${code ?? "unknown error"})`,
    fix: "Serve with --port 443, or use the container, which listens on 443 too",
  };
}

/**
 * Listens on 443 of `host` as well, handing requests to `app`. Never throws: when 443 cannot be had the
 * status says why and what to do, for the banner and the descriptor.
 */
export async function listenOn443(
  app: FastifyInstance,
  tls: { key: string; cert: string },
  host: string,
  displayHost: string,
): Promise<Listener443> {
  const server: Server = createServer(tls, (req, res) => app.routing(req, res));
  const code = await new Promise<string | undefined>((resolve) => {
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code));
    server.listen(443, host, () => resolve(undefined));
  });
  if (code !== undefined) {
    return { status: failure(code, host), close: async () => undefined };
  }
  return {
    status: { listening: true, origin: origin443(displayHost) },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
