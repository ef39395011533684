import type { Sandbox } from "../sandbox/sandbox.js";

/*
 * The sandbox behind a running one, for the harness's own transports (`sandboxHandlers(sb)`) and the
 * runner. Kept under a symbol the package does not export, so the public type `RunningSandbox` shows
 * no internals; a symbol rather than a WeakMap so it survives the proxy `suiteSandbox()` hands out.
 *
 * What sits under the symbol is a lease, not the sandbox: one handle's claim on a sandbox from
 * `startSandbox()` to `close()`. A sandbox outlives its handle when `close()` parks it for the next
 * `startSandbox()` (pool.ts); the closed handle's lease refuses everything from then on, so a closed
 * sandbox never answers again even though the same app answers the next test.
 */
const LEASE = Symbol("acs-sandbox.lease");

/** What a closed handle says to every call. */
export class SandboxClosedError extends Error {
  constructor() {
    super("this sandbox was closed: a closed sandbox never answers again; start another with startSandbox()");
    this.name = "SandboxClosedError";
  }
}

/** One handle's claim on a sandbox: its requests are counted, so closing can wait for them to end. */
export class Lease {
  #sandbox: Sandbox | undefined;
  readonly #inflight = new Set<Promise<unknown>>();

  constructor(sandbox: Sandbox) {
    this.#sandbox = sandbox;
  }

  /** The sandbox, while the handle is open; a closed one throws {@link SandboxClosedError}. */
  get sandbox(): Sandbox {
    if (!this.#sandbox) throw new SandboxClosedError();
    return this.#sandbox;
  }

  get open(): boolean {
    return this.#sandbox !== undefined;
  }

  /** Runs one request on the sandbox (refused once closed), counted until it settles. */
  async answer<T>(work: (sandbox: Sandbox) => Promise<T>): Promise<T> {
    const running = work(this.sandbox);
    this.#inflight.add(running);
    try {
      return await running;
    } finally {
      this.#inflight.delete(running);
    }
  }

  /**
   * Ends the claim: from now on every use refuses. Waits that faults added (latency, held connections)
   * end at once, and the requests still running get `graceMs` to finish. Returns the sandbox and whether
   * nothing of this handle still runs on it (only then may another handle have it).
   */
  async end(graceMs: number): Promise<{ sandbox: Sandbox; settled: boolean } | undefined> {
    const sandbox = this.#sandbox;
    if (!sandbox) return undefined;
    this.#sandbox = undefined;
    sandbox.scheduler.cancelAll();
    if (this.#inflight.size === 0) return { sandbox, settled: true };
    let timer: NodeJS.Timeout | undefined;
    const settled = await Promise.race([
      Promise.allSettled([...this.#inflight]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      }),
    ]);
    clearTimeout(timer);
    // A request that started a new wait after the first cancel (a latency fault decided late) ends too.
    sandbox.scheduler.cancelAll();
    return { sandbox, settled: settled && this.#inflight.size === 0 };
  }
}

/** Attaches its lease to a running sandbox's public object, out of sight of its type. */
export function withLease<T extends object>(running: T, lease: Lease): T {
  Object.defineProperty(running, LEASE, { value: lease, enumerable: false });
  return running;
}

/** The lease behind a running sandbox that `startSandbox()` made, or undefined for anything else. */
export function leaseOf(running: object): Lease | undefined {
  return (running as { [LEASE]?: Lease })[LEASE];
}

/**
 * The sandbox behind a running sandbox that `startSandbox()` made, or undefined for anything else;
 * throws {@link SandboxClosedError} once that handle is closed.
 */
export function sandboxOf(running: object): Sandbox | undefined {
  return leaseOf(running)?.sandbox;
}
