/*
 * The inspector page: one HTML document with its style and script inline (no build step, no CDN, works
 * offline). The server renders the structure — headings, landmarks, labelled controls; the script fills
 * it from the admin API (`/_sandbox/inspector/*`, `/_sandbox/clock`, `/_sandbox/faults`), sending the
 * admin token when one is given, so the page obeys the same rules as any other admin client. Data is
 * written with textContent only, never as HTML.
 */

const STYLE = `
:root { color-scheme: light; --fg:#1b1b1f; --muted:#4a4a55; --bg:#fff; --line:#c9c9d3; --accent:#0b57d0;
  --ok:#0a6b2b; --bad:#a1141c; --warn:#7a4a00; --soft:#f3f4f8; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
.skip { position:absolute; left:-999px; } .skip:focus { left:8px; top:8px; background:#fff; padding:4px; }
header { padding:12px 20px; border-bottom:1px solid var(--line); display:flex; gap:24px; align-items:baseline; flex-wrap:wrap; }
header h1 { font-size:20px; margin:0; }
nav a { margin-right:14px; }
main { padding:0 20px 40px; max-width:1200px; }
section { margin-top:24px; }
h2 { font-size:18px; border-bottom:2px solid var(--line); padding-bottom:4px; }
h3 { font-size:16px; margin:16px 0 6px; }
form.row, .row { display:flex; gap:12px; flex-wrap:wrap; align-items:end; margin:8px 0; }
label { display:flex; flex-direction:column; font-size:13px; color:var(--muted); gap:2px; }
input, select, button { font:inherit; padding:4px 8px; border:1px solid #767680; border-radius:4px; background:#fff; color:var(--fg); }
button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
:focus-visible { outline:3px solid #f0a500; outline-offset:2px; }
ol.traffic { list-style:none; padding:0; margin:0; }
ol.traffic > li { border:1px solid var(--line); border-radius:6px; margin:6px 0; }
details > summary { cursor:pointer; padding:6px 10px; display:flex; gap:10px; flex-wrap:wrap; align-items:baseline; }
.status { font-weight:700; min-width:3.5em; }
.s2 { color:var(--ok); } .s4, .s5, .s0 { color:var(--bad); } .s3 { color:var(--warn); }
.tag { font-size:12px; border:1px solid var(--line); border-radius:10px; padding:0 8px; background:var(--soft); }
.tag.fault { border-color:var(--bad); color:var(--bad); background:#fff; }
.body { padding:4px 12px 12px; }
pre { background:var(--soft); padding:8px; overflow:auto; max-height:320px; font-size:13px; }
table { border-collapse:collapse; margin:6px 0 12px; }
th, td { border:1px solid var(--line); padding:4px 8px; text-align:left; vertical-align:top; font-size:14px; }
th { background:var(--soft); }
td.ready, td.home { color:var(--ok); } td.blocked { color:var(--bad); } td.needs-consent { color:var(--warn); }
.muted { color:var(--muted); font-size:13px; }
.clock { font-size:20px; font-weight:600; }
`;

