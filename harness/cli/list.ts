import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Command } from "commander";
import pc from "picocolors";
import { parse } from "yaml";
import { SCENARIOS_DIR } from "../sandbox/paths.js";

const MAX_WIDTH = 110;

/** The first sentence of a description, shortened to fit one line of a terminal (never when piped). */
function firstSentence(text: string, shorten: boolean): string {
  const flat = text.replace(/\s+/g, " ").trim();
  const end = flat.search(/\.(\s|$)/);
  const sentence = end > 0 ? flat.slice(0, end + 1) : flat;
  return shorten && sentence.length > MAX_WIDTH ? `${sentence.slice(0, MAX_WIDTH - 1).trimEnd()}…` : sentence;
}

export function listCommand(): Command {
  return new Command("list")
    .description("List the bundled scenarios with one-line descriptions")
    .action(() => {
      const rows = readdirSync(SCENARIOS_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => {
          const doc = parse(readFileSync(join(SCENARIOS_DIR, f), "utf8")) as {
            name?: string;
            description?: string;
          };
          return {
            name: doc.name ?? f.replace(/\.ya?ml$/, ""),
            description: firstSentence(doc.description ?? "", process.stdout.isTTY === true),
          };
        });
      const width = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) process.stdout.write(`${pc.bold(r.name.padEnd(width))}  ${r.description}\n`);
      process.stdout.write(pc.dim(`\nRun one: npx acs-sandbox run ${rows[0]?.name ?? "NAME"}\n`));
    });
}
