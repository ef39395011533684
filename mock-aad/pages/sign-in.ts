import { hiddenFields, html, page } from "./layout.js";

export interface SignInPageInput {
  /** Where the form posts. */
  action: string;
  /** Opaque state carried to the next step (the pending authorize request). */
  fields: Record<string, string | undefined>;
  appName: string;
  loginHint?: string | undefined;
  /** A failed attempt: shown on the page, as Entra does, rather than redirected. */
  error?: { code: number; message: string } | undefined;
}

/** "Sign in": username and password, with the last attempt's AADSTS error when there was one. */
export function signInPage(input: SignInPageInput): string {
  const error = input.error
    ? html`<p id="error" class="error" role="alert">AADSTS${input.error.code}: ${input.error.message}</p>`
    : html``;
  const described = input.error ? html` aria-describedby="error" aria-invalid="true"` : html``;
  return page(
    "Sign in to your account",
    html`<h1>Sign in</h1>
      <p>to continue to ${input.appName}</p>
      ${error}
      <form method="post" action="${input.action}">
        ${hiddenFields(input.fields)}
        <label for="login">Email, phone, or Skype</label>
        <input
          id="login"
          name="login"
          type="email"
          autocomplete="username"
          required
          value="${input.loginHint ?? ""}"
          ${described}
        />
        <label for="passwd">Password</label>
        <input
          id="passwd"
          name="passwd"
          type="password"
          autocomplete="current-password"
          required${described}
        />
        <div class="actions"><button type="submit" class="primary">Sign in</button></div>
      </form>`,
  );
}
