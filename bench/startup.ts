import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { goal, median, spawnUntilReady } from "./support.js";

/*
 * `serve` ready, from spawn to its descriptor line, fresh (an empty data dir: CA, leaf and signing keys
 * made) and kept (the same data dir again), beside the bare fastify + jose server (bench/baseline-server.mjs)
 * and axa's oauth2-mock-server doing the same. Goals: kept ≤ 1.3×, fresh ≤ 1.5× the bare server. And
 * `import "acs-sandbox"` in a fresh node beside importing fastify and jose: goal ≤ 300 ms.
 *
 * `serve` keeps V8's code cache in a folder of the run's own (harness/cli/code-cache.ts), made by the
 * first start below. The first start of a new build has none: that start is timed too ("kept, no code
 * cache"), with the cache turned off.
 */

const ROUNDS = 5;
const CLI = "dist/harness/cli/index.js";
const BASELINE = "bench/baseline-server.mjs";
const AXA = "node_modules/oauth2-mock-server/dist/oauth2-mock-server.mjs";

/** What `import "acs-sandbox"` loads (the built entry), beside the two packages any such server needs. */
const IMPORTS = {
  sandbox: ["./dist/harness/index.js"],
  bare: ["fastify", "jose"],
} as const;

/** Milliseconds a fresh `node` spends importing `specifiers`, timed inside the child. */
function importMs(specifiers: readonly string[]): number {
  const script =
    "const t = performance.now(); " +
    specifiers.map((s) => `await import(${JSON.stringify(s)});`).join(" ") +
    " console.log(performance.now() - t);";
  return Number(execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }));
}

type Target = "serve" | "serve-uncached" | "bare" | "axa";
type Kind = "fresh" | "kept";

const scratch = () => mkdtempSync(join(tmpdir(), "acs-sandbox-bench-"));

const codeCacheDir = mkdtempSync(join(tmpdir(), "acs-sandbox-bench-code-cache-"));

function args(target: Target, dir: string, kind: Kind): string[] {
  if (target === "serve" || target === "serve-uncached") {
    return [CLI, "serve", "--port", "0", "--json", "--data-dir", dir];
  }
  if (target === "bare") return [BASELINE, dir];
  const tls = JSON.parse(readFileSync(join(dir, "tls.json"), "utf8")) as { cert: string; key: string };
  writeFileSync(join(dir, "cert.pem"), tls.cert);
  writeFileSync(join(dir, "key.pem"), tls.key);
  const jwk = kind === "kept" ? ["--jwk", join(dir, "axa.json")] : [];
  return [AXA, "-a", "127.0.0.1", "-p", "0", "-c", join(dir, "cert.pem"), "-k", join(dir, "key.pem"), ...jwk];
}

async function readyMs(target: Target, dir: string, kind: Kind): Promise<number> {
  const child = await spawnUntilReady(args(target, dir, kind), {
    ...(target === "axa" ? { ready: /listening on/ } : {}),
    env: {
      ...process.env,
      ACS_SANDBOX_CACHE_DIR: codeCacheDir,
      ...(target === "serve-uncached" ? { ACS_SANDBOX_NO_CODE_CACHE: "1" } : {}),
    },
  });
  await child.stop();
  return child.readyMs;
}

export async function runStartupBenchmark(): Promise<void> {
  const kept: Record<Target, string> = {
    serve: scratch(),
    "serve-uncached": scratch(),
    bare: scratch(),
    axa: scratch(),
  };
  // axa's kept start reads a key it saved; its TLS files come from a bare server's data dir.
  await readyMs("serve", kept.serve, "fresh");
  await readyMs("serve-uncached", kept["serve-uncached"], "fresh");
  await readyMs("bare", kept.bare, "fresh");
  await readyMs("bare", kept.axa, "fresh");
  const { generateKeyPair, exportJWK } = await import("jose");
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  writeFileSync(
    join(kept.axa, "axa.json"),
    JSON.stringify({ ...(await exportJWK(privateKey)), alg: "RS256" }),
  );

  const times: Record<`${Target}:${Kind}`, number[]> = {
    "serve:fresh": [],
    "serve:kept": [],
    "serve-uncached:fresh": [],
    "serve-uncached:kept": [],
    "bare:fresh": [],
    "bare:kept": [],
    "axa:fresh": [],
    "axa:kept": [],
  };
  for (let round = 0; round < ROUNDS; round++) {
    for (const target of ["serve", "bare", "axa"] as const) {
      const fresh = scratch();
      // axa makes no TLS material: a bare server's, made outside the timing.
      if (target === "axa") await readyMs("bare", fresh, "fresh");
      times[`${target}:fresh`].push(await readyMs(target, fresh, "fresh"));
      times[`${target}:kept`].push(await readyMs(target, kept[target], "kept"));
    }
    times["serve-uncached:kept"].push(await readyMs("serve-uncached", kept["serve-uncached"], "kept"));
  }
  const imports = { sandbox: [] as number[], bare: [] as number[] };
  for (let round = 0; round < ROUNDS * 2; round++) {
    imports.sandbox.push(importMs(IMPORTS.sandbox));
    imports.bare.push(importMs(IMPORTS.bare));
  }
  const ms = (key: keyof typeof times) => median(times[key]);
  console.log(`Start-up: spawn to ready line, median of ${ROUNDS} alternating rounds`);
  for (const kind of ["kept", "fresh"] as const) {
    const ratio = ms(`serve:${kind}`) / ms(`bare:${kind}`);
    const limit = kind === "kept" ? 1.3 : 1.5;
    console.log(
      `  ${kind.padEnd(5)}  serve ${ms(`serve:${kind}`).toFixed(0)} ms · bare fastify+jose ${ms(`bare:${kind}`).toFixed(0)} ms · ` +
        `axa oauth2-mock-server ${ms(`axa:${kind}`).toFixed(0)} ms · serve/bare ${ratio.toFixed(2)}× ` +
        `(goal ≤ ${limit}×: ${goal(ratio <= limit)})`,
    );
  }
  const uncached = ms("serve-uncached:kept") / ms("bare:kept");
  console.log(
    `  kept, no code cache (a build's first start)  serve ${ms("serve-uncached:kept").toFixed(0)} ms · ` +
      `serve/bare ${uncached.toFixed(2)}× (information)`,
  );
  const sandboxImport = median(imports.sandbox);
  const bareImport = median(imports.bare);
  console.log(
    `  import "acs-sandbox" ${sandboxImport.toFixed(0)} ms · import fastify + jose ${bareImport.toFixed(0)} ms · ` +
      `ratio ${(sandboxImport / bareImport).toFixed(2)}× (goal ≤ 300 ms: ${goal(sandboxImport <= 300)})`,
  );
}