const SCRIPT = `
const $ = (s) => document.querySelector(s);
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v); else node.setAttribute(k, v);
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c);
  // A scrollable block must be reachable from the keyboard.
  if (tag === "pre") node.tabIndex = 0;
  return node;
};
const tokenInput = $("#admin-token");
tokenInput.value = sessionStorage.getItem("acs-sandbox-admin-token") || "";
$("#token-form").addEventListener("submit", (ev) => ev.preventDefault());
tokenInput.addEventListener("change", () => { sessionStorage.setItem("acs-sandbox-admin-token", tokenInput.value); refreshAll(); });
const say = (text) => { $("#announce").textContent = text; };
async function api(path, init = {}) {
  const headers = { accept: "application/json" };
  if (init.body !== undefined) headers["content-type"] = "application/json";
  if (tokenInput.value) headers.authorization = "Bearer " + tokenInput.value;
  const res = await fetch("/_sandbox/" + path, { method: init.method || "GET", headers,
    body: init.body === undefined ? undefined : JSON.stringify(init.body) });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.message || body.error || ("HTTP " + res.status));
  return body;
}

// ── Clock and controls ──
async function refreshClock() {
  try { const { now } = await api("clock"); $("#clock-now").textContent = now; $("#clock-now").setAttribute("datetime", now); }
  catch (e) { $("#clock-now").textContent = "unavailable: " + e.message; }
}
$("#advance-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try { const { now } = await api("clock", { method: "POST", body: { advance: $("#advance-by").value } }); say("Sandbox time is now " + now); refreshAll(); }
  catch (e) { say("Could not advance the clock: " + e.message); }
});
$("#set-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  try { const { now } = await api("clock", { method: "POST", body: { set: $("#set-to").value } }); say("Sandbox time is now " + now); refreshAll(); }
  catch (e) { say("Could not set the clock: " + e.message); }
});
$("#reset").addEventListener("click", async () => {
  try { await api("reset", { method: "POST", body: {} }); say("Sandbox reset: starting world, wall-clock time, empty journal, no fault rules"); refreshAll(); }
  catch (e) { say("Could not reset: " + e.message); }
});

// ── Faults ──
async function refreshFaults() {
  const list = $("#fault-list"); list.replaceChildren();
  try {
    const { faults } = await api("faults");
    if (faults.length === 0) list.append(el("li", { text: "No fault rules: every request gets its normal answer." }));
    for (const f of faults) {
      const what = f.kind === "status" ? "status " + f.status : f.kind === "latency" ? "latency " + JSON.stringify(f.latency) : f.kind;
      list.append(el("li", {}, el("code", { text: f.id }), " — " + [f.service, f.operation, f.clientId].filter(Boolean).join(" ") + " → " + what + " (hits " + f.hits + (f.remaining !== undefined ? ", remaining " + f.remaining : "") + ") ",
        el("button", { class: "secondary", type: "button", "aria-label": "Remove fault rule " + f.id, onclick: async () => { await api("faults/" + encodeURIComponent(f.id), { method: "DELETE" }); say("Removed fault rule " + f.id); refreshFaults(); } }, "Remove")));
    }
  } catch (e) { list.append(el("li", { text: "Fault rules unavailable: " + e.message })); }
}

// ── Traffic ──
const open = new Set();
function keyOf(e) { return e.at + " " + e.method + " " + e.url; }
function tokenView(t) {
  return el("div", {},
    el("h3", { text: "Token in " + t.field }),
    el("p", {}, el("strong", { text: t.validity.state }), " — " + t.validity.detail + " (sandbox clock). Signed by: " + t.signer + "."),
    el("p", { class: "muted", text: "Header" }), el("pre", { text: JSON.stringify(t.header, null, 2) }),
    el("p", { class: "muted", text: "Claims" }), el("pre", { text: JSON.stringify(t.claims, null, 2) }));
}
const scenarios = new Map();
function scenarioButton(name) {
  const out = el("pre", { class: "scenario-yaml" });
  const button = el("button", { class: "secondary", type: "button", "aria-expanded": "false", onclick: async () => {
    try {
      const { yaml, run } = await api("inspector/scenarios/" + encodeURIComponent(name));
      scenarios.set(name, "# " + run + "\\n" + yaml); show();
    } catch (e) { say("Could not load scenario " + name + ": " + e.message); }
  } }, "Show scenario " + name);
  const show = () => { const text = scenarios.get(name); out.hidden = !text; out.textContent = text || ""; button.setAttribute("aria-expanded", text ? "true" : "false"); };
  show();
  return el("div", {}, button, out);
}
function entryView(e) {
  const cls = "status s" + String(e.status)[0];
  const summary = el("summary", {},
    el("span", { class: cls, text: e.status === 0 ? "no answer" : String(e.status) }),
    el("span", { text: e.method + " " + e.url }),
    el("span", { class: "tag", text: e.service + (e.operation ? " · " + e.operation : "") }),
    e.client ? el("span", { class: "tag", text: "client " + e.client }) : null,
    e.errorCode ? el("span", { class: "tag", text: e.errorCode }) : null,
    e.fault ? el("span", { class: "tag fault", text: "fault " + e.fault.id + " (" + e.fault.kind + ")" }) : null,
    el("span", { class: "muted", text: e.at + " · " + e.durationMs + " ms" }));
  const body = el("div", { class: "body" });
  if (e.explanation) {
    body.append(el("h3", { text: "Why " + e.explanation.code }),
      el("p", {}, el("strong", { text: "Cause: " }), e.explanation.cause),
      el("p", {}, el("strong", { text: "Fix: " }), e.explanation.fix));
    for (const s of e.explanation.scenarios) body.append(scenarioButton(s));
  }
  body.append(el("h3", { text: "Request" }), el("pre", { text: e.method + " https://" + e.host + e.url + (e.requestBody ? "\\n\\n" + e.requestBody : "") }));
  body.append(el("h3", { text: "Response" }), el("pre", { text: e.status === 0 ? "(connection closed without an answer)" : (e.responseBody || "(no body)") }));
  for (const t of e.tokens) body.append(tokenView(t));
  const details = el("details", {}, summary, body);
  const key = keyOf(e);
  if (open.has(key)) details.open = true;
  details.addEventListener("toggle", () => { details.open ? open.add(key) : open.delete(key); });
  return el("li", {}, details);
}
let lastTraffic = "";
async function refreshTraffic() {
  const params = new URLSearchParams();
  for (const name of ["service", "status", "client", "code"]) { const v = $("#filter-" + name).value.trim(); if (v) params.set(name, v); }
  try {
    const { entries } = await api("inspector/traffic?" + params);
    // Re-render only when something changed, so focus and reading position stay where they are.
    const fingerprint = params + JSON.stringify(entries);
    if (fingerprint === lastTraffic) return;
    lastTraffic = fingerprint;
    $("#traffic-count").textContent = entries.length + (entries.length === 1 ? " request" : " requests") + ", newest first";
    $("#traffic").replaceChildren(...entries.map(entryView));
  } catch (e) { $("#traffic-count").textContent = "Traffic unavailable: " + e.message; }
}
$("#filters").addEventListener("submit", (ev) => { ev.preventDefault(); refreshTraffic(); });
$("#filters").addEventListener("change", () => refreshTraffic());

// ── World ──
function table(caption, head, rows) {
  return el("table", {}, el("caption", { class: "muted", text: caption }),
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))),
    el("tbody", {}, ...(rows.length ? rows : [["none", ...head.slice(1).map(() => "")]]).map((r) => el("tr", {}, ...r.map((c) => c instanceof Node ? el("td", {}, c) : el("td", { text: String(c) }))))));
}
const yesNo = (b) => (b ? "yes" : "no");
// The world is drawn once; a load that failed (the sandbox busy or restarting) is retried with the live refresh.
let worldDrawn = false;
async function refreshWorld() {
  const target = $("#world"); 
  try {
    const w = await api("inspector/world");
    const parts = [el("h3", { text: "Which app works in which tenant" }),
      el("p", { class: "muted", text: "Each cell: can this tenant's users use this app for ACS, and the quickstart admin step that would change it." })];
    const tenants = w.tenants.map((t) => t.name);
    parts.push(el("table", {}, el("caption", { class: "muted", text: "App registrations (rows) by tenant (columns)" }),
      el("thead", {}, el("tr", {}, el("th", { scope: "col", text: "App" }), ...tenants.map((t) => el("th", { scope: "col", text: t })))),
      el("tbody", {}, ...w.apps.map((a) => el("tr", {}, el("th", { scope: "row", text: a.name }), ...tenants.map((t) => {
        const c = w.matrix.find((m) => m.app === a.name && m.tenant === t);
        return el("td", { class: c.state.replace(" ", "-") }, el("strong", { text: c.state }), el("div", { text: c.detail }), c.step ? el("div", { class: "muted", text: c.step }) : null);
      }))))));
    parts.push(el("h3", { text: "App registrations" }), table("Registered apps", ["Name", "Client id", "Home", "Account types", "Public client flows", "Redirect URIs", "Required permissions", "Verified publisher", "Admin steps that would change it"],
      w.apps.map((a) => [a.name, a.clientId, a.homeTenant, a.signInAudience === "multitenant" ? "any organisation (multitenant)" : "this tenant only", yesNo(a.publicClientFlows),
        [...a.redirectUris.publicClient.map((u) => "public: " + u), ...a.redirectUris.web.map((u) => "web: " + u), ...a.redirectUris.spa.map((u) => "spa: " + u)].join("\\n") || "none",
        a.requiredResourceAccess.map((r) => r.resource + ": " + r.scopes.join(", ")).join("\\n") || "none", yesNo(a.verifiedPublisher), a.steps.join("\\n") || "—"])));
    for (const t of w.tenants) {
      parts.push(el("h3", { text: "Tenant " + t.name + " (" + t.domain + ")" }),
        el("p", { class: "muted", text: "id " + t.id + " · user consent: " + t.userConsentPolicy }),
        table("Users of " + t.name, ["Name", "UPN", "Object id", "Admin", "Teams licence", "Enabled", "MFA"], t.users.map((u) => [u.name, u.upn, u.objectId, yesNo(u.isAdmin), yesNo(u.teamsLicense), yesNo(u.enabled), yesNo(u.mfaRequired)])),
        table("Service principals in " + t.name, ["Name", "App id"], t.servicePrincipals.map((s) => [s.displayName, s.appId])),
        t.missingAcsServicePrincipal ? el("p", {}, el("strong", { text: "No ACS service principal in " + t.name + ": " }), t.missingAcsServicePrincipal) : null,
        table("Consent grants in " + t.name, ["Client", "Resource", "Scopes", "Consented by"], t.grants.map((g) => [g.client, g.resource, g.scopes.join(", "), g.consentedBy])));
    }
    parts.push(el("h3", { text: "ACS resources" }), table("Communication Services resources", ["Name", "Endpoint", "Resource id", "Location", "Role assignments"],
      w.acs.map((r) => [r.name, r.endpoint || "", r.resourceId, r.location, r.roleAssignments.map((a) => a.principal + ": " + a.role).join("\\n") || "none"])));
    for (const r of w.acs) {
      parts.push(table("Identities of " + r.name + " (created through the Identity SDK)", ["Identity", "Created", "State", "Tokens revoked before"],
        r.identities.length ? r.identities.map((i) => [i.id, i.createdAt, i.state, i.tokensRevokedBefore || "—"]) : [["none yet", "", "", ""]]));
    }
    target.replaceChildren(...parts.filter(Boolean));
    worldDrawn = true;
  } catch (e) { target.replaceChildren(el("p", { text: "World unavailable: " + e.message })); }
}

function refreshAll() { refreshClock(); refreshFaults(); refreshTraffic(); refreshWorld(); }
refreshAll();
setInterval(() => { if ($("#live").checked) { refreshClock(); refreshTraffic(); refreshFaults(); if (!worldDrawn) refreshWorld(); } }, 2000);
`;

