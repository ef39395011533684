// docs/container.md shows the testcontainers-readme region of the quickstart test: this keeps the two equal.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

function region(source: string, name: string): string {
  const match = new RegExp(
    `^([ \\t]*)// #region ${name}\\n([\\s\\S]*?)^[ \\t]*// #endregion ${name}$`,
    "m",
  ).exec(source);
  if (!match) throw new Error(`No region ${name}`);
  const indent = match[1]!;
  return match[2]!
    .split("\n")
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line))
    .join("\n")
    .trimEnd();
}

describe("docs/container.md", () => {
  it("shows the quickstart test's testcontainers-readme region verbatim", () => {
    const test = readFileSync(new URL("./quickstart.test.ts", import.meta.url), "utf8");
    const doc = readFileSync(new URL("../../docs/container.md", import.meta.url), "utf8");
    const snippet = /## Use from testcontainers[\s\S]*?```ts\n([\s\S]*?)\n```/.exec(doc)?.[1];
    expect(snippet).toBe(region(test, "testcontainers-readme"));
  });
});
