/**
 * How sure a catalog entry's wire form is: `recorded` names where the status, code and message were
 * seen (a recording, a spec, a quoted response); `inferred` says what is our guess and why, alone or
 * beside `recorded` when only part of the answer is a guess. Entries with `inferred` are the list in
 * docs/differences-from-azure.md.
 */
export type Evidence = { recorded: string; inferred?: string } | { inferred: string; recorded?: undefined };

/** Which service answers with a code, as `explain` and the reference tables name it. */
export type ExplainedService =
  | "Entra ID"
  | "Managed identity"
  | "Microsoft Graph"
  | "ACS Identity"
  | "Azure Resource Manager"
  | "client library";

/**
 * What every error catalog (mock-aad/errors.ts, mock-aad/managed-identity-errors.ts,
 * mock-aad/graph/errors.ts, mock-acs/errors.ts, mock-acs/arm/errors.ts) says about each code it emits, in
 * a form `acs-sandbox explain` can print. The wire shape (status, body) stays in each catalog; this is the
 * part a person reads. A code is unique within a service; two services may share one (`NotFound`,
 * `InvalidAuthenticationToken`), and `explain` then lists both.
 */
export interface ExplainedError {
  /** As users see it: `AADSTS650052`, `InvalidAccessToken`. */
  code: string;
  /** Which service answers with it. */
  service: ExplainedService;
  /** HTTP status, or "page"/"redirect" for browser-facing errors. */
  status: number | "page" | "redirect";
  /** Cause in plain words. */
  cause: string;
  /** What fixes it, naming the quickstart step where there is one (e.g. "Admin step 7: ..."). */
  fix: string;
  /** Bundled scenario that reproduces it, when there is one (file name without extension). */
  scenario?: string;
  /** Where the wire form comes from, or why it is a guess. */
  evidence: Evidence;
}

/** A code as people write it, made comparable: `650052`, `aadsts650052` and `AADSTS650052` are one code; ACS codes ignore case. */
export function normalizeCode(code: string | number): string {
  const text = String(code).trim();
  if (/^\d+$/.test(text)) return `AADSTS${text}`;
  if (/^aadsts\d+$/i.test(text)) return text.toUpperCase();
  return text.toLowerCase();
}
