import { once } from "node:events";
import { request } from "node:https";
import { connect, createServer, type Socket } from "node:net";

/*
 * A load balancer in miniature, for tests and benchmarks of a team sandbox: TCP (TLS passes through to
 * the replicas untouched, as HAProxy's `mode tcp` does in examples/team-sandbox), round robin over the
 * replicas whose `GET /_sandbox/health` last answered 200, and a connection refused by one replica
 * handed to the next (HAProxy's `option redispatch`). Loopback only.
 */

export interface Backend {
  host: string;
  port: number;
}

export interface RoundRobinProxy {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** `https://localhost:<port>`: where clients reach the replicas through the proxy. */
  origin: string;
  /** Connections handed to each backend so far, in the order the backends were given. */
  readonly connections: readonly number[];
  /** Whether each backend passed its last health check. */
  readonly healthy: readonly boolean[];
  /** Resolves once backend `index` is (or is not) healthy; rejects after `timeoutMs`. */
  waitForHealth(index: number, healthy: boolean, timeoutMs?: number): Promise<void>;
  /** Points backend `index` elsewhere: a replica restarted on another port. */
  replace(index: number, backend: Backend): void;
  close(): Promise<void>;
}

/** One health check: 200 from `/_sandbox/health` within a second. The replica's certificate is not checked. */
function healthCheck(backend: Backend): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(
      {
        host: backend.host,
        port: backend.port,
        path: "/_sandbox/health",
        rejectUnauthorized: false,
        agent: false,
        timeout: 1_000,
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => resolve(false));
    req.end();
  });
}

/** Starts the proxy in front of `backends`, after one round of health checks. */
export async function startRoundRobinProxy(
  backends: Backend[],
  options: { healthIntervalMs?: number } = {},
): Promise<RoundRobinProxy> {
  backends = [...backends];
  const connections = backends.map(() => 0);
  const healthy = backends.map(() => false);
  let next = 0;
  let closed = false;

  const checkAll = async () => {
    const results = await Promise.all(backends.map(healthCheck));
    results.forEach((ok, i) => (healthy[i] = ok));
  };
  await checkAll();
  const interval = options.healthIntervalMs ?? 500;
  let checking: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    checking = checking.then(() => (closed ? undefined : checkAll()));
  }, interval);
  timer.unref();

  /** Healthy backends first, from the next in turn; the others last, in case every check is stale. */
  const order = (): number[] => {
    const start = next;
    next = (next + 1) % backends.length;
    const turn = backends.map((_, i) => (start + i) % backends.length);
    return [...turn.filter((i) => healthy[i]), ...turn.filter((i) => !healthy[i])];
  };

  const open = new Set<Socket>();
  const server = createServer((client: Socket) => {
    open.add(client);
    client.once("close", () => open.delete(client));
    client.pause();
    client.on("error", () => {});
    const candidates = order();
    const attempt = () => {
      const index = candidates.shift();
      if (index === undefined) return client.destroy();
      const upstream = connect(backends[index]!);
      upstream.once("error", () => {
        // Refused before it was connected: that replica is down; the next one gets this client.
        healthy[index] = false;
        attempt();
      });
      upstream.once("connect", () => {
        connections[index]!++;
        upstream.removeAllListeners("error");
        upstream.on("error", () => client.destroy());
        client.on("error", () => upstream.destroy());
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    attempt();
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as { port: number };

  return {
    port,
    origin: `https://localhost:${port}`,
    connections,
    healthy,
    async waitForHealth(index, wanted, timeoutMs = 20_000) {
      const deadline = performance.now() + timeoutMs;
      while (healthy[index] !== wanted) {
        if (performance.now() > deadline) {
          throw new Error(
            `backend ${index} did not become ${wanted ? "healthy" : "unhealthy"} in ${timeoutMs} ms`,
          );
        }
        await new Promise((r) => setTimeout(r, interval / 2));
      }
    },
    replace(index, backend) {
      backends[index] = backend;
      healthy[index] = false;
    },
    async close() {
      closed = true;
      clearInterval(timer);
      // Each client's connection takes its replica's with it (the "close" handlers above).
      for (const socket of open) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
      await checking;
    },
  };
}
