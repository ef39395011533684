import { hiddenFields, html, page } from "./layout.js";

/** The device login page: the person types the code the device showed them. */
export function enterCodePage(action: string, error?: { code: number; message: string }): string {
  const message = error
    ? html`<p id="error" class="error" role="alert">AADSTS${error.code}: ${error.message}</p>`
    : html``;
  return page(
    "Enter code",
    html`<h1>Enter code</h1>
      <p>Enter the code displayed on your app or device.</p>
      ${message}
      <form method="post" action="${action}">
        <label for="otc">Code</label>
        <input
          id="otc"
          name="otc"
          type="text"
          autocomplete="one-time-code"
          required
          ${error ? html`aria-describedby="error" aria-invalid="true"` : html``}
        />
        <div class="actions"><button type="submit" class="primary">Next</button></div>
      </form>`,
  );
}

/** After sign-in: "Are you trying to sign in to …?", the last chance to decline a device code request. */
export function confirmDevicePage(action: string, fields: Record<string, string>, appName: string): string {
  return page(
    "Are you trying to sign in?",
    html`<h1>Are you trying to sign in to ${appName}?</h1>
      <p>Only continue if you downloaded the app from a store or website that you trust.</p>
      <form method="post" action="${action}">
        ${hiddenFields(fields)}
        <div class="actions">
          <button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
          <button type="submit" name="decision" value="continue" class="primary">Continue</button>
        </div>
      </form>`,
  );
}
