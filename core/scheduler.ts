/**
 * Where the sandbox waits: injected latency and held connections. Waits are timers, so one slow answer
 * never blocks another request; `cancelAll()` ends them when the sandbox closes, so closing never hangs
 * on a connection a fault is holding open.
 *
 * @example
 * const scheduler = new Scheduler();
 * await scheduler.delay(250); // this request waits, others go on
 * scheduler.cancelAll();
 */
export class Scheduler {
  #pending = new Set<() => void>();

  /** Resolves after `ms` milliseconds of wall time, or at once when the scheduler is cancelled. */
  delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#pending.delete(finish);
        resolve();
      };
      const timer = setTimeout(finish, Math.max(0, ms));
      this.#pending.add(finish);
    });
  }

  /** How many waits are in progress. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Ends every wait now. */
  cancelAll(): void {
    for (const finish of [...this.#pending]) finish();
  }
}
