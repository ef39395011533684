/**
 * How sure a catalog entry's wire form is: `recorded` names where the status, code and message were
 * seen (a recording, a spec, a quoted response); `inferred` says what is our guess and why, alone or
 * beside `recorded` when only part of the answer is a guess. Entries with `inferred` are the list in
 * docs/differences-from-azure.md.
 */
export type Evidence = { recorded: string; inferred?: string } | { inferred: string; recorded?: undefined };

/**
 * What both error catalogs (mock-aad/errors.ts, mock-acs/errors.ts) say about each code they emit, in a
 * form `acs-sandbox explain` can print. The wire shape (status, body) stays in each catalog; this is the
 * part a person reads.
 */
export interface ExplainedError {
  /** As users see it: `AADSTS650052`, `InvalidAccessToken`. */
  code: string;
  /** Which service answers with it. */
  service: "Entra ID" | "ACS Identity" | "Managed identity" | "client library";
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
