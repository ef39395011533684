/**
 * A deep copy, frozen: what a store hands back can never be changed in place, so a caller that forgot to
 * write its change back fails at once (in every store) instead of only in the in-memory one.
 */
export function frozenCopy<T>(value: T): T {
  return deepFreeze(structuredClone(value));
}

/** Freezes a value (a freshly parsed one needs no copy) and everything in it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
