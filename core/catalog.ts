/**
 * What both error catalogs (mock-aad/errors.ts, mock-acs/errors.ts) say about each code they emit, in a
 * form `acs-sandbox explain` can print. The wire shape (status, body) stays in each catalog; this is the
 * part a person reads.
 */
export interface ExplainedError {
  /** As users see it: `AADSTS650052`, `InvalidAccessToken`. */
  code: string;
  /** Which service answers with it. */
  service: "Entra ID" | "ACS Identity" | "client library";
  /** HTTP status, or "page"/"redirect" for browser-facing errors. */
  status: number | "page" | "redirect";
  /** Cause in plain words. */
  cause: string;
  /** What fixes it, naming the quickstart step where there is one (e.g. "Admin step 7: ..."). */
  fix: string;
  /** Bundled scenario that reproduces it, when there is one (file name without extension). */
  scenario?: string;
  /** Where the wire form comes from; "[infer]" in it marks a guess, which `explain` says aloud. */
  evidence?: string;
}
