import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { distance } from "fastest-levenshtein";
import { parse } from "yaml";
import { normalizeCode, type ExplainedError, type ExplainedService } from "../../core/catalog.js";
import type { ServiceName } from "../../core/operations.js";
import { aadCatalog } from "../../mock-aad/errors.js";
import { graphCatalog } from "../../mock-aad/graph/errors.js";
import { managedIdentityExplained } from "../../mock-aad/managed-identity-errors.js";
import { armCatalog } from "../../mock-acs/arm/errors.js";
import { acsCatalog } from "../../mock-acs/errors.js";
import { clientSideCatalog } from "./faults/client-codes.js";
import { SCENARIOS_DIR } from "../sandbox/paths.js";

/*
 * `acs-sandbox explain CODE`: what the emulators' own catalogs say about a code (the same entries the
 * mocks answer with, not a copy), plus the bundled scenarios whose steps expect that error. A code two
 * services answer with (`NotFound`: ACS and ARM; `InvalidAuthenticationToken`: Graph and ARM) is
 * explained once per service.
 */

export interface Explanation extends ExplainedError {
  /** Bundled scenarios (names) with a step expecting this error. */
  scenarios: string[];
}

export type ExplainResult =
  /** `found`: the first service's entry; `matches`: every service's, in catalog order. */
  { found: Explanation; matches: Explanation[] } | { found: undefined; nearest: string[] };

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

/**
 * Every catalogued code of every service (Entra ID, its managed identity endpoints, Microsoft Graph, ACS
 * Identity, ARM) and of the client libraries, without scenarios: what the runner's hints match on.
 */
export function explainedErrors(): ExplainedError[] {
  return [
    ...aadCatalog(),
    ...acsCatalog(),
    ...managedIdentityExplained(),
    ...graphCatalog(),
    ...armCatalog(),
    ...clientSideCatalog(),
  ];
}

let explained: Explanation[] | undefined;

/** Every code the emulators emit, with its reproducing scenarios (the catalogs are constant: built once). */
export function catalog(): Explanation[] {
  const byCode = (bundledByCode ??= scenariosByCode());
  return (explained ??= explainedErrors().map((entry) => ({
    ...entry,
    // Bundled scenarios drive Entra ID and ACS: a code they expect is theirs, not another service's namesake.
    scenarios:
      entry.service === "Microsoft Graph" || entry.service === "Azure Resource Manager"
        ? entry.scenario
          ? [entry.scenario]
          : []
        : (byCode.get(normalizeCode(entry.code)) ?? (entry.scenario ? [entry.scenario] : [])),
  })));
}

/** Which catalog a journal entry's service answers from. */
const SERVICES_OF: Record<ServiceName, ExplainedService[]> = {
  entra: ["Entra ID", "Managed identity"],
  graph: ["Microsoft Graph"],
  acs: ["ACS Identity"],
  arm: ["Azure Resource Manager"],
};

/**
 * The explanation of a code one service answered with (a journal entry's `errorCode` and `service`); the
 * first service's when the service is not known.
 */
export function explainAnswer(
  code: string,
  service: ServiceName | "admin" | undefined,
): Explanation | undefined {
  const key = normalizeCode(code);
  const services = service && service !== "admin" ? SERVICES_OF[service] : undefined;
  return catalog().find(
    (e) => normalizeCode(e.code) === key && (services === undefined || services.includes(e.service)),
  );
}

/** Looks a code up as people write it: `AADSTS650052`, `650052`, `invalidaccesstoken`. */
export function explain(input: string): ExplainResult {
  const entries = catalog();
  const key = normalizeCode(input);
  const matches = entries.filter((e) => normalizeCode(e.code) === key);
  if (matches.length > 0) return { found: matches[0]!, matches };
  const nearest = entries
    .map((e) => ({ code: e.code, d: distance(normalizeCode(e.code).toLowerCase(), key.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .map((e) => e.code)
    .filter((code, i, all) => all.indexOf(code) === i)
    .slice(0, 3);
  return { found: undefined, nearest };
}

/** The text `explain` prints for a code: each service's explanation, apart, when several answer with it. */
export function formatExplanations(matches: Explanation[]): string {
  if (matches.length === 1) return formatExplanation(matches[0]!);
  const services = matches.map((e) => e.service).join(", ");
  return [
    `${matches[0]!.code} is answered by ${matches.length} services (${services}):`,
    ...matches.map((e) => `\n${formatExplanation(e)}`),
  ].join("\n");
}

/** The text `explain` prints for a known code of one service. */
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
