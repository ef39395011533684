import { hiddenFields, html, page } from "./layout.js";

/**
 * `response_mode=form_post`: a page that POSTs the result to the app's redirect URI on load, as Entra
 * does; the button is there for a person whose browser runs no scripts.
 */
export function formPostPage(action: string, fields: Record<string, string | undefined>): string {
  return page(
    "Working...",
    html`<h1>Signing you in</h1>
      <form method="post" action="${action}">
        ${hiddenFields(fields)}
        <noscript><p>Script is disabled. Click Continue to finish signing in.</p></noscript>
        <div class="actions"><button type="submit" class="primary">Continue</button></div>
      </form>`,
    { onload: "javascript:document.forms[0].submit()" },
  );
}
