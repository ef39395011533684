import type { ActionName, Expectation } from "./scenario.js";
import type { JournalEntry } from "../operator/journal.js";

/** Where a scenario runs: in this process behind msw, or against `acs-sandbox serve` in a child process. */
export type RunMode = "intercept" | "server";

/** An error as a step observed it, whichever library raised it. */
export interface ObservedError {
  /** `AADSTS650052`, `InvalidAccessToken`, or the library's own code when the service sent none. */
  code: string;
  status?: number;
  message: string;
}

/** What a successful step produced, for expectations and for later steps (`as:`). */
export type StepValue =
  | {
      kind: "entraToken";
      accessToken: string;
      claims: Record<string, unknown>;
      /** MSAL's `uniqueId` (the id_token's oid), what the quickstart passes as `userObjectId`. */
      uniqueId: string;
    }
  | {
      kind: "acsToken";
      token: string;
      claims: Record<string, unknown>;
      expiresOn: Date;
      /** Expiry of the Entra token that was exchanged (seconds since the epoch), for `expiresWithAadToken`. */
      aadExpiresAt?: number;
    }
  | {
      kind: "identity";
      communicationUserId: string;
      token?: string;
      claims?: Record<string, unknown>;
      expiresOn?: Date;
    }
  | { kind: "none" };

/** What actually happened in a step, in the terms expectations use. */
export interface ActualOutcome {
  ok: boolean;
  error?: ObservedError;
  claims?: Record<string, unknown>;
  /** Seconds left before the step's token expires, on the sandbox clock. */
  expiresInSeconds?: number;
  /** Seconds between the Teams token's expiry and the exchanged Entra token's. */
  expiryGapSeconds?: number;
}

/** One expectation that did not hold. */
export interface Mismatch {
  field: string;
  expected: unknown;
  actual: unknown;
}

export interface StepResult {
  index: number;
  /** Line of the step in its file, when the scenario came from a file. */
  line?: number;
  action: ActionName;
  /** One-line summary of what the step did, e.g. `signIn alice → contoso-teams (password)`. */
  label: string;
  /** `skipped`: an earlier step failed, so the story cannot go on. */
  status: "passed" | "failed" | "skipped";
  durationMs: number;
  expected: Expectation;
  actual?: ActualOutcome;
  mismatches: Mismatch[];
  /** What the step got, in one line: the error code, or a token's key claims (never the token itself). */
  got?: string;
  /** The last request the sandbox answered during this step. */
  lastRequest?: JournalEntry;
}

export interface ScenarioResult {
  name: string;
  description: string;
  file?: string;
  mode: RunMode;
  status: "passed" | "failed";
  durationMs: number;
  steps: StepResult[];
  /** A problem outside any step: an invalid file, a sandbox that would not start. */
  error?: string;
}
