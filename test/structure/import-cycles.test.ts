import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";

/*
 * No module imports itself through others, type imports included: a cycle means two modules are one
 * job split in two files, and runtime cycles load half-initialised modules. Read from the sources, so
 * any new cycle fails here.
 */

const ROOT = packageRoot();
const FOLDERS = ["core", "mock-aad", "mock-acs", "harness"];

function modules(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of FOLDERS) {
    for (const file of readdirSync(join(ROOT, folder), { recursive: true, encoding: "utf8" })) {
      if (!file.endsWith(".ts")) continue;
      const path = join(ROOT, folder, file);
      const text = readFileSync(path, "utf8");
      const imports = [...text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)].map((m) =>
        relative(ROOT, resolve(dirname(path), m[1]!.replace(/\.js$/, ".ts"))),
      );
      graph.set(relative(ROOT, path), imports);
    }
  }
  return graph;
}

function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "visiting");
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "visiting") found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

describe("the module graph", () => {
  it("has no import cycles", () => {
    const graph = modules();
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(graph).map((c) => c.join(" → "))).toEqual([]);
  });
});
