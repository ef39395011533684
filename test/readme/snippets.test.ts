import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SNIPPET, syncedReadme } from "../../scripts/readme.js";

/*
 * README.md's code examples are regions of tests, and its error tables come from the emulators'
 * catalogs: when either drifts, this fails (`npm run readme` brings README.md up to date).
 */

const README = readFileSync("README.md", "utf8");

describe("README", () => {
  it("takes its examples from tests", () => {
    expect([...README.matchAll(SNIPPET)].length).toBeGreaterThanOrEqual(3);
  });

  it("is up to date with the tests' regions and the error catalogs", () => {
    expect(README).toBe(syncedReadme(README));
  });
});
