import type { FaultInjector, FaultRule } from "./injector.js";
import type { FaultRuleInput } from "./rules.js";

export type { FaultRule } from "./injector.js";
export type { FaultRuleInput } from "./rules.js";

/**
 * Fault rules as tests use them (the in-process face of `/_sandbox/faults`).
 *
 * @example
 * sb.faults.add({ service: "acs", operation: "exchange", status: 429, retryAfter: 0, times: 2 });
 */
export interface SandboxFaults {
  /** Adds a rule (validated as `POST /_sandbox/faults`); returns it with its id. */
  add(rule: FaultRuleInput): FaultRule;
  list(): FaultRule[];
  remove(id: string): boolean;
  clear(): void;
}

export function sandboxFaults(injector: FaultInjector): SandboxFaults {
  return {
    add: (rule) => injector.add(rule),
    list: () => injector.list(),
    remove: (id) => injector.remove(id),
    clear: () => injector.clear(),
  };
}
