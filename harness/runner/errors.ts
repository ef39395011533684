import type { ObservedError } from "./types.js";

/** A step that failed the way a service fails (an error page, an error redirect), not through an SDK throw. */
export class ServiceFailure extends Error {
  constructor(readonly observed: ObservedError) {
    super(observed.message);
    this.name = "ServiceFailure";
  }
}

/** A scenario that cannot go on for a reason of its own making: an unknown alias, user or app. */
export class ScenarioRuntimeError extends Error {
  override name = "ScenarioRuntimeError";
}

const AADSTS = /AADSTS(\d+)/;

/** `AADSTS650052` from an MSAL error: its errorNo, else the number in its description (interactive redirects). */
function aadCode(err: { errorNo?: unknown; errorMessage?: unknown; message?: unknown }): string | undefined {
  if (err.errorNo !== undefined && err.errorNo !== null && String(err.errorNo) !== "")
    return `AADSTS${String(err.errorNo)}`;
  const match = AADSTS.exec(String(err.errorMessage ?? "")) ?? AADSTS.exec(String(err.message ?? ""));
  return match ? `AADSTS${match[1]}` : undefined;
}

/**
 * Normalises what a step threw into one shape: MSAL ServerError / InteractionRequiredAuthError →
 * `AADSTS<errorNo>` and HTTP status; the Azure SDK's RestError → its service `code` and `statusCode`.
 */
export function observe(err: unknown): ObservedError {
  if (err instanceof ServiceFailure) return err.observed;
  if (typeof err !== "object" || err === null) return { code: "Error", message: String(err) };
  const e = err as Record<string, unknown>;
  if (e.name === "RestError") {
    return {
      code: typeof e.code === "string" ? e.code : `HTTP${String(e.statusCode ?? "")}`,
      ...(typeof e.statusCode === "number" ? { status: e.statusCode } : {}),
      message: String(e.message ?? ""),
    };
  }
  if (typeof e.errorCode === "string") {
    return {
      code: aadCode(e) ?? e.errorCode,
      ...(typeof e.status === "number" ? { status: e.status } : {}),
      message: String(e.errorMessage || e.message || e.errorCode),
    };
  }
  return { code: String(e.name ?? "Error"), message: String(e.message ?? err) };
}

/** An error from a redirect's query (`error`, `error_description`, `error_uri`) as MSAL would read it. */
export function redirectError(params: URLSearchParams): ObservedError | undefined {
  const error = params.get("error");
  if (!error) return undefined;
  const description = params.get("error_description") ?? "";
  const fromUri = /[?&]code=(\d+)/.exec(params.get("error_uri") ?? "")?.[1];
  const code = fromUri ? `AADSTS${fromUri}` : (aadCode({ errorMessage: description }) ?? error);
  return { code, message: description || error };
}
