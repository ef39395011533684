import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";

const run = promisify(execFile);
const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");

async function failure(args: string[]): Promise<{ code: number; stderr: string }> {
  return run(process.execPath, [cli, ...args]).then(
    () => ({ code: 0, stderr: "" }),
    (err: { code: number; stderr: string }) => err,
  );
}

describe("what the CLI prints", () => {
  it("list prints whole descriptions when piped, and a run line that works from anywhere", async () => {
    const { stdout } = await run(process.execPath, [cli, "list"], { cwd: tmpdir() });
    expect(stdout).not.toContain("…");
    const line = stdout.split("\n").find((l) => l.startsWith("Run one: "))!;
    expect(line).toMatch(/^Run one: npx acs-sandbox run [a-z0-9-]+$/);
  });

  it("serve --help says where the CA and keys live without --data-dir", async () => {
    const { stdout } = await run(process.execPath, [cli, "serve", "--help"]);
    expect(stdout.replace(/\s+/g, " ")).toContain("~/.acs-sandbox/ca or $ACS_SANDBOX_CA_DIR");
  });

  it("a missing world file gets a sentence, not ENOENT", async () => {
    const { code, stderr } = await failure(["serve", "--port", "0", "--world", "no-such-world.yaml"]);
    expect(code).toBe(1);
    expect(stderr).toContain('The world file "no-such-world.yaml" does not exist');
    expect(stderr).not.toContain("ENOENT");
  });

  it("a directory given as a world file gets a sentence, not EISDIR", async () => {
    const dir = mkdtempSync(join(tmpdir(), "world-dir-"));
    const { code, stderr } = await failure(["serve", "--port", "0", "--world", dir]);
    expect(code).toBe(1);
    expect(stderr).toContain(`The world file "${dir}" is a directory`);
    expect(stderr).not.toContain("EISDIR");
  });
});
