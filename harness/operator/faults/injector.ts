import { parseDuration } from "../../../core/duration.js";
import type { Clock } from "../../../core/clock.js";
import { operationChosenBy } from "../../sandbox/operations.js";
import type { RequestKind } from "./operations.js";
import { describeIssues, FaultRuleSchema, kindOf, type FaultKind, type FaultRuleSpec } from "./rules.js";

/** What a rule is matched against: the request's service, operation, client, method and path. */
export interface FaultTarget extends RequestKind {
  method: string;
  path: string;
  clientId: string | undefined;
}

/** A rule as `GET /_sandbox/faults` lists it: the spec plus its state. */
export interface FaultRule extends FaultRuleSpec {
  id: string;
  kind: FaultKind;
  /** Sandbox time the rule starts and stops (ISO), when it has a window. */
  activeFrom?: string;
  activeUntil?: string;
  /** How many requests it has changed so far. */
  hits: number;
  /** With `times`: how many more it will change. */
  remaining?: number;
}

/** A bad rule: the admin API answers 400 with this message. */
export class FaultRuleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultRuleError";
  }
}

/** mulberry32: a small seeded generator, so the same seed hits the same requests on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Stored {
  rule: FaultRule;
  from: number | undefined;
  until: number | undefined;
  random: () => number;
}

/** The decision for one request: which rule, and for latency and timeouts, how long. */
export interface FaultDecision {
  rule: FaultRule;
  delayMs: number;
}

/**
 * The fault rules of one sandbox. The first rule (in the order added) that matches a request and is
 * active, not spent, and wins its draw decides; a request no rule takes gets its normal answer.
 */
/** The rules as a store keeps them (`snapshot`/`restore`), so every replica applies the same ones. */
export interface FaultSnapshot {
  rules: FaultRule[];
  next: number;
}

export class FaultInjector {
  #rules: Stored[] = [];
  #next = 1;
  #listeners: (() => void)[] = [];

  constructor(private readonly clock: Clock) {}

  /** Calls `listener` after every add, remove and clear (not after hits, which stay per replica). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** The rules and the next id, for the store. */
  snapshot(): FaultSnapshot {
    return { rules: this.list(), next: this.#next };
  }

  /** Takes the rules another replica stored; no change listener hears it. */
  restore(snapshot: FaultSnapshot): void {
    this.#next = snapshot.next;
    this.#rules = snapshot.rules.map((stored) => {
      const rule = structuredClone(stored) as FaultRule;
      return {
        rule,
        from: rule.activeFrom !== undefined ? Date.parse(rule.activeFrom) : undefined,
        until: rule.activeUntil !== undefined ? Date.parse(rule.activeUntil) : undefined,
        random: seeded(rule.seed ?? 1),
      };
    });
  }

  /** Validates and adds a rule; a rule with the id of an existing one replaces it. */
  add(input: unknown): FaultRule {
    const parsed = FaultRuleSchema.safeParse(input);
    if (!parsed.success) throw new FaultRuleError(`Invalid fault rule: ${describeIssues(parsed.error)}`);
    const spec = parsed.data;
    const id = spec.id ?? `fault-${this.#next++}`;
    const now = this.clock.nowMs();
    const from =
      spec.from !== undefined
        ? Date.parse(spec.from)
        : spec.after !== undefined
          ? now + parseDuration(spec.after)
          : undefined;
    const until =
      spec.until !== undefined
        ? Date.parse(spec.until)
        : spec.for !== undefined
          ? (from ?? now) + parseDuration(spec.for)
          : undefined;
    const rule: FaultRule = {
      ...spec,
      id,
      kind: kindOf(spec),
      ...(from !== undefined ? { activeFrom: new Date(from).toISOString() } : {}),
      ...(until !== undefined ? { activeUntil: new Date(until).toISOString() } : {}),
      hits: 0,
      ...(spec.times !== undefined ? { remaining: spec.times } : {}),
    };
    const stored: Stored = { rule, from, until, random: seeded(spec.seed ?? 1) };
    const index = this.#rules.findIndex((s) => s.rule.id === id);
    if (index >= 0) this.#rules[index] = stored;
    else this.#rules.push(stored);
    this.#changed();
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.#rules.map((s) => ({ ...s.rule }));
  }

  /** Removes one rule; false when there was none of that id. */
  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((s) => s.rule.id !== id);
    if (this.#rules.length < before) this.#changed();
    return this.#rules.length < before;
  }

  clear(): void {
    this.#rules = [];
    this.#next = 1;
    this.#changed();
  }

  /** The fault for this request, if any; counts the hit. */
  decide(target: FaultTarget): FaultDecision | undefined {
    if (this.#rules.length === 0 || target.service === "admin") return undefined;
    const now = this.clock.nowMs();
    for (const stored of this.#rules) {
      const { rule } = stored;
      if (!matches(rule, target)) continue;
      if (stored.from !== undefined && now < stored.from) continue;
      if (stored.until !== undefined && now >= stored.until) continue;
      if (rule.remaining === 0) continue;
      // Every matching request draws, hit or not, so a seed fixes which requests are hit.
      if (rule.probability !== undefined && stored.random() >= rule.probability) continue;
      rule.hits++;
      if (rule.remaining !== undefined) rule.remaining--;
      return { rule: { ...rule }, delayMs: delayOf(rule, stored.random) };
    }
    return undefined;
  }
}

function matches(rule: FaultRule, target: FaultTarget): boolean {
  if (rule.service !== undefined && rule.service !== target.service) return false;
  if (rule.operation !== undefined && !operationChosenBy(rule.operation, target.operation)) return false;
  if (rule.method !== undefined && rule.method.toUpperCase() !== target.method) return false;
  if (rule.path !== undefined && !target.path.includes(rule.path)) return false;
  if (rule.clientId !== undefined && rule.clientId.toLowerCase() !== target.clientId?.toLowerCase())
    return false;
  return true;
}

/** Milliseconds a latency or timeout rule waits: fixed, or drawn within min..max. */
function delayOf(rule: FaultRule, random: () => number): number {
  if (rule.timeout !== undefined) return parseDuration(rule.timeout);
  if (rule.latency === undefined) return 0;
  if (typeof rule.latency !== "object") return parseDuration(rule.latency);
  const min = parseDuration(rule.latency.min);
  const max = parseDuration(rule.latency.max);
  return Math.round(Math.min(min, max) + random() * Math.abs(max - min));
}
