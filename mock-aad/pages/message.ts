import { html, page } from "./layout.js";

/** A page that only informs: device sign-in finished, an approval stored with nowhere to redirect. */
export function messagePage(title: string, paragraphs: string[]): string {
  return page(
    title,
    html`<h1>${title}</h1>
      ${paragraphs.map((p) => html`<p>${p}</p>`)}`,
  );
}
