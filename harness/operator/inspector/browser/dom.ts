/*
 * The inspector page's DOM helpers. Everything the page shows is written as text (`textContent`), never
 * parsed as HTML, so nothing from the journal can run in the page.
 */

/** The element a selector names; the page's own structure, so it is there. */
export function $<T extends HTMLElement = HTMLElement>(selector: string): T {
  return document.querySelector<T>(selector)!;
}

type Props = Record<string, string | boolean | ((event: Event) => void)>;
type Child = Node | string | null | undefined;

/**
 * An element with attributes, `class`, `text` and `on<event>` listeners, and its children.
 *
 * @example el("button", { class: "secondary", onclick: () => refresh() }, "Refresh")
 */
export function el(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = String(value);
    else if (key === "text") node.textContent = String(value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value as (event: Event) => void);
    else node.setAttribute(key, String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) node.append(child);
  // A scrollable block must be reachable from the keyboard.
  if (tag === "pre") node.tabIndex = 0;
  return node;
}

/** Says something to screen readers (and sighted users) in the page's live region. */
export function say(text: string): void {
  $("#announce").textContent = text;
}
