import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultCaDir, tlsMaterial } from "../sandbox/ca.js";
import { shippedFile } from "../sandbox/paths.js";
import type { RunMode, ScenarioResult } from "./types.js";
import type { Job, JobDone } from "./worker.js";

export interface RunAllOptions {
  mode: RunMode;
  /** Worker processes; default one per CPU core, at most one per scenario. */
  workers?: number;
  onResult?: (result: ScenarioResult) => void;
}

/**
 * The environment server-mode workers need: the sandbox CA (made on first use) in NODE_EXTRA_CA_CERTS,
 * which Node reads only at start-up, and ACS_SANDBOX_CA_DIR so the `serve` children sign with that CA.
 */
async function serverTrustEnv(): Promise<{ env: NodeJS.ProcessEnv; cleanUp: () => void }> {
  const caDir = defaultCaDir();
  const { caCertPath, caCertPem } = await tlsMaterial(caDir);
  let bundle = caCertPath;
  let bundleDir: string | undefined;
  const existing = process.env.NODE_EXTRA_CA_CERTS;
  if (existing && existing !== caCertPath) {
    // Keep whatever the user already trusts: one file holding both, removed when the run ends.
    bundleDir = mkdtempSync(join(tmpdir(), "acs-sandbox-ca-"));
    bundle = join(bundleDir, "bundle.pem");
    writeFileSync(bundle, readFileSync(existing, "utf8") + "\n" + caCertPem);
  }
  return {
    env: { ...process.env, ACS_SANDBOX_CA_DIR: caDir, NODE_EXTRA_CA_CERTS: bundle },
    cleanUp: () => bundleDir && rmSync(bundleDir, { recursive: true, force: true }),
  };
}

function spawnWorker(env: NodeJS.ProcessEnv): ChildProcess {
  const ext = extname(fileURLToPath(import.meta.url));
  // From the TypeScript sources (tests) the worker needs tsx; from dist/ it is plain JavaScript.
  return fork(shippedFile(`harness/runner/worker${ext}`), [], {
    env,
    execArgv: ext === ".ts" ? ["--import", "tsx"] : [],
    serialization: "advanced",
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
}

async function playHere(files: string[], options: RunAllOptions): Promise<ScenarioResult[]> {
  const { brokenRun, runScenario } = await import("./run-scenario.js");
  const results: ScenarioResult[] = [];
  for (const file of files) {
    const result = await runScenario(file, { mode: options.mode }).catch((err: unknown) =>
      brokenRun(file, options.mode, err),
    );
    results.push(result);
    options.onResult?.(result);
  }
  return results;
}

/**
 * Runs scenario files across worker processes, one scenario at a time per worker (intercept mode shares
 * one msw server per process, so that is the unit of safe parallelism). Results come in file order.
 */
export async function runAll(files: string[], options: RunAllOptions): Promise<ScenarioResult[]> {
  const trust = options.mode === "server" ? await serverTrustEnv() : undefined;
  const env = trust?.env ?? process.env;
  const count = Math.max(1, Math.min(options.workers ?? availableParallelism(), files.length));
  // One at a time in intercept mode needs no worker: this process plays them, saving a node start and
  // a second load of the client SDKs. Server mode always forks, as its workers must start with the CA.
  if (count === 1 && options.mode === "intercept") return playHere(files, options);
  const results: ScenarioResult[] = new Array(files.length);
  let next = 0;

  const drive = (worker: ChildProcess) =>
    new Promise<void>((resolve, reject) => {
      let inFlight: number | undefined;
      const give = () => {
        if (next >= files.length) {
          inFlight = undefined;
          worker.kill();
          resolve();
          return;
        }
        inFlight = next++;
        worker.send({ id: inFlight, file: files[inFlight]!, mode: options.mode } satisfies Job);
      };
      worker.on("message", ({ id, result }: JobDone) => {
        results[id] = result;
        options.onResult?.(result);
        give();
      });
      worker.once("exit", (code, signal) => {
        if (inFlight !== undefined) {
          reject(new Error(`The worker running ${files[inFlight]} exited (${signal ?? `code ${code}`})`));
        }
      });
      give();
    });

  try {
    await Promise.all(Array.from({ length: count }, () => drive(spawnWorker(env))));
  } finally {
    trust?.cleanUp();
  }
  return results;
}
