import { randomUUID } from "node:crypto";
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
  /** How many requests it has changed so far (at this replica). */
  hits: number;
  /** With `times`: how many more it will change (at every replica together, when they share a store). */
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
  /** This addition of the rule: a rule added again under its id starts a new count. */
  instance: string;
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
  /** Each rule's instance (by id), naming its shared count. */
  instances?: Record<string, string>;
}

/**
 * Where the hits of rules limited to `times` are counted. The default counts in this process; a
 * sandbox with a store counts there, so `times: 1` fires once across every replica.
 */
export interface FaultCounts {
  /** Counts one hit if fewer than `times` were counted: resolves to how many remain then, else undefined. */
  spend(instance: string, times: number): Promise<number | undefined>;
  /** How many hits remain. */
  remaining(instance: string, times: number): Promise<number>;
  /** Forgets the counts of rules removed. */
  forget(instances: readonly string[]): Promise<void>;
}

/** Counts in this process: what a sandbox without a store, or a unit test, uses. */
export class LocalFaultCounts implements FaultCounts {
  readonly #spent = new Map<string, number>();

  async spend(instance: string, times: number): Promise<number | undefined> {
    const spent = this.#spent.get(instance) ?? 0;
    if (spent >= times) return undefined;
    this.#spent.set(instance, spent + 1);
    return times - spent - 1;
  }

  async remaining(instance: string, times: number): Promise<number> {
    return times - (this.#spent.get(instance) ?? 0);
  }

  async forget(instances: readonly string[]): Promise<void> {
    for (const instance of instances) this.#spent.delete(instance);
  }
}

export class FaultInjector {
  #rules: Stored[] = [];
  #next = 1;
  #listeners: (() => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly counts: FaultCounts = new LocalFaultCounts(),
  ) {}

  /** Calls `listener` after every add, remove and clear (not after hits: `counts` keeps those). */
  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }

  /** The rules and the next id, for the store. */
  snapshot(): FaultSnapshot {
    return {
      rules: this.list(),
      next: this.#next,
      instances: Object.fromEntries(this.#rules.map((s) => [s.rule.id, s.instance])),
    };
  }

  /**
   * Takes the rules another replica stored; no change listener hears it. A rule instance this replica
   * already holds keeps its own generator: re-seeding it on every re-read would make each request draw
   * the sequence's first number again, so a seeded probability would hit all requests or none.
   */
  restore(snapshot: FaultSnapshot): void {
    this.#next = snapshot.next;
    const held = new Map(this.#rules.map((s) => [s.instance, s.random]));
    this.#rules = snapshot.rules.map((stored) => {
      const rule = structuredClone(stored) as FaultRule;
      // A document written before rules had instances: the id names the count.
      const instance = snapshot.instances?.[rule.id] ?? rule.id;
      return {
        rule,
        instance,
        from: rule.activeFrom !== undefined ? Date.parse(rule.activeFrom) : undefined,
        until: rule.activeUntil !== undefined ? Date.parse(rule.activeUntil) : undefined,
        random: held.get(instance) ?? seeded(rule.seed ?? 1),
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
    const stored: Stored = { rule, instance: randomUUID(), from, until, random: seeded(spec.seed ?? 1) };
    const index = this.#rules.findIndex((s) => s.rule.id === id);
    if (index >= 0) {
      this.#forget([this.#rules[index]!]);
      this.#rules[index] = stored;
    } else this.#rules.push(stored);
    this.#changed();
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.#rules.map((s) => ({ ...s.rule }));
  }

  /** The rules with `remaining` as counted across replicas (`GET /_sandbox/faults`). */
  async listCounted(): Promise<FaultRule[]> {
    return Promise.all(
      this.#rules.map(async (s) => {
        if (s.rule.times === undefined) return { ...s.rule };
        s.rule.remaining = await this.counts.remaining(s.instance, s.rule.times);
        return { ...s.rule };
      }),
    );
  }

  /** Counts of rules gone are forgotten; a count the store could not forget is harmless. */
  #forget(gone: readonly Stored[]): void {
    const instances = gone.filter((s) => s.rule.times !== undefined).map((s) => s.instance);
    if (instances.length > 0) void this.counts.forget(instances).catch(() => {});
  }

  /** Removes one rule; false when there was none of that id. */
  remove(id: string): boolean {
    const gone = this.#rules.filter((s) => s.rule.id === id);
    this.#rules = this.#rules.filter((s) => s.rule.id !== id);
    if (gone.length > 0) {
      this.#forget(gone);
      this.#changed();
    }
    return gone.length > 0;
  }

  clear(): void {
    this.#forget(this.#rules);
    this.#rules = [];
    this.#next = 1;
    this.#changed();
  }

  /** Whether any rule is set: with none, a request need not be described to `decide`. */
  get active(): boolean {
    return this.#rules.length > 0;
  }

  /**
   * The fault for this request, if any; counts the hit. A rule limited to `times` takes the hit only
   * if its shared count still allows one (of two replicas racing for the last, one gets it).
   */
  async decide(target: FaultTarget): Promise<FaultDecision | undefined> {
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
      if (rule.times !== undefined) {
        const remaining = await this.counts.spend(stored.instance, rule.times);
        // Spent at another replica meanwhile: the next rule may still take the request.
        rule.remaining = remaining ?? 0;
        if (remaining === undefined) continue;
      }
      rule.hits++;
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
