import { setupServer } from "msw/node";
import { sandboxHandlers } from "./msw.js";
import type { Lease } from "./running.js";

/*
 * Intercept mode shares one msw server per process (msw patches the process's HTTP modules once). The
 * handles that are open form a stack: the newest answers, and closing it hands the hosts back to the
 * one before. The stack holds handles' leases, not sandboxes: a closed handle is off the stack, and its
 * lease refuses, even when its sandbox is parked for the next test (pool.ts). With no handle open the
 * handlers pass every request through (`onUnhandledRequest: "bypass"`), so the server may stay installed
 * while the pool keeps a sandbox for the next test, which then pays nothing to intercept.
 */
const active: Lease[] = [];
let server: ReturnType<typeof setupServer> | undefined;
let closesOnExit = false;

/*
 * msw's interceptors are process-wide: every `setupServer()` of msw 2 shares one set of interceptor
 * objects (msw src/node/setupServer.ts, `defaultInterceptors`), a second server adds its listeners to
 * them, and closing any server disposes them, removing every server's listeners (@mswjs/interceptors
 * src/Interceptor.ts, `dispose`: `this.emitter.removeAllListeners()`). So a suite's own msw server,
 * closed between two of our tests, silently ends ours. A probe listener of ours on the interceptors
 * tells: when it is gone, so are our handlers, and ours is set up anew (never closed: that would dispose
 * the interceptors the other server may be using now).
 */
const INTERCEPTOR_SYMBOLS = [Symbol.for("client-request-interceptor"), Symbol.for("fetch-interceptor")];
interface RunningInterceptor {
  on(event: "request", listener: () => void): unknown;
  emitter: { listeners(event: "request"): unknown[] };
}
const globals = globalThis as unknown as Record<symbol, RunningInterceptor | undefined>;
const probe = () => {};

/** Whether our server's listeners are still on the process's interceptors. */
function listening(): boolean {
  return INTERCEPTOR_SYMBOLS.every((symbol) => globals[symbol]?.emitter.listeners("request").includes(probe));
}

export function attachInterception(lease: Lease): void {
  if (server && !listening()) server = undefined;
  if (!server) {
    const created = setupServer(...sandboxHandlers(() => active.at(-1)));
    created.listen({ onUnhandledRequest: "bypass" });
    for (const symbol of INTERCEPTOR_SYMBOLS) globals[symbol]?.on("request", probe);
    server = created;
    if (!closesOnExit) {
      closesOnExit = true;
      process.once("exit", closeServer);
    }
  }
  active.push(lease);
}

/** Takes a handle off the stack: the hosts go back to the one before it, or through to the network. */
export function detachInterception(lease: Lease): void {
  const index = active.indexOf(lease);
  if (index >= 0) active.splice(index, 1);
}

/**
 * Removes msw's patches when no handle is open, unless a parked sandbox will soon want them back
 * (`keepInstalled`).
 */
export function releaseInterception(keepInstalled: boolean): void {
  if (active.length === 0 && !keepInstalled) closeServer();
}

function closeServer(): void {
  if (server && listening()) server.close();
  server = undefined;
}
