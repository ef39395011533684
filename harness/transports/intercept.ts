import { setupServer } from "msw/node";
import { sandboxHandlers } from "./msw.js";
import type { Lease } from "./running.js";

/*
 * Intercept mode shares one msw server per process (msw patches the process's HTTP modules once). The
 * handles that are open form a stack: the newest answers, and closing it hands the hosts back to the
 * one before. The stack holds handles' leases, not sandboxes: a closed handle is off the stack and its
 * lease refuses, even when its sandbox is parked for the next test (pool.ts).
 *
 * When the last handle closes, msw's patches come off at the next turn of the event loop: with them on,
 * every request of the process goes through msw, and its passthrough is not transparent to every client
 * (an HTTPS_PROXY agent's request hangs; test/third-party/credentials-environment.test.ts). Not at once,
 * because the next test of a file starts its sandbox in the same turn (vitest runs a file's tests back
 * to back), and a request made right after patching again ran ~0.7 ms slower (its code cold again).
 * The server object itself (its handlers, ~70% of msw's set-up) is kept in any case.
 */
const active: Lease[] = [];
let server: ReturnType<typeof setupServer> | undefined;
let listening = false;

/*
 * msw's interceptors are process-wide: every `setupServer()` of msw 2 shares one set of interceptor
 * objects (msw src/node/setupServer.ts, `defaultInterceptors`), a second server adds its listeners to
 * them, and closing any server disposes them, removing every server's listeners (@mswjs/interceptors
 * src/Interceptor.ts, `dispose`: `this.emitter.removeAllListeners()`). So a suite's own msw server,
 * closed while one of our sandboxes is open, silently ends ours. A probe listener of ours on the
 * interceptors tells: when it is gone, so are our handlers, and ours is set up anew (never closed: that
 * would dispose the interceptors the other server may be using now).
 */
const INTERCEPTOR_SYMBOLS = [Symbol.for("client-request-interceptor"), Symbol.for("fetch-interceptor")];
interface RunningInterceptor {
  on(event: "request", listener: () => void): unknown;
  emitter: { listeners(event: "request"): unknown[] };
}
const globals = globalThis as unknown as Record<symbol, RunningInterceptor | undefined>;
const probe = () => {};

/** Whether our server's listeners are still on the process's interceptors. */
function patched(): boolean {
  return INTERCEPTOR_SYMBOLS.every((symbol) => globals[symbol]?.emitter.listeners("request").includes(probe));
}

function requestListeners(): unknown[] {
  return INTERCEPTOR_SYMBOLS.flatMap((symbol) => globals[symbol]?.emitter.listeners("request") ?? []);
}

/** The request listeners our server's `listen()` added (and the probe): any other is another server's. */
let ours = new Set<unknown>([probe]);

/** Whether another msw server (the suite's own) listens on the interceptors too: closing ours would end it. */
function othersListening(): boolean {
  return requestListeners().some((listener) => !ours.has(listener));
}

/** The patches' removal, put off to the next turn of the event loop (see detachInterception). */
let unpatchSoon: NodeJS.Immediate | undefined;

function cancelUnpatch(): void {
  if (unpatchSoon) clearImmediate(unpatchSoon);
  unpatchSoon = undefined;
}

export function attachInterception(lease: Lease): void {
  cancelUnpatch();
  if (listening && !patched()) {
    server = undefined;
    listening = false;
  }
  if (!listening) {
    server ??= setupServer(...sandboxHandlers(() => active.at(-1)));
    const before = new Set(requestListeners());
    server.listen({ onUnhandledRequest: "bypass" });
    ours = new Set([probe, ...requestListeners().filter((listener) => !before.has(listener))]);
    for (const symbol of INTERCEPTOR_SYMBOLS) globals[symbol]?.on("request", probe);
    listening = true;
  }
  active.push(lease);
}

/** Takes a handle off the stack: the hosts go back to the one before it, or, with none, to the network. */
export function detachInterception(lease: Lease): void {
  const index = active.indexOf(lease);
  if (index >= 0) active.splice(index, 1);
  if (active.length > 0 || !listening || unpatchSoon) return;
  // Off at the next turn of the event loop unless a sandbox starts first: a suite's next test starts its
  // sandbox right after the last one closed, and patching again made that test's requests run cold.
  unpatchSoon = setImmediate(releaseInterception);
  unpatchSoon.unref();
}

/**
 * With no sandbox open, takes msw's patches off now (`releaseSandboxPool`, or the next turn after the
 * last close). Not while another msw server listens on the same interceptors: closing ours would dispose
 * them under it. Ours then stays, answering nothing (its handlers pass every request on), until that
 * server closes and takes the interceptors with it.
 */
export function releaseInterception(): void {
  cancelUnpatch();
  if (active.length > 0 || !listening) return;
  if (!patched()) {
    server = undefined;
    listening = false;
  } else if (!othersListening()) {
    server?.close();
    listening = false;
  }
}
