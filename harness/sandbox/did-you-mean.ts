import { distance } from "fastest-levenshtein";
import type * as z from "zod";

/*
 * "did you mean" for a world or scenario file: an unknown key is answered with the known key nearest to
 * it, read from the very schema that refused it, so the suggestion can never name a key that is not one.
 */

/**
 * Words people bring from the Azure portal and Graph for a key the files spell otherwise: a typo of one of
 * these suggests the key (`appRegistations` → `apps`).
 */
const SYNONYMS: Record<string, string> = {
  appRegistrations: "apps",
  applications: "apps",
  tenant: "tenants",
  directories: "tenants",
  enterpriseApps: "servicePrincipals",
  enterpriseApplications: "servicePrincipals",
  resources: "acs",
};

/** The known word nearest to `word`, when it is near enough to be the one meant. */
export function nearestWord(word: string, known: readonly string[]): string | undefined {
  const wanted = word.toLowerCase();
  const candidates = [
    ...known.map((k) => ({ spelled: k, means: k })),
    ...Object.entries(SYNONYMS)
      .filter(([, key]) => known.includes(key))
      .map(([spelled, means]) => ({ spelled, means })),
  ];
  let best: { means: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(wanted, c.spelled.toLowerCase());
    // A third of the word may be wrong: `tenats`, `redirectUri`, `apRegistrations`; not `acs` for `ids`.
    if (d <= Math.max(1, Math.floor(c.spelled.length / 3)) && (!best || d < best.d))
      best = { means: c.means, d };
  }
  return best?.means;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  valueType?: z.ZodType;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
}

const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The object schemas a value at `path` of `schema` may be, looking through wrappers and unions. */
function objectsAt(schema: z.ZodType, path: readonly PropertyKey[], depth = 0): Def[] {
  if (depth > 64) return [];
  const def = defOf(schema);
  const inner = def.innerType ?? def.in ?? def.getter?.();
  if (inner) return objectsAt(inner, path, depth + 1);
  if (def.type === "union") return (def.options ?? []).flatMap((o) => objectsAt(o, path, depth + 1));
  if (path.length === 0) return def.type === "object" ? [def] : [];
  const [head, ...rest] = path;
  if (def.type === "object" && typeof head === "string" && def.shape?.[head])
    return objectsAt(def.shape[head], rest, depth + 1);
  if (def.type === "record" && def.valueType) return objectsAt(def.valueType, rest, depth + 1);
  if (def.type === "array" && typeof head === "number" && def.element)
    return objectsAt(def.element, rest, depth + 1);
  return [];
}

/** The keys an object at `path` of `schema` takes. */
export function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(objectsAt(schema, path).flatMap((def) => Object.keys(def.shape ?? {})))];
}

/** `Unknown key "tenats": did you mean "tenants"?`, or the keys there are when none is near. */
export function unknownKeyMessage(key: string, known: readonly string[], what = "key"): string {
  const near = nearestWord(key, known);
  if (near) return `Unknown ${what} "${key}": did you mean "${near}"?`;
  return known.length > 0
    ? `Unknown ${what} "${key}": expected one of ${known.join(", ")}`
    : `Unknown ${what} "${key}"`;
}

/** One issue of a zod error, as the world and scenario files report it. */
export interface LocatedIssue {
  /** Path from the schema's root, ending at the unknown key for an unknown key. */
  path: PropertyKey[];
  message: string;
  /** The path names a key the file should not have: its line is the key's own. */
  unknownKey?: boolean;
}

/** A zod error's issues, with each unknown key on its own and a "did you mean" where one is near. */
export function describeIssues(schema: z.ZodType, error: z.ZodError): LocatedIssue[] {
  return describe(schema, error.issues, []);
}

function describe(
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
  base: PropertyKey[],
): LocatedIssue[] {
  return issues.flatMap((issue): LocatedIssue[] => {
    const path = [...base, ...issue.path];
    if (issue.code === "invalid_union") {
      // `advanceClock: { bye: 1h }`: the one branch that names an unknown key is the shape that was meant.
      const meant = issue.errors.filter((branch) => branch.some((i) => i.code === "unrecognized_keys"));
      if (meant.length === 1) return describe(schema, meant[0]!, path);
    }
    if (issue.code !== "unrecognized_keys") return [{ path, message: issue.message }];
    const known = keysAt(schema, path);
    return issue.keys.map((key) => ({
      path: [...path, key],
      message: unknownKeyMessage(key, known),
      unknownKey: true,
    }));
  });
}
