import type { SandboxStore } from "../../core/store.js";
import { MemoryStore } from "../../harness/store/memory.js";

/*
 * A store as replicas see a shared one (PostgreSQL), in memory, with gates: a test holds one call of a
 * method until it lets it go, to force an interleaving that a real database only allows by chance.
 */

/** A gate: `wait()` blocks until `open()`. */
export function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, wait: () => opened };
}

/**
 * One store as several replicas see a shared one. `hold` makes the next call of a method wait for a gate:
 * a write before it reaches the store, a read after it read the store (so what it returns is stale by
 * the time the gate opens, as a slow answer over the network would be).
 */
export function sharedStore() {
  const inner = new MemoryStore();
  const held = new Map<string, Array<Promise<void>>>();
  const readsFirst = new Set(["versions", "readDocument", "readLog"]);
  const store = new Proxy(inner, {
    get(target, property, receiver) {
      if (property === "shared") return true;
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== "function") return value;
      return async (...args: unknown[]) => {
        const wait = held.get(String(property))?.shift();
        const call = () => (value as (...a: unknown[]) => unknown).apply(target, args);
        if (!wait) return call();
        if (!readsFirst.has(String(property))) return wait.then(call);
        const answer = await call();
        await wait;
        return answer;
      };
    },
  }) as unknown as SandboxStore;
  return {
    store,
    /** The next call of `method` waits for the returned gate to open. */
    hold(method: "versions" | "writeDocument" | "readDocument" | "append" | "readLog") {
      const g = gate();
      const waits = held.get(method) ?? [];
      waits.push(g.wait());
      held.set(method, waits);
      return g;
    },
  };
}
