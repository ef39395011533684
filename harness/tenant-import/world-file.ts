import { stringify } from "yaml";
import type { ImportResult } from "./to-world.js";

/*
 * The world file an import writes: YAML a person reads and edits, whose comments at the top say where it
 * came from and what the sandbox had to assume because the pasted JSON could not tell.
 */

function comment(lines: string[]): string {
  return lines.map((l) => (l === "" ? "#" : `# ${l}`)).join("\n");
}

/** Renders an import as a world file with its provenance and assumptions as comments. */
export function renderWorldFile(result: ImportResult, files: string[]): string {
  const header = [
    "A world imported by `acs-sandbox import` from what the customer pasted:",
    ...files.map((f) => `  ${f}`),
    "",
    "Kept from the JSON: tenant ids where given, app (client) ids, user and managed identity object ids,",
    "sign-in audience, public client flows, redirect URIs, required delegated and application permissions,",
    "exposed scopes and app roles, verified publisher, service principals present or absent, consent",
    "grants, app role assignments, Teams licences and directory roles where listed.",
    "",
    "Sandbox defaults, because the JSON cannot tell:",
    ...result.assumed.map((a) => `  - ${a}`),
    ...(result.warnings.length > 0 ? ["", "Not kept:", ...result.warnings.map((w) => `  - ${w}`)] : []),
  ];
  return `${comment(header)}\n${stringify(result.document, { lineWidth: 0 })}`;
}
