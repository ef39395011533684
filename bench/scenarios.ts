import { spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { median } from "./support.js";

/*
 * Scenarios per second: `acs-sandbox run` (intercept mode, its worker processes) on five bundled
 * scenarios, each copied REPEAT times, beside the same five stories written as plain direct SDK calls with
 * a fresh sandbox per story in as many worker processes (bench/baseline-stories.mjs), in alternating
 * rounds; both sides pay their process starts. Then the whole bundled library once, for scale (it holds
 * browser sign-ins, which the direct baseline does not write). The ratio is what the YAML runner costs.
 */

const STORIES = [
  "quickstart-multitenant-password",
  "wrong-password",
  "backend-client-credentials",
  "wrong-client-id",
  "wrong-user-object-id",
];
const REPEAT = Number(process.env.BENCH_REPEAT ?? 6);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CLI = "dist/harness/cli/index.js";

/** Runs `node args…` to completion; resolves with its wall-clock milliseconds and stdout. */
function timed(args: string[]): Promise<{ ms: number; stdout: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.on("exit", (code) =>
      code === 0
        ? resolve({ ms: performance.now() - started, stdout })
        : reject(
            new Error(`node ${args.slice(0, 3).join(" ")} … exited with ${code}\n${stdout.slice(-2000)}`),
          ),
    );
  });
}

export async function runScenariosBenchmark(): Promise<void> {
  const workers = availableParallelism();
  const dir = mkdtempSync(join(tmpdir(), "acs-sandbox-bench-scenarios-"));
  try {
    for (const story of STORIES) {
      for (let i = 0; i < REPEAT; i++)
        copyFileSync(join("scenarios", `${story}.yaml`), join(dir, `${story}-${i}.yaml`));
    }
    const count = STORIES.length * REPEAT;
    const names = STORIES.flatMap((s) => Array.from({ length: REPEAT }, () => s));
    const runner = () => timed([CLI, "run", dir, "--workers", String(workers), "--reporter", "json"]);
    const direct = () => timed(["bench/baseline-stories.mjs", String(workers), ...names]);
    await runner(); // warm the file cache and the CA on both sides
    await direct();
    console.log(
      `Scenarios per second: ${count} scenarios (${STORIES.length} stories × ${REPEAT}), ${workers} workers, ${ROUNDS} alternating rounds`,
    );
    const ratios: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const r = count / ((await runner()).ms / 1000);
      const d = count / ((await direct()).ms / 1000);
      ratios.push(r / d);
      console.log(
        `  round ${round}: acs-sandbox run ${r.toFixed(1)}/s · direct SDK calls, fresh sandbox each ${d.toFixed(1)}/s · ratio ${(r / d).toFixed(2)}×`,
      );
    }
    const ratio = median(ratios);
    console.log(`  ratio:   ${ratio.toFixed(2)}× the direct calls' rate (median)`);
    const all = readdirSync("scenarios").filter((f) => f.endsWith(".yaml")).length;
    const library = await timed([
      CLI,
      "run",
      "scenarios",
      "--workers",
      String(workers),
      "--reporter",
      "json",
    ]);
    console.log(
      `  the bundled library: ${all} scenarios in ${(library.ms / 1000).toFixed(1)} s, ${(all / (library.ms / 1000)).toFixed(1)}/s`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
