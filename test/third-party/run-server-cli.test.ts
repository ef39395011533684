import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../harness/sandbox/paths.js";

const run = promisify(execFile);
// The bundled library itself is played by ./scenarios/part-*.test.ts, split so vitest runs it in parallel.
describe("acs-sandbox run --server", () => {
  it("plays a scenario over HTTPS from the CLI, trusting the sandbox CA itself, and writes JUnit", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "acs-sandbox-run-")), "report.xml");
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    // No NODE_EXTRA_CA_CERTS from the test workers: the command must make trust work on its own.
    const env = {
      ...process.env,
      NODE_EXTRA_CA_CERTS: "",
      ACS_SANDBOX_CA_DIR: mkdtempSync(join(tmpdir(), "ca-")),
    };
    await run(
      process.execPath,
      [
        cli,
        "run",
        "--server",
        "--filter",
        "quickstart-multitenant-password",
        "--reporter",
        "junit",
        "--out",
        out,
      ],
      {
        env,
      },
    );
    const xml = readFileSync(out, "utf8");
    expect(xml).toContain('tests="1" failures="0"');
    expect(xml).toContain('name="quickstart-multitenant-password"');
  });

  it("leaves no temporary files behind, even when it bundles the CA with one already trusted", async () => {
    const tmp = mkdtempSync(join(tmpdir(), "acs-sandbox-tmp-"));
    const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
    const env = {
      ...process.env,
      TMPDIR: tmp,
      NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS!,
      ACS_SANDBOX_CA_DIR: mkdtempSync(join(tmpdir(), "ca-")),
    };
    await run(process.execPath, [cli, "run", "--server", "--filter", "quickstart-multitenant-password"], {
      env,
    });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
