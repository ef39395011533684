import { $ } from "./dom.js";

/*
 * The admin API as the page calls it: JSON in and out, on the page's own origin, with the admin token
 * the user typed (kept for the browser tab only) as a bearer token, like any other admin client.
 */

const TOKEN_KEY = "acs-sandbox-admin-token";

const tokenInput = () => $<HTMLInputElement>("#admin-token");

/** Restores the tab's admin token, and calls `onChange` when the user types another. */
export function keepAdminToken(onChange: () => void): void {
  const input = tokenInput();
  input.value = sessionStorage.getItem(TOKEN_KEY) || "";
  $("#token-form").addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("change", () => {
    sessionStorage.setItem(TOKEN_KEY, input.value);
    onChange();
  });
}

/** An admin API error in a sentence: the body's message when it has one. */
export class AdminError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** One admin API call below `/_sandbox/`; a refusal throws with the sandbox's message. */
export async function api<T = Record<string, unknown>>(
  path: string,
  init: { method?: string; body?: unknown } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const token = tokenInput().value;
  if (token) headers.authorization = "Bearer " + token;
  const res = await fetch("/_sandbox/" + path, {
    method: init.method || "GET",
    headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const body = (await res.json().catch(() => ({}))) as { message?: string; error?: string };
  if (!res.ok) throw new AdminError(body.message || body.error || "HTTP " + res.status, res.status);
  return body as T;
}

/** The message of whatever was thrown. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
