import { updateRecord, type SandboxStore } from "../../../core/store.js";
import type { FaultCounts } from "./injector.js";

/** Hits counted so far of one rule instance limited to `times`. */
interface Spent {
  spent: number;
}

const KIND = "sandbox.fault-hits";

/**
 * The hits of `times`-limited fault rules, counted in the sandbox's store: a compare-and-set increment,
 * so replicas sharing the store spend one count together (`times: 1` fires once, at whichever replica
 * takes the request first) and a restart on the same data dir does not fire a spent rule again.
 */
export class StoredFaultCounts implements FaultCounts {
  constructor(private readonly store: SandboxStore) {
    // Fault rules are durable (a document); what they have spent goes with them.
    store.declareKind(KIND, "durable");
  }

  async spend(instance: string, times: number): Promise<number | undefined> {
    let took = false;
    const after = await updateRecord<Spent>(this.store, KIND, instance, (current) => {
      took = false;
      const spent = current?.spent ?? 0;
      if (spent >= times) return undefined;
      took = true;
      return { spent: spent + 1 };
    });
    return took ? times - after!.spent : undefined;
  }

  async remaining(instance: string, times: number): Promise<number> {
    const found = await this.store.get<Spent>(KIND, instance);
    return Math.max(0, times - (found?.value.spent ?? 0));
  }

  async forget(instances: readonly string[]): Promise<void> {
    for (const instance of instances) await this.store.delete(KIND, instance);
  }
}
