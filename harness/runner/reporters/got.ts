import type { ActualOutcome, StepValue } from "../types.js";

/*
 * What a step got, in one line for a report: the error's code (and status), a token's key claims, an ACS
 * identity and its expiry. Claims only: never a token, a secret or any other credential.
 */

/** `in 59m 58s`, `in 24h`, `expired 3m ago`: a token's remaining life on the sandbox clock. */
export function lifetime(seconds: number): string {
  const s = Math.round(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const text =
    h > 0 ? (m > 0 ? `${h}h ${m}m` : `${h}h`) : m > 0 ? (s % 60 ? `${m}m ${s % 60}s` : `${m}m`) : `${s}s`;
  return seconds < 0 ? `expired ${text} ago` : `in ${text}`;
}

function expiry(outcome: ActualOutcome, expSeconds: number | undefined): string | undefined {
  if (expSeconds === undefined) return undefined;
  const at = new Date(expSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
  const left = outcome.expiresInSeconds;
  return `exp ${at}${left === undefined ? "" : ` (${lifetime(left)})`}`;
}

const text = (v: unknown) => (Array.isArray(v) ? v.join(" ") : String(v));

/** An Entra token's claims a person checks first: audience, permissions, tenant, user, expiry. */
function entraClaims(claims: Record<string, unknown>, outcome: ActualOutcome): string {
  const parts: string[] = [];
  if (claims.aud !== undefined) parts.push(`aud ${text(claims.aud)}`);
  if (claims.scp !== undefined) parts.push(`scp ${text(claims.scp)}`);
  if (claims.roles !== undefined) parts.push(`roles ${text(claims.roles)}`);
  if (claims.tid !== undefined) parts.push(`tid ${text(claims.tid)}`);
  if (claims.upn !== undefined) parts.push(`upn ${text(claims.upn)}`);
  else if (claims.oid !== undefined) parts.push(`oid ${text(claims.oid)}`);
  const exp = expiry(outcome, typeof claims.exp === "number" ? claims.exp : undefined);
  if (exp) parts.push(exp);
  return `Entra token: ${parts.join(" · ")}`;
}

/** The ACS identity an ACS token speaks for: its `skypeid` claim carries it without the `8:` prefix. */
function acsIdentity(claims: Record<string, unknown> | undefined): string | undefined {
  const skypeid = claims?.skypeid;
  return typeof skypeid === "string" ? `8:${skypeid.replace(/^8:/, "")}` : undefined;
}

function acsExpiry(outcome: ActualOutcome, expiresOn: Date | undefined): string | undefined {
  return expiresOn ? expiry(outcome, Math.round(expiresOn.getTime() / 1000)) : undefined;
}

/** The one-line summary of a step's outcome, or undefined when it produced nothing to show. */
export function describeGot(value: StepValue | undefined, outcome: ActualOutcome): string | undefined {
  if (!outcome.ok) {
    const error = outcome.error;
    if (!error) return undefined;
    // An error sent in a redirect or a page comes with a 200 or 302: only an HTTP error status tells anything.
    return error.status !== undefined && error.status >= 400
      ? `status ${error.status} · ${error.code}`
      : error.code;
  }
  if (!value) return undefined;
  switch (value.kind) {
    case "entraToken":
      return entraClaims(value.claims, outcome);
    case "acsToken": {
      const parts = [acsIdentity(value.claims), acsExpiry(outcome, value.expiresOn)].filter(Boolean);
      return `ACS token${parts.length ? `: ${parts.join(" · ")}` : ""}`;
    }
    case "identity": {
      const exp = value.token ? acsExpiry(outcome, value.expiresOn) : undefined;
      return `ACS identity ${value.communicationUserId}${value.token ? ` with a token${exp ? ` · ${exp}` : ""}` : ""}`;
    }
    case "none":
      return undefined;
  }
}
