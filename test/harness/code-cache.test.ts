import { chmodSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { testStore } from "../support/modes.js";
import { spawnServe, stopServes } from "../support/serve-process.js";

/*
 * `serve` keeps V8's code cache for its next start (harness/cli/code-cache.ts): made once, taken after,
 * made again when damaged, and never written when turned off. Each start must still answer.
 */

afterEach(stopServes);

/** Starts `serve` with its code cache in `cacheDir`, checks it answers, and stops it. */
async function serveOnce(cacheDir: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<void> {
  const run = spawnServe(["--json", "--no-port-443"], {
    ...process.env,
    ACS_SANDBOX_CACHE_DIR: cacheDir,
    ...extraEnv,
  });
  const { baseUrl } = JSON.parse(await run.firstLine()) as { baseUrl: string };
  const health = await fetch(`${baseUrl}/_sandbox/health`);
  expect(await health.json()).toEqual({ status: "ok", store: testStore() });
  run.child.kill("SIGTERM");
  const { code, stderr } = await run.exited;
  expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((f) => f.endsWith(".bin"));

describe("serve's code cache", () => {
  it("is made by the first start, in a folder only the user may read, and taken as it is by the next", async () => {
    const cacheDir = join(mkdtempSync(join(tmpdir(), "acs-sandbox-code-cache-")), "cache");
    await serveOnce(cacheDir);
    const [file] = cacheFiles(cacheDir);
    expect(cacheFiles(cacheDir)).toHaveLength(1);
    // Named by the bundle's content, V8's version and the machine: another build never reads it.
    expect(file).toMatch(/^serve-cjs-[0-9a-f]{16}-v8-[\w.-]+-\w+\.bin$/);
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    const path = join(cacheDir, file!);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const made = statSync(path);

    await serveOnce(cacheDir);
    // Taken: a cache V8 refused would have been made again (a new file, renamed over the old one).
    const after = statSync(path);
    expect({ ino: after.ino, mtimeMs: after.mtimeMs }).toEqual({ ino: made.ino, mtimeMs: made.mtimeMs });
  });

  it("is made again when damaged, and the start does not notice", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "acs-sandbox-code-cache-"));
    await serveOnce(cacheDir);
    const path = join(cacheDir, cacheFiles(cacheDir)[0]!);
    const damaged = Buffer.alloc(4096, 0x2a);
    writeFileSync(path, damaged);

    await serveOnce(cacheDir);
    const remade = readFileSync(path);
    expect(remade.equals(damaged)).toBe(false);
    expect(remade.length).toBeGreaterThan(100_000);
  });

  it("is left out, without a word, where it cannot be written (even a folder under /proc)", async () => {
    // Node 20's recursive mkdirSync never returns for /proc/…: a start that tried it spun forever.
    await serveOnce("/proc/acs-sandbox-code-cache/cache");
    const unwritable = join(mkdtempSync(join(tmpdir(), "acs-sandbox-code-cache-")), "a-file");
    writeFileSync(unwritable, "not a folder");
    await serveOnce(join(unwritable, "cache"));
  });

  it("is neither read nor written in a folder other users may write", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "acs-sandbox-code-cache-"));
    chmodSync(cacheDir, 0o777);
    await serveOnce(cacheDir);
    expect(readdirSync(cacheDir)).toEqual([]);
  });

  it("is never written with ACS_SANDBOX_NO_CODE_CACHE=1", async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), "acs-sandbox-code-cache-"));
    await serveOnce(cacheDir, { ACS_SANDBOX_NO_CODE_CACHE: "1" });
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
