import escapeHtml from "escape-html";

/** A value to put in HTML as text; strings are escaped, `Raw` values (already-built markup) are not. */
export class Raw {
  constructor(readonly html: string) {}
}

/** Tagged template that escapes every interpolated value unless it is `Raw` (or an array of `Raw`). */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Raw {
  let out = strings[0]!;
  values.forEach((value, i) => {
    const items = Array.isArray(value) ? value : [value];
    for (const item of items) {
      if (item instanceof Raw) out += item.html;
      else if (item !== undefined && item !== null && item !== false) out += escapeHtml(String(item));
    }
    out += strings[i + 1]!;
  });
  return new Raw(out);
}

/** Hidden inputs that carry a pending request from one page to the next. */
export function hiddenFields(fields: Record<string, string | undefined>): Raw[] {
  return Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`);
}

// Inline styles only: the pages must work offline, with no external assets.
const STYLE = `
  body { font-family: "Segoe UI", system-ui, sans-serif; background: #f2f2f2; margin: 0; color: #1b1b1b; }
  main { max-width: 440px; margin: 48px auto; background: #fff; padding: 44px; box-shadow: 0 2px 6px rgba(0,0,0,.2); }
  .brand { font-weight: 600; color: #5e5e5e; margin-bottom: 16px; }
  h1 { font-size: 1.5rem; font-weight: 600; margin: 0 0 16px; }
  label { display: block; margin: 16px 0 4px; }
  input[type=email], input[type=text], input[type=password] { width: 100%; padding: 6px 0; border: 0; border-bottom: 1px solid #666; font-size: 1rem; }
  input:focus, button:focus, a:focus { outline: 2px solid #0067b8; outline-offset: 2px; }
  .actions { margin-top: 28px; display: flex; gap: 8px; justify-content: flex-end; }
  button { min-width: 108px; padding: 6px 12px; font-size: 1rem; border: 1px solid #0067b8; cursor: pointer; }
  button.primary { background: #0067b8; color: #fff; }
  button.secondary { background: #ccc; border-color: #ccc; color: #000; }
  .error { color: #e81123; margin: 8px 0; }
  .details { font-family: Consolas, monospace; font-size: .8rem; color: #5e5e5e; word-break: break-all; }
  ul.permissions li { margin: 8px 0; }
  .warning { background: #fff4ce; padding: 8px; }
`;

/** The frame every page shares: language, title, a landmark, a heading. */
export function page(title: string, body: Raw, options: { onload?: string } = {}): string {
  const onload = options.onload ? html` onload="${options.onload}"` : html``;
  return html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${title}</title>
    <style>${new Raw(STYLE)}</style>
  </head>
  <body${onload}>
    <main>
      <div class="brand" aria-hidden="true">Microsoft (acs-sandbox)</div>
      ${body}
    </main>
  </body>
</html>
`.html;
}
