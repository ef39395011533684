import { connect, createServer, type Server, type Socket } from "node:net";

/*
 * A load balancer for tests: a TCP proxy on loopback that passes TLS through untouched (the replicas'
 * own certificates answer) and sends each new connection to the next upstream in turn, as a layer-4
 * balancer in round-robin mode does. It sees no requests, only connections: a client that keeps a
 * connection alive stays on one replica, so a test that wants its requests spread opens a connection per
 * request (keep-alive off). An upstream that refuses the connection (a replica killed) is skipped for the
 * next one, as a balancer's health check would.
 */

export interface RoundRobinProxy {
  /** `https://localhost:<port>`: where clients reach the replicas through the proxy. */
  origin: string;
  /** How many connections each upstream (by its index in `upstreams`) has taken so far. */
  readonly served: number[];
  /** The upstream ports, in turn order; replace one when a replica restarts on another port. */
  upstreams: number[];
  close(): Promise<void>;
}

/** Starts a proxy to the given loopback ports; `close()` it when done. */
export async function startRoundRobinProxy(upstreams: number[]): Promise<RoundRobinProxy> {
  const sockets = new Set<Socket>();
  let turn = 0;
  const proxy = {
    origin: "",
    served: upstreams.map(() => 0),
    upstreams: [...upstreams],
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  /** Connects `client` to the next upstream that accepts, trying each at most once. */
  function route(client: Socket, tried: number): void {
    if (tried >= proxy.upstreams.length) {
      client.destroy();
      return;
    }
    const index = turn++ % proxy.upstreams.length;
    const upstream = connect({ host: "127.0.0.1", port: proxy.upstreams[index]! });
    sockets.add(upstream);
    upstream.once("close", () => sockets.delete(upstream));
    const refused = () => {
      upstream.destroy();
      route(client, tried + 1);
    };
    upstream.once("error", refused);
    upstream.once("connect", () => {
      upstream.off("error", refused);
      proxy.served[index] = (proxy.served[index] ?? 0) + 1;
      client.pipe(upstream);
      upstream.pipe(client);
      // Either side gone (a replica killed mid-request): the other is cut too, as a balancer does.
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
      upstream.once("close", () => client.destroy());
      client.once("close", () => upstream.destroy());
      client.resume();
    });
  }

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => {});
    route(client, 0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  proxy.origin = `https://localhost:${(server.address() as { port: number }).port}`;
  return proxy;
}
