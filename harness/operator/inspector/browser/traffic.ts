import type { DecodedToken } from "../tokens.js";
import type { TrafficEntry } from "../traffic.js";
import { api, AdminError, messageOf } from "./api.js";
import { $, el, say } from "./dom.js";

/* The traffic list: newest first, filtered, each entry with its explanation, bodies and decoded tokens. */

/** Entries the user opened, kept open across refreshes. */
const open = new Set<string>();
const keyOf = (e: TrafficEntry) => e.at + " " + e.method + " " + e.url;

function tokenView(t: DecodedToken): HTMLElement {
  return el(
    "div",
    {},
    el("h3", { text: "Token in " + t.field }),
    el(
      "p",
      {},
      el("strong", { text: t.validity.state }),
      " — " + t.validity.detail + " (sandbox clock). Signed by: " + t.signer + ".",
    ),
    el("p", { class: "muted", text: "Header" }),
    el("pre", { text: JSON.stringify(t.header, null, 2) }),
    el("p", { class: "muted", text: "Claims" }),
    el("pre", { text: JSON.stringify(t.claims, null, 2) }),
  );
}

/** Scenario texts loaded so far, by name, so a redraw keeps a shown scenario shown. */
const scenarios = new Map<string, string>();

function scenarioButton(name: string): HTMLElement {
  const out = el("pre", { class: "scenario-yaml" });
  const show = () => {
    const text = scenarios.get(name);
    out.hidden = !text;
    out.textContent = text || "";
    button.setAttribute("aria-expanded", text ? "true" : "false");
  };
  const load = async () => {
    try {
      const { yaml, run } = await api<{ yaml: string; run: string }>(
        "inspector/scenarios/" + encodeURIComponent(name),
      );
      scenarios.set(name, "# " + run + "\n" + yaml);
      show();
    } catch (err) {
      say("Could not load scenario " + name + ": " + messageOf(err));
    }
  };
  const button = el(
    "button",
    { class: "secondary", type: "button", "aria-expanded": "false", onclick: () => void load() },
    "Show scenario " + name,
  );
  show();
  return el("div", {}, button, out);
}

function entryView(e: TrafficEntry): HTMLElement {
  const summary = el(
    "summary",
    {},
    el("span", {
      class: "status s" + String(e.status)[0],
      text: e.status === 0 ? "no answer" : String(e.status),
    }),
    el("span", { text: e.method + " " + e.url }),
    el("span", { class: "tag", text: e.service + (e.operation ? " · " + e.operation : "") }),
    e.client ? el("span", { class: "tag", text: "client " + e.client }) : null,
    e.errorCode ? el("span", { class: "tag", text: e.errorCode }) : null,
    e.fault
      ? el("span", { class: "tag fault", text: "fault " + e.fault.id + " (" + e.fault.kind + ")" })
      : null,
    el("span", { class: "muted", text: e.at + " · " + e.durationMs + " ms" }),
  );
  const body = el("div", { class: "body" });
  if (e.explanation) {
    body.append(
      el("h3", { text: "Why " + e.explanation.code }),
      el("p", {}, el("strong", { text: "Cause: " }), e.explanation.cause),
      el("p", {}, el("strong", { text: "Fix: " }), e.explanation.fix),
    );
    for (const s of e.explanation.scenarios) body.append(scenarioButton(s));
  }
  body.append(
    el("h3", { text: "Request" }),
    el("pre", {
      text: e.method + " https://" + e.host + e.url + (e.requestBody ? "\n\n" + e.requestBody : ""),
    }),
  );
  body.append(
    el("h3", { text: "Response" }),
    el("pre", {
      text: e.status === 0 ? "(connection closed without an answer)" : e.responseBody || "(no body)",
    }),
  );
  for (const t of e.tokens) body.append(tokenView(t));
  const details = el("details", {}, summary, body) as HTMLDetailsElement;
  const key = keyOf(e);
  if (open.has(key)) details.open = true;
  details.addEventListener("toggle", () => {
    if (details.open) open.add(key);
    else open.delete(key);
  });
  return el("li", {}, details);
}

/*
 * The operation filter's choices. `GET /_sandbox/operations` (the operation registry) names every
 * operation the sandbox serves; a sandbox without that endpoint gets the names seen in its traffic.
 */
const seenOperations = new Set<string>();
let registryOperations: string[] | undefined;

/** Reads the registry's operation names once; without the endpoint the traffic supplies them. */
export async function loadOperations(): Promise<void> {
  try {
    const operations = await api<{ name: string }[]>("operations");
    registryOperations = [...new Set(operations.map((o) => o.name))].sort();
  } catch (err) {
    // Not found: a sandbox without the registry endpoint. Anything else (a token not typed yet) retries later.
    if (!(err instanceof AdminError && err.status === 404)) return;
    registryOperations = undefined;
  }
  drawOperations();
}

function drawOperations(): void {
  const select = $<HTMLSelectElement>("#filter-operation");
  const names = registryOperations ?? [...seenOperations].sort();
  const current = Array.from(select.options)
    .slice(1)
    .map((o) => o.value);
  if (current.join("\n") === names.join("\n")) return;
  const chosen = select.value;
  select.replaceChildren(
    el("option", { value: "", text: "any" }),
    ...names.map((name) => el("option", { value: name, text: name })),
  );
  select.value = names.includes(chosen) ? chosen : "";
}

const FILTERS = ["service", "operation", "status", "client", "code"];
let lastTraffic = "";

export async function refreshTraffic(): Promise<void> {
  const params = new URLSearchParams();
  for (const name of FILTERS) {
    const value = $<HTMLInputElement | HTMLSelectElement>("#filter-" + name).value.trim();
    if (value) params.set(name, value);
  }
  const count = $("#traffic-count");
  try {
    const { entries } = await api<{ entries: TrafficEntry[] }>("inspector/traffic?" + params);
    for (const e of entries) if (e.operation) seenOperations.add(e.operation);
    if (!registryOperations) drawOperations();
    // Re-render only when something changed, so focus and reading position stay where they are.
    const fingerprint = params + JSON.stringify(entries);
    if (fingerprint === lastTraffic) return;
    lastTraffic = fingerprint;
    count.textContent = entries.length + (entries.length === 1 ? " request" : " requests") + ", newest first";
    $("#traffic").replaceChildren(...entries.map(entryView));
  } catch (err) {
    count.textContent = "Traffic unavailable: " + messageOf(err);
  }
}

/** Refilters on submit and on any change of a filter. */
export function wireFilters(): void {
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    void refreshTraffic();
  });
  $("#filters").addEventListener("change", () => void refreshTraffic());
}
