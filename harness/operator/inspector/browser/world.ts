import type { worldView } from "../world-view.js";
import { api, messageOf } from "./api.js";
import { $, el } from "./dom.js";

/* The world picture: which app works in which tenant, the registrations, tenants and ACS resources. */

type WorldView = ReturnType<typeof worldView>;
type Cell = Node | string | number;

function table(caption: string, head: string[], rows: Cell[][]): HTMLElement {
  const body = rows.length ? rows : [["none", ...head.slice(1).map(() => "")]];
  return el(
    "table",
    {},
    el("caption", { class: "muted", text: caption }),
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col", text: h })))),
    el(
      "tbody",
      {},
      ...body.map((r) =>
        el("tr", {}, ...r.map((c) => (c instanceof Node ? el("td", {}, c) : el("td", { text: String(c) })))),
      ),
    ),
  );
}

const yesNo = (b: boolean) => (b ? "yes" : "no");

function matrix(w: WorldView): HTMLElement[] {
  const tenants = w.tenants.map((t) => t.name);
  return [
    el("h3", { text: "Which app works in which tenant" }),
    el("p", {
      class: "muted",
      text: "Each cell: can this tenant's users use this app for ACS, and the quickstart admin step that would change it.",
    }),
    el(
      "table",
      {},
      el("caption", { class: "muted", text: "App registrations (rows) by tenant (columns)" }),
      el(
        "thead",
        {},
        el(
          "tr",
          {},
          el("th", { scope: "col", text: "App" }),
          ...tenants.map((t) => el("th", { scope: "col", text: t })),
        ),
      ),
      el(
        "tbody",
        {},
        ...w.apps.map((a) =>
          el(
            "tr",
            {},
            el("th", { scope: "row", text: a.name }),
            ...tenants.map((t) => {
              const c = w.matrix.find((m) => m.app === a.name && m.tenant === t)!;
              return el(
                "td",
                { class: c.state.replace(" ", "-") },
                el("strong", { text: c.state }),
                el("div", { text: c.detail }),
                c.step ? el("div", { class: "muted", text: c.step }) : null,
              );
            }),
          ),
        ),
      ),
    ),
  ];
}

function apps(w: WorldView): HTMLElement[] {
  const head = [
    "Name",
    "Client id",
    "Home",
    "Account types",
    "Public client flows",
    "Redirect URIs",
    "Required permissions",
    "Verified publisher",
    "Admin steps that would change it",
  ];
  const rows = w.apps.map((a) => [
    a.name,
    a.clientId,
    a.homeTenant,
    a.signInAudience === "multitenant" ? "any organisation (multitenant)" : "this tenant only",
    yesNo(a.publicClientFlows),
    [
      ...a.redirectUris.publicClient.map((u) => "public: " + u),
      ...a.redirectUris.web.map((u) => "web: " + u),
      ...a.redirectUris.spa.map((u) => "spa: " + u),
    ].join("\n") || "none",
    a.requiredResourceAccess.map((r) => r.resource + ": " + r.scopes.join(", ")).join("\n") || "none",
    yesNo(a.verifiedPublisher),
    a.steps.join("\n") || "—",
  ]);
  return [el("h3", { text: "App registrations" }), table("Registered apps", head, rows)];
}

function tenant(t: WorldView["tenants"][number]): (HTMLElement | null)[] {
  return [
    el("h3", { text: "Tenant " + t.name + " (" + t.domain + ")" }),
    el("p", { class: "muted", text: "id " + t.id + " · user consent: " + t.userConsentPolicy }),
    table(
      "Users of " + t.name,
      ["Name", "UPN", "Object id", "Admin", "Teams licence", "Enabled", "MFA"],
      t.users.map((u) => [
        u.name,
        u.upn,
        u.objectId,
        yesNo(u.isAdmin),
        yesNo(u.teamsLicense),
        yesNo(u.enabled),
        yesNo(u.mfaRequired),
      ]),
    ),
    table(
      "Service principals in " + t.name,
      ["Name", "App id"],
      t.servicePrincipals.map((s) => [s.displayName, s.appId]),
    ),
    "missingAcsServicePrincipal" in t && t.missingAcsServicePrincipal
      ? el(
          "p",
          {},
          el("strong", { text: "No ACS service principal in " + t.name + ": " }),
          t.missingAcsServicePrincipal,
        )
      : null,
    table(
      "Consent grants in " + t.name,
      ["Client", "Resource", "Scopes", "Consented by"],
      t.grants.map((g) => [g.client, g.resource, g.scopes.join(", "), g.consentedBy]),
    ),
  ];
}

function resources(w: WorldView): HTMLElement[] {
  const parts = [
    el("h3", { text: "ACS resources" }),
    table(
      "Communication Services resources",
      ["Name", "Endpoint", "Resource id", "Location", "Role assignments"],
      w.acs.map((r) => [
        r.name,
        r.endpoint || "",
        r.resourceId,
        r.location,
        r.roleAssignments.map((a) => a.principal + ": " + a.role).join("\n") || "none",
      ]),
    ),
  ];
  for (const r of w.acs) {
    parts.push(
      table(
        "Identities of " + r.name + " (created through the Identity SDK)",
        ["Identity", "Created", "State", "Tokens revoked before"],
        r.identities.length
          ? r.identities.map((i) => [i.id, i.createdAt, i.state, i.tokensRevokedBefore || "—"])
          : [["none yet", "", "", ""]],
      ),
    );
  }
  return parts;
}

/** Whether the world has been drawn; a load that failed (busy, restarting) is retried with the live refresh. */
export let worldDrawn = false;

export async function refreshWorld(): Promise<void> {
  const target = $("#world");
  try {
    const w = await api<WorldView>("inspector/world");
    const parts = [...matrix(w), ...apps(w), ...w.tenants.flatMap(tenant), ...resources(w)];
    target.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    worldDrawn = true;
  } catch (err) {
    target.replaceChildren(el("p", { text: "World unavailable: " + messageOf(err) }));
  }
}
