import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

/*
 * README code blocks marked `<!-- snippet: FILE#REGION -->` must equal that region of the test file, so
 * every example in the README is code that runs in CI.
 */

const README = readFileSync("README.md", "utf8");
const MARKER = /<!-- snippet: (\S+)#(\S+) -->\s*```\w*\n([\s\S]*?)```/g;

function region(file: string, name: string): string {
  const text = readFileSync(file, "utf8");
  const match = new RegExp(`// #region ${name}\\n([\\s\\S]*?)\\n\\s*// #endregion ${name}`).exec(text);
  if (!match) throw new Error(`No region ${name} in ${file}`);
  const lines = match[1]!.split("\n");
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => /^ */.exec(l)![0].length));
  return lines.map((l) => l.slice(indent)).join("\n") + "\n";
}

const snippets = [...README.matchAll(MARKER)].map((m) => ({ file: m[1]!, name: m[2]!, body: m[3]! }));

describe("README snippets", () => {
  it("has snippets to check", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2);
  });

  it.each(snippets.map((s) => [`${s.file}#${s.name}`, s] as const))("%s matches its test", (_label, s) => {
    expect(s.body).toBe(region(s.file, s.name));
  });
});
