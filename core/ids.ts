import { v5 as uuidv5, validate as isUuid } from "uuid";

/** Namespace of every deterministic id the sandbox derives, so the same world gives the same ids on every run. */
const SANDBOX_NAMESPACE = "3c7b1a52-6a55-4f3e-9f0c-acd5a2d7b0e1";

/**
 * A stable UUIDv5 for a named object of the world.
 *
 * @example deterministicId("tenant", "fabrikam") // the same GUID on every machine and run
 */
export function deterministicId(kind: string, ...names: string[]): string {
  const name = `${kind}:${names.join(":")}`;
  let id = derived.get(name);
  if (id === undefined) {
    id = uuidv5(name, SANDBOX_NAMESPACE);
    // Every sandbox a test starts derives the same few hundred ids; a bounded memo keeps it cheap.
    if (derived.size >= MAX_DERIVED) derived.clear();
    derived.set(name, id);
  }
  return id;
}

const MAX_DERIVED = 10_000;
const derived = new Map<string, string>();

export { isUuid };

/** The one GUID shape (8-4-4-4-12 hex digits), for patterns that embed it. */
export const GUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const GUID = new RegExp(`^${GUID_PATTERN}$`, "i");

/** True for any GUID-shaped string, as Entra and ACS accept them (no version or variant check). */
export function isGuid(value: string): boolean {
  return GUID.test(value);
}
