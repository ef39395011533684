import { writeFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { basename, join } from "node:path";
import { availableParallelism } from "node:os";
import { Command, Option } from "commander";
import { SCENARIOS_DIR } from "../sandbox/paths.js";
import type { Reporter } from "../runner/reporters/reporter.js";
import { resolveScenarioPath } from "../transports/start.js";
import { nearestWord } from "../sandbox/did-you-mean.js";

/** Reporters load on use: JUnit brings xmlbuilder2, which no other command needs. */
const REPORTERS: Record<string, (opts: { quiet: boolean }) => Promise<Reporter>> = {
  pretty: async ({ quiet }) => (await import("../runner/reporters/pretty.js")).prettyReporter({ quiet }),
  json: async () => (await import("../runner/reporters/json.js")).jsonReporter(),
  junit: async () => (await import("../runner/reporters/junit.js")).junitReporter(),
};

/** Scenario files named on the command line: files, folders (their *.yaml) or bundled names. */
export function collectScenarioFiles(targets: string[]): string[] {
  return targets.flatMap((target) => {
    if (existsSync(target) && statSync(target).isDirectory()) {
      return readdirSync(target)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
        .map((f) => join(target, f));
    }
    try {
      return [resolveScenarioPath(target)];
    } catch (err) {
      // A misspelt bundled name: name the one that was meant.
      const bundled = readdirSync(SCENARIOS_DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .map((f) => f.replace(/\.ya?ml$/, ""));
      const near = nearestWord(basename(target).replace(/\.ya?ml$/, ""), bundled);
      if (near) throw new Error(`${(err as Error).message}. Did you mean "${near}"?`);
      throw err;
    }
  });
}

export function runCommand(): Command {
  return new Command("run")
    .description(
      "Play scenario files through the real MSAL Node and Identity SDK; exit 0 only if every expectation held",
    )
    .argument(
      "[targets...]",
      "scenario files, folders or bundled scenario names (default: the bundled scenarios)",
    )
    .addOption(
      new Option("--reporter <name>", "report format").choices(Object.keys(REPORTERS)).default("pretty"),
    )
    .option("--out <file>", "write the report to a file instead of the terminal")
    .option(
      "--server",
      "run against `acs-sandbox serve` over HTTPS in a child process instead of intercepting",
    )
    .option("--filter <text>", "only scenarios whose file name contains this text")
    .option("--workers <n>", "worker processes (default: one per CPU core)")
    .option("-q, --quiet", "pretty reporter: one line per scenario, without what each step got")
    .action(async (targets: string[], opts) => {
      let files = collectScenarioFiles(targets.length ? targets : [SCENARIOS_DIR]);
      if (opts.filter) {
        const needle = String(opts.filter).toLowerCase();
        files = files.filter((f) => basename(f).toLowerCase().includes(needle));
      }
      if (files.length === 0) throw new Error("No scenario files matched");
      const workers = opts.workers ? Number(opts.workers) : availableParallelism();
      if (!Number.isInteger(workers) || workers < 1)
        throw new Error(`Invalid --workers "${opts.workers}": expected a positive number`);
      const mode = opts.server ? "server" : "intercept";
      const reporter = await REPORTERS[opts.reporter as string]!({ quiet: Boolean(opts.quiet) });
      const { runAll } = await import("../runner/parallel.js");
      // Progress goes to the terminal for the pretty reporter; the others print one document only.
      const progress = opts.reporter === "pretty" ? reporter : undefined;
      progress?.start({ total: files.length, workers: Math.min(workers, files.length), mode });
      const started = performance.now();
      const results = await runAll(files, { mode, workers, onResult: (r) => progress?.scenarioDone(r) });
      const report = reporter.finish(results, performance.now() - started);
      if (opts.out) writeFileSync(opts.out, report);
      else process.stdout.write(report);
      process.exitCode = results.every((r) => r.status === "passed") ? 0 : 1;
    });
}
