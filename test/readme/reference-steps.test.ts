import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ACTIONS, FLOWS } from "../../harness/runner/scenario.js";

/* docs/reference.md's step table names every action a scenario step may take, and every signIn flow. */

const reference = readFileSync("docs/reference.md", "utf8");
const table = reference.slice(
  reference.indexOf("| Action | Arguments |"),
  reference.indexOf("| Expectation |"),
);
const firstColumn = table
  .split("\n")
  .filter((row) => row.startsWith("| `"))
  .flatMap((row) => [...row.split("|")[1]!.matchAll(/`(\w+)`/g)].map((m) => m[1]!));

describe("the reference's scenario step table", () => {
  it("has a row for every action", () => {
    expect(firstColumn.sort()).toEqual(Object.keys(ACTIONS).sort());
  });

  it("lists every signIn flow", () => {
    const signIn = table.split("\n").find((row) => row.startsWith("| `signIn` |"))!;
    for (const flow of FLOWS) expect(signIn).toContain(`\`${flow}\``);
  });
});
