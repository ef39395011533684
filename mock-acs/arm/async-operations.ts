import { randomUUID } from "node:crypto";
import type { Clock } from "../../core/clock.js";
import type { SandboxStore } from "../../core/store.js";

/** A long-running operation as its status URL reports it. */
export interface AsyncOperation {
  /** The ARM id of the resource the operation created. */
  resourceId: string;
  startTime: string;
  endTime: string;
}

const KIND = "arm.async-operation";
/**
 * [infer] How long ARM answers an operation's status URL after it ended: not documented; a day is more
 * than any client polls for (Azure SDK pollers stop at the first terminal status).
 */
const KEPT_FOR_MS = 24 * 3_600_000;

/**
 * The long-running operations ARM answered 201/202 for, by operation id, kept in the sandbox's store so
 * that a poll of the `Azure-AsyncOperation` URL reaching another replica finds the operation too.
 */
export class AsyncOperations {
  constructor(
    private readonly store: SandboxStore,
    private readonly clock: Clock,
  ) {
    // Polled for seconds after the answer: one process's memory suffices unless replicas share a store.
    store.declareKind(KIND, "transient");
  }

  /** Records an operation (already finished: the sandbox provisions at once); resolves to its id. */
  async start(resourceId: string): Promise<string> {
    const nowMs = this.clock.nowMs();
    // The ones no client polled any more are forgotten as new ones start, so the kind stays small.
    await this.store.sweep(KIND, nowMs);
    const id = randomUUID();
    const now = new Date(nowMs).toISOString();
    const operation: AsyncOperation = { resourceId, startTime: now, endTime: now };
    await this.store.put(KIND, id, operation, { expiresAtMs: nowMs + KEPT_FOR_MS });
    return id;
  }

  async find(id: string): Promise<AsyncOperation | undefined> {
    return (await this.store.get<AsyncOperation>(KIND, id))?.value;
  }

  clear(): Promise<void> {
    return this.store.clear([KIND]);
  }
}
