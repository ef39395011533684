import { createServer, type Server } from "node:https";
import { createServer as createTcpServer } from "node:net";
import { platform } from "node:os";
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

function takenReason(host: string): string {
  return `Something else holds port 443 on ${host}`;
}

/** True when the 443 listener failed only because another process holds 443 on that address. */
export function port443Taken(status: Port443 | undefined, host: string): boolean {
  return status?.listening === false && status.reason === takenReason(host);
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
      reason: takenReason(host),
      fix:
        "Stop it, or let the sandbox take an address of its own: serve without --host does so on Linux, " +
        "where all of 127.0.0.0/8 is loopback (or name one: --host 127.0.0.2), and use the authority it prints",
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
    status: { listening: true, origin: origin443(displayHost), address: host, port: 443 },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/*
 * An address of the sandbox's own. On Linux every 127.x.y.z is loopback with no set-up, so a sandbox that
 * needs 443 (MSAL Python's user realm call; unmodified mode) takes 443 on an address no other sandbox
 * uses, and any number of sandboxes run side by side without flags. The first address is drawn from a
 * stable seed (the CA folder: a restarted sandbox comes back at the same address, with the same kept TLS
 * leaf and the same host file lines); when 443 is held there, the next ones are drawn from the seed and
 * the process id, so sandboxes started at the same moment spread out instead of queueing on one sequence.
 * 127.0.0.0/16 is left alone: 127.0.0.1, Debian's 127.0.1.1 host name and systemd-resolved's 127.0.0.53
 * live there.
 */

/** 127.a.b.c with a in 1..254, b in 0..255, c in 1..254. */
const SPAN = 254 * 256 * 254;
/** A stride coprime with SPAN, so successive tries spread across the range instead of crowding. */
const STRIDE = 7_919 * 131;

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/** The `index`-th address tried for `seed` by process `pid`: the first depends on the seed alone. */
export function loopbackCandidate(seed: string, index: number, pid = process.pid): string {
  const n = index === 0 ? fnv1a(seed) % SPAN : (fnv1a(`${seed}\0${pid}`) + index * STRIDE) % SPAN;
  const c = (n % 254) + 1;
  const b = Math.floor(n / 254) % 256;
  const a = Math.floor(n / (254 * 256)) + 1;
  return `127.${a}.${b}.${c}`;
}

/** Tries to hold `port` on `address` for a moment: undefined when it could, else the error code. */
function probe(address: string, port: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const server = createTcpServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code ?? "unknown"));
    server.listen({ port, host: address, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/**
 * A loopback address of this sandbox's own where 443 is free, starting from the `from`-th candidate; or
 * undefined where there is none to have (not Linux, no privilege for 443: 127.0.0.1 serves as before, and
 * the 443 listener says why it is missing). `next` is where a caller resumes when it loses a race for it.
 */
export async function ownLoopbackAddress(
  seed: string,
  from = 0,
): Promise<{ address: string; next: number } | undefined> {
  if (platform() !== "linux") return undefined;
  for (let index = from; index < from + 64; index++) {
    const address = loopbackCandidate(seed, index);
    const code = await probe(address, 443);
    if (code === undefined) return { address, next: index + 1 };
    if (code !== "EADDRINUSE") return undefined;
  }
  return undefined;
}
