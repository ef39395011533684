// A world file the sandbox cannot load stops the container with the reason in its log, at once.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { AcsSandboxContainer, DEFAULT_IMAGE, WORLD_PATH } from "../../harness/transports/testcontainers.js";
import { docker, removeContainersOfThisProcess, requireSandboxImage } from "./support.js";

const BAD_WORLD = "tenants:\n  fabrikam:\n    users: 42\n";
const REASON = /Invalid world in \/etc\/acs-sandbox\/world\.yaml:[\s\S]*tenants\.fabrikam\.users/;

describe("a bad world file", { timeout: 120_000 }, () => {
  afterAll(async () => {
    await removeContainersOfThisProcess();
  });

  it("mounted at the documented path, makes `docker run` exit non-zero with the error in its logs", async () => {
    await requireSandboxImage();
    const dir = mkdtempSync(join(tmpdir(), "acs-sandbox-bad-world-"));
    const file = join(dir, "world.yaml");
    writeFileSync(file, BAD_WORLD, { mode: 0o644 });

    const run = docker(["run", "--rm", "-v", `${file}:${WORLD_PATH}:ro`, DEFAULT_IMAGE], { timeout: 60_000 });

    const failure = (await run.then(
      () => expect.fail("the container started with a bad world file"),
      (err: unknown) => err,
    )) as { code: number; stderr: string };
    expect(failure.code).toBe(1);
    expect(failure.stderr).toMatch(REASON);
  });

  it("makes AcsSandboxContainer.start() fail with the sandbox's own message", async () => {
    await requireSandboxImage();
    await expect(new AcsSandboxContainer().withWorld(BAD_WORLD).start()).rejects.toThrow(REASON);
  });
});
