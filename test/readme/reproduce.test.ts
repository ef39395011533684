import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { stripAnsi } from "../../harness/runner/reporters/reporter.js";
import { packageRoot } from "../../harness/sandbox/paths.js";

/*
 * The README's "Reproduce a customer's misconfiguration": its scenario file is played by the CLI, and
 * every line of its console blocks is what the CLI prints. `…` stands for text the README leaves out
 * (long messages, times, the lines of a request), so each line is checked piece by piece, in order.
 */

const exec = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
const readme = readFileSync(join(packageRoot(), "README.md"), "utf8");

/** The fenced block of `lang` whose first line is `first`, without that line. */
function block(lang: string, first: string): string[] {
  const start = readme.indexOf("```" + lang + "\n" + first + "\n");
  expect(start, `a ${lang} block starting "${first}"`).toBeGreaterThanOrEqual(0);
  const body = readme.slice(start + lang.length + 4 + first.length + 1);
  return body.slice(0, body.indexOf("```")).trimEnd().split("\n");
}

/** Durations differ from run to run. */
const normal = (text: string) => text.replace(/\d+\.\ds\b/g, "#s");

/** Every piece of every README line appears in the output, in the README's order. */
function expectPrinted(output: string, lines: string[]): void {
  const text = normal(stripAnsi(output));
  let at = 0;
  for (const line of lines) {
    for (const piece of normal(line).split("…")) {
      if (!piece.trim()) continue;
      const found = text.indexOf(piece.trim(), at);
      expect(found, `"${piece.trim()}" after offset ${at} in:\n${text}`).toBeGreaterThanOrEqual(0);
      at = found + piece.trim().length;
    }
  }
}

async function cliOutput(args: string[], cwd: string): Promise<string> {
  return exec(process.execPath, [cli, ...args], { cwd }).then(
    ({ stdout }) => stdout,
    (err: { stdout: string }) => err.stdout,
  );
}

describe("README: reproduce a customer's misconfiguration", () => {
  it("plays the ticket's scenario file and prints what the README shows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "readme-ticket-"));
    const [name, ...yaml] = block("yaml", "# fabrikam-ticket.yaml");
    expect(name).toBe("name: fabrikam-ticket");
    writeFileSync(join(dir, "fabrikam-ticket.yaml"), [name, ...yaml].join("\n") + "\n");
    const output = await cliOutput(["run", "fabrikam-ticket.yaml"], dir);
    expectPrinted(output, block("console", "$ npx acs-sandbox run fabrikam-ticket.yaml"));
  });

  it("explains the code the way the README shows", async () => {
    const output = await cliOutput(["explain", "AADSTS500011"], tmpdir());
    expectPrinted(output, block("console", "$ npx acs-sandbox explain AADSTS500011"));
  });

  it("prints what each step of the fixed story got", async () => {
    const output = await cliOutput(["run", "missing-service-principal"], tmpdir());
    expectPrinted(output, block("console", "$ npx acs-sandbox run missing-service-principal"));
  });
});
