import { describe, expect, it } from "vitest";
import { moduleGraph } from "./module-graph.js";

/*
 * No module imports itself through others, type imports included: a cycle means two modules are one
 * job split in two files, and runtime cycles load half-initialised modules. Read from the sources, so
 * any new cycle fails here.
 */

/** Static imports only: a lazy `import()` runs after both modules are loaded, so it cannot half-initialise one. */
function modules(): Map<string, string[]> {
  return new Map([...moduleGraph()].map(([path, imports]) => [path, imports.static]));
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
