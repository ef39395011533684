import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";

/* The README is the front door: short, with the sections a newcomer looks for, and links that lead somewhere. */

const root = packageRoot();
const readme = readFileSync(join(root, "README.md"), "utf8");

/** `#the-sandbox-clock` for `## The sandbox clock`, as GitHub makes heading anchors. */
const anchor = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/\s/g, "-");

describe("README", () => {
  it("fits in 250 lines", () => {
    expect(readme.trimEnd().split("\n").length).toBeLessThanOrEqual(250);
  });

  it("has install, the quickstart in Node and Python, the container, a reproduced misconfiguration and where the rest lives", () => {
    const headings = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    expect(headings).toEqual(
      expect.arrayContaining([
        "Install",
        "The quickstart end to end",
        "Reproduce a customer's misconfiguration",
        "Run as a container",
        "Troubleshooting",
        "Where the rest lives",
      ]),
    );
    expect(readme).toContain("npm pack");
    expect(readme).toContain("<!-- snippet: test/python/test_quickstart.py#ropc -->");
    expect(readme).toContain("![The inspector");
  });

  it("gives a fresh clone's two commands on its first screen, and they install what they need", () => {
    const firstScreen = readme.split("\n").slice(0, 25).join("\n");
    const commands = /```sh\n([\s\S]*?)```/.exec(firstScreen)?.[1] ?? "";
    expect(commands).toMatch(/^npm start\b/m);
    expect(commands).toMatch(/^npm test\b/m);
    const { scripts } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
      scripts: Record<string, string>;
    };
    // Both start by installing when a clone has no node_modules yet.
    expect(scripts.start).toBe("node scripts/start.mjs");
    expect(readFileSync(join(root, "scripts/start.mjs"), "utf8")).toContain("ensureInstalled();");
    expect(scripts.pretest).toMatch(/^node scripts\/ensure-installed\.mjs && npm run build/);
  });

  it("links only to files and headings that exist", () => {
    const links = [...readme.matchAll(/\]\(((?!https?:)[^)#\s]+)(?:#([^)\s]+))?\)/g)];
    expect(links.length).toBeGreaterThan(10);
    for (const [, file, hash] of links) {
      expect(existsSync(join(root, file!)), file).toBe(true);
      if (hash && file!.endsWith(".md")) {
        const headings = [...readFileSync(join(root, file!), "utf8").matchAll(/^#+ (.+)$/gm)].map((m) =>
          anchor(m[1]!),
        );
        expect(headings, `${file}#${hash}`).toContain(hash);
      }
    }
  });
});
