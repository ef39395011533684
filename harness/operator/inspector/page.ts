/*
 * The inspector page: one HTML document with its style and script inline (no CDN, works offline). The
 * server renders the structure — headings, landmarks, labelled controls; the script (./browser/) fills
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

/** The inspector's HTML document, carrying its script (./script.ts bundles it from ./browser/). */
export function inspectorPage(script: string): string {
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
    <label>Operation <select id="filter-operation"><option value="">any</option></select></label>
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
<script>${script}</script>
</body>
</html>`;
}