/** The inspector's HTML document. */
export function inspectorPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>acs-sandbox inspector</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
  <h1>acs-sandbox inspector</h1>
  <nav aria-label="Sections"><a href="#traffic-section">Traffic</a><a href="#world-section">World</a><a href="#controls-section">Clock and controls</a></nav>
  <form id="token-form"><label>Admin token <input id="admin-token" type="password" autocomplete="off" placeholder="only when the sandbox has one"></label></form>
</header>
<main id="main">
<p id="announce" role="status" aria-live="polite" class="muted"></p>
<section id="controls-section" aria-labelledby="controls-heading">
  <h2 id="controls-heading">Clock and controls</h2>
  <p>Sandbox time: <time id="clock-now" class="clock">…</time></p>
  <div class="row">
    <form id="advance-form" class="row"><label>Advance by <input id="advance-by" name="advance" value="25h" size="8" required></label><button type="submit">Advance clock</button></form>
    <form id="set-form" class="row"><label>Set to (ISO 8601) <input id="set-to" name="set" placeholder="2030-01-01T00:00:00Z" size="24" required></label><button type="submit">Set clock</button></form>
    <button id="reset" type="button" class="secondary">Reset sandbox</button>
  </div>
  <h3>Fault rules</h3>
  <ul id="fault-list"></ul>
  <p class="muted">Add rules with <code>POST /_sandbox/faults</code>, a scenario's <code>fault:</code> step or <code>sb.faults.add()</code>.</p>
</section>
<section id="traffic-section" aria-labelledby="traffic-heading">
  <h2 id="traffic-heading">Traffic</h2>
  <form id="filters" class="row" aria-label="Filter traffic">
    <label>Service <select id="filter-service"><option value="">any</option><option value="entra">Entra ID</option><option value="acs">ACS</option><option value="admin">admin API</option></select></label>
    <label>Status <input id="filter-status" size="5" placeholder="4xx"></label>
    <label>Client id <input id="filter-client" size="38"></label>
    <label>Error code <input id="filter-code" size="16" placeholder="AADSTS65001"></label>
    <button type="submit">Filter</button>
    <label style="flex-direction:row;align-items:center;gap:6px"><input id="live" type="checkbox" checked> Live</label>
  </form>
  <p id="traffic-count" class="muted"></p>
  <ol id="traffic" class="traffic" aria-label="Requests, newest first"></ol>
</section>
<section id="world-section" aria-labelledby="world-heading">
  <h2 id="world-heading">World</h2>
  <div id="world"></div>
</section>
</main>
<script>${SCRIPT}</script>
</body>
</html>`;
}
