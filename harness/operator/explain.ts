import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { distance } from "fastest-levenshtein";
import { parse } from "yaml";
import { normalizeCode, type ExplainedError } from "../../core/catalog.js";
import { aadCatalog } from "../../mock-aad/errors.js";
import { acsCatalog } from "../../mock-acs/errors.js";
import { managedIdentityExplained } from "../../mock-aad/managed-identity-errors.js";
import { clientSideCatalog } from "./faults/client-codes.js";
import { SCENARIOS_DIR } from "../sandbox/paths.js";

/*
 * `acs-sandbox explain CODE`: what the emulators' own catalogs say about a code (the same entries the
 * mocks answer with, not a copy), plus the bundled scenarios whose steps expect that error.
 */

export interface Explanation extends ExplainedError {
  /** Bundled scenarios (names) with a step expecting this error. */
  scenarios: string[];
}

export type ExplainResult = { found: Explanation } | { found: undefined; nearest: string[] };

/** Bundled scenario files, by the normalised codes their `expect: { error: { code } }` steps name. */
export function scenariosByCode(dir = SCENARIOS_DIR): Map<string, string[]> {
  const byCode = new Map<string, string[]>();
  for (const file of readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const doc = parse(readFileSync(join(dir, file), "utf8")) as { name?: string; steps?: unknown[] } | null;
    const name = doc?.name ?? basename(file).replace(/\.ya?ml$/, "");
    for (const step of doc?.steps ?? []) {
      const code = (step as { expect?: { error?: { code?: string | number } } })?.expect?.error?.code;
      if (code === undefined) continue;
      const key = normalizeCode(code);
      const list = byCode.get(key) ?? [];
      if (!list.includes(name)) list.push(name);
      byCode.set(key, list);
    }
  }
  return byCode;
}

/** The bundled scenarios ship with the package and do not change while it runs: read them once. */
let bundledByCode: Map<string, string[]> | undefined;

/** Every code the emulators emit (Entra ID, its managed identity endpoints, ACS), with its reproducing scenarios. */
export function catalog(): Explanation[] {
  const byCode = (bundledByCode ??= scenariosByCode());
  return [...aadCatalog(), ...acsCatalog(), ...managedIdentityExplained(), ...clientSideCatalog()].map(
    (entry) => ({
      ...entry,
      scenarios: byCode.get(normalizeCode(entry.code)) ?? (entry.scenario ? [entry.scenario] : []),
    }),
  );
}

/** Looks a code up as people write it: `AADSTS650052`, `650052`, `invalidaccesstoken`. */
export function explain(input: string): ExplainResult {
  const entries = catalog();
  const key = normalizeCode(input);
  const found = entries.find((e) => normalizeCode(e.code) === key);
  if (found) return { found };
  const nearest = entries
    .map((e) => ({ code: e.code, d: distance(normalizeCode(e.code).toLowerCase(), key.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((e) => e.code);
  return { found: undefined, nearest };
}

/** The text `explain` prints for a known code. */
export function formatExplanation(e: Explanation): string {
  const status =
    e.status === 0
      ? "no answer"
      : typeof e.status === "number"
        ? `HTTP ${e.status}`
        : e.status === "page"
          ? "error page"
          : "error redirect";
  return [
    `${e.code}  (${e.service}, ${status})`,
    ``,
    `Cause  ${e.cause}`,
    `Fix    ${e.fix}`,
    ``,
    ...(e.evidence.recorded ? [`Recorded  ${e.evidence.recorded}`] : []),
    ...(e.evidence.inferred ? [`Inferred  ${e.evidence.inferred}`] : []),
    ...(e.scenarios.length
      ? [
          ``,
          `Reproduce it:`,
          // By bundled name, so the line works from any directory.
          ...e.scenarios.map((s) => `  npx acs-sandbox run ${s}`),
        ]
      : []),
  ].join("\n");
}
