// The compatibility tables of docs/compatibility.md, rendered from the api-version table
// (mock-acs/api-versions.ts), the ACS operation declarations (mock-acs/operations.ts) and the ACS error catalog, so the document cannot drift from what the
// sandbox serves. scripts/readme.ts splices them between `<!-- compatibility:begin -->` and
// `<!-- compatibility:end -->`.
import { describeRoute } from "../core/operations.js";
import {
  API_VERSIONS,
  supportedVersionsHeader,
  versionsFor,
  type ApiVersion,
} from "../mock-acs/api-versions.js";
import { ACS_OPERATIONS } from "../mock-acs/operations.js";
import { acsCatalog } from "../mock-acs/errors.js";

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

/** What a version changes, in words. */
function changes(v: ApiVersion): string {
  return [
    v.legacyShapes ? "create → 200 `{id}`; tokens at `/identities/{id}/token`" : undefined,
    v.exchangeBody === "token-only" ? "exchange body `{token}`" : undefined,
    v.exchangeBody === "token-app-user" ? "exchange body `{token, appId, userId}`" : undefined,
    v.expiresInMinutes ? "`expiresInMinutes`" : undefined,
    v.repeatability ? "`Repeatability-*` headers" : undefined,
    v.scopes.length > 2 ? "join scopes" : undefined,
    v.customId ? "`customId`, `lastTokenIssuedAt`" : undefined,
  ]
    .filter(Boolean)
    .join("; ");
}

export function versionTable(): string {
  const rows = API_VERSIONS.map(
    (v) =>
      `| \`${v.name}\` | ${v.evidence} | ${v.advertised ? "yes" : "no"} | ${v.operations.map((o) => `\`${o}\``).join(", ")} | ${cell(changes(v))} | ${cell(v.source)} |`,
  );
  return [
    "| api-version | Evidence | Listed in `api-supported-versions` | Operations | Changes | Source |",
    "|---|---|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function operationTable(): string {
  const rows = Object.values(ACS_OPERATIONS).map(
    (op) =>
      `| \`${op.name}\` | ${cell(describeRoute(op))} | ${versionsFor(op.name)
        .map((v) => `\`${v.name}\``)
        .join(", ")} | ${supportedVersionsHeader(op.name)} |`,
  );
  return [
    "| Operation | Method and path | Served at | `api-supported-versions` answer |",
    "|---|---|---|---|",
    ...rows,
  ].join("\n");
}

export function acsErrorTable(): string {
  const rows = acsCatalog().map(
    (e) =>
      `| \`${e.code}\` | ${e.status} | ${e.evidence.inferred ? (e.evidence.recorded ? "recorded, partly inferred" : "inferred") : "recorded"} | ${cell([e.evidence.recorded, e.evidence.inferred && `Inferred: ${e.evidence.inferred}`].filter(Boolean).join(" "))} |`,
  );
  return ["| Code | Status | Evidence | Source |", "|---|---|---|---|", ...rows].join("\n");
}

export function compatibilityTables(): string {
  return [
    "**api-versions**",
    "",
    versionTable(),
    "",
    "**Operations**",
    "",
    operationTable(),
    "",
    "**ACS errors**",
    "",
    acsErrorTable(),
    "",
  ].join("\n");
}
