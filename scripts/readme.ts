// The documents' generated parts: code blocks copied from test regions (`<!-- snippet: FILE#REGION -->`)
// and the tables rendered from the emulators' catalogs (`<!-- errors:begin -->`…`<!-- errors:end -->`, and the
// inferred answers between `<!-- differences:begin -->` and `<!-- differences:end -->`) and from the
// operation registry (`<!-- operations:begin -->`…`<!-- operations:end -->`).
// `npm run readme` rewrites them; test/readme/snippets.test.ts fails when a document has drifted.
import { readFileSync, writeFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { describeRoute, SERVICE_TITLES } from "../core/operations.js";
import { catalog } from "../harness/operator/explain.js";
import { OPERATIONS } from "../harness/sandbox/operations.js";
import { compatibilityTables } from "./compatibility.js";

export const SNIPPET = /(<!-- snippet: (\S+)#(\S+) -->\s*```\w*\n)([\s\S]*?)```/g;
const ERRORS = /(<!-- errors:begin -->\n)[\s\S]*?(<!-- errors:end -->)/;
const COMPATIBILITY = /(<!-- compatibility:begin -->\n)[\s\S]*?(<!-- compatibility:end -->)/;
const DIFFERENCES = /(<!-- differences:begin -->\n)[\s\S]*?(<!-- differences:end -->)/;
const OPERATIONS_TABLE = /(<!-- operations:begin -->\n)[\s\S]*?(<!-- operations:end -->)/;
/** The same in a source file's doc comment: ` * <!-- snippet: FILE#REGION -->`, then the region to the comment's end. */
export const DOC_COMMENT_SNIPPET = /( \* <!-- snippet: (\S+)#(\S+) -->\n)((?: \*(?: .*)?\n)*?)(?= \*\/)/g;

/**
 * The text between `// #region NAME` and `// #endregion NAME` of a file (`# #region NAME` in Python and
 * shell), dedented.
 */
export function region(file: string, name: string): string {
  const text = readFileSync(file, "utf8");
  const match = new RegExp(`(?://|#) #region ${name}\\n([\\s\\S]*?)\\n\\s*(?://|#) #endregion ${name}`).exec(
    text,
  );
  if (!match) throw new Error(`No region ${name} in ${file}`);
  const lines = match[1]!.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n") + "\n";
}

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
}

/** Every code each service emits: where it shows, what it means, and the scenario reproducing it. */
export function errorTables(root = ""): string {
  const entries = catalog();
  const table = (service: string) => {
    const rows = entries
      .filter((e) => e.service === service)
      .map((e) => {
        const where = typeof e.status === "number" ? `HTTP ${e.status}` : e.status;
        const scenario = e.scenarios.map((s) => `[${s}](${root}scenarios/${s}.yaml)`).join(", ");
        return `| \`${e.code}\` | ${where} | ${cell(e.cause)} | ${scenario} |`;
      });
    return [`| Code | Answer | Cause | Scenario |`, `|---|---|---|---|`, ...rows].join("\n");
  };
  return [
    `**Entra ID**`,
    ``,
    table("Entra ID"),
    ``,
    `**Entra ID managed identity endpoints** (IMDS, App Service)`,
    ``,
    table("Managed identity"),
    ``,
    `**Microsoft Graph** (\`{"error":{"code","message","innerError"}}\`)`,
    ``,
    table("Microsoft Graph"),
    ``,
    `**ACS Identity**`,
    ``,
    table("ACS Identity"),
    ``,
    `**Azure Resource Manager** (\`{"error":{"code","message"}}\`)`,
    ``,
    table("Azure Resource Manager"),
    ``,
  ].join("\n");
}

/** Every catalogued answer that is partly or wholly a guess, by service, with why. */
export function inferredTable(): string {
  const rows = catalog()
    .filter((e) => e.evidence.inferred)
    .map((e) => {
      const basis = e.evidence.recorded ? `Recorded: ${cell(e.evidence.recorded)}` : "—";
      return `| \`${e.code}\` | ${e.service} | ${cell(e.evidence.inferred!)} | ${basis} |`;
    });
  return [`| Code | Service | What is inferred | Basis |`, `|---|---|---|---|`, ...rows, ``].join("\n");
}

/** Every declared operation of every service, as fault rules and journal queries name them. */
export function operationsTable(): string {
  const rows = OPERATIONS.map(
    (o) =>
      `| ${SERVICE_TITLES[o.service]} | \`${o.name}\`${o.group ? ` (\`${o.group}\`)` : ""} | ${cell(describeRoute(o))} | ${cell(o.summary)} | ${o.evidence} |`,
  );
  return [
    `| Service | Operation (group) | Method and path | What it does | Evidence |`,
    `|---|---|---|---|---|`,
    ...rows,
    ``,
  ].join("\n");
}

/** The documents with generated parts: examples from tests, tables from the catalogs. */
export const DOCUMENTS = [
  "README.md",
  "docs/container.md",
  "docs/reference.md",
  "docs/differences-from-azure.md",
  "docs/parity.md",
  "docs/clients.md",
  "docs/security.md",
  "docs/compatibility.md",
  "docs/python.md",
  "docs/java.md",
  "docs/unmodified.md",
  "docs/faults.md",
  "docs/inspector.md",
  "docs/operations.md",
  "docs/entra-policy.md",
  "docs/testing.md",
  "docs/admin-tools.md",
];

/** Source files whose doc comment examples are test regions (so they compile and run). */
export const SOURCES = ["harness/runner/index.ts"];

/** A source file with its doc comment examples brought up to date. */
export function syncedSource(text: string): string {
  return text.replace(
    DOC_COMMENT_SNIPPET,
    (_all, head: string, file: string, name: string) =>
      head +
      region(file, name)
        .trimEnd()
        .split("\n")
        .map((line) => (line ? ` * ${line}` : " *"))
        .join("\n") +
      "\n",
  );
}

/** A document with its generated parts brought up to date; `file` decides how links reach the root. */
export function syncedDocument(readme: string, file = "README.md"): string {
  const root = file.includes("/") ? "../" : "";
  return readme
    .replace(
      SNIPPET,
      (_all, head: string, file: string, name: string) => `${head}${region(file, name)}\`\`\``,
    )
    .replace(ERRORS, (_all, begin: string, end: string) => `${begin}${errorTables(root)}${end}`)
    .replace(COMPATIBILITY, (_all, begin: string, end: string) => `${begin}${compatibilityTables()}${end}`)
    .replace(DIFFERENCES, (_all, begin: string, end: string) => `${begin}${inferredTable()}${end}`)
    .replace(OPERATIONS_TABLE, (_all, begin: string, end: string) => `${begin}${operationsTable()}${end}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  for (const file of DOCUMENTS) writeFileSync(file, syncedDocument(readFileSync(file, "utf8"), file));
  for (const file of SOURCES) writeFileSync(file, syncedSource(readFileSync(file, "utf8")));
}
