import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  DOC_COMMENT_SNIPPET,
  DOCUMENTS,
  SNIPPET,
  SOURCES,
  syncedDocument,
  syncedSource,
} from "../../scripts/readme.js";

/*
 * The documents' code examples are regions of tests, and the README's error tables come from the
 * emulators' catalogs: when either drifts, this fails (`npm run readme` brings them up to date).
 */

describe.each(DOCUMENTS)("%s", (file) => {
  const text = readFileSync(file, "utf8");

  it("takes its examples from tests, or its tables from the catalogs", () => {
    expect(
      [...text.matchAll(SNIPPET)].length + (text.match(/<!-- (errors|differences):begin -->/g) ?? []).length,
    ).toBeGreaterThanOrEqual(1);
  });

  it("is up to date with the tests' regions and the error catalogs", () => {
    expect(text).toBe(syncedDocument(text, file));
  });
});

describe.each(SOURCES)("%s", (file) => {
  const text = readFileSync(file, "utf8");

  it("takes its doc comment examples from tests, up to date", () => {
    expect([...text.matchAll(DOC_COMMENT_SNIPPET)].length).toBeGreaterThanOrEqual(1);
    expect(text).toBe(syncedSource(text));
  });
});
