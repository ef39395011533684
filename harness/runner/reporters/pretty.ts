import pc from "picocolors";
import type { JournalEntry } from "../../operator/journal.js";
import type { ScenarioResult, StepResult } from "../types.js";
import { explainHint } from "./explain-hint.js";
import { counts, type Reporter } from "./reporter.js";

/*
 * For a person at a terminal: one line per scenario as it finishes and under it one line per step saying
 * what the step got (the error code, a token's key claims), then for each failure the step, what was
 * expected against what happened, the last request the sandbox answered and the `explain` line for its
 * code. `quiet` keeps the one line per scenario.
 */

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
const show = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

const MAX_URL = 160;

function request(entry: JournalEntry): string {
  const url = `https://${entry.host}${entry.url}`;
  const shown = url.length > MAX_URL ? `${url.slice(0, MAX_URL - 1)}…` : url;
  return `${entry.method} ${shown} → ${entry.status}${entry.errorCode ? ` ${entry.errorCode}` : ""}`;
}

function failedStep(result: ScenarioResult, step: StepResult): string[] {
  const where = result.file && step.line ? `${result.file}:${step.line}` : `step ${step.index + 1}`;
  const lines = [`  ${pc.red("✗")} step ${step.index + 1}: ${step.label}   ${pc.dim(where)}`];
  for (const m of step.mismatches) {
    lines.push(
      `      ${pc.bold(m.field)}`,
      `        expected: ${pc.green(show(m.expected))}`,
      `        actual:   ${pc.red(show(m.actual))}`,
    );
  }
  const last = step.lastRequest;
  if (last) {
    lines.push(`      last request: ${pc.dim(request(last))}`);
    if (last.requestBody) lines.push(`        sent:     ${pc.dim(last.requestBody)}`);
    if (last.responseBody) lines.push(`        answered: ${pc.dim(last.responseBody)}`);
  }
  const hint = explainHint(step);
  if (hint) lines.push(`      → ${pc.bold(hint)}`);
  return lines;
}

/** The failure details of one scenario, as the pretty report shows them. */
export function describeFailure(result: ScenarioResult): string {
  if (result.error)
    return result.error
      .split("\n")
      .map((l) => `  ${l}`)
      .join("\n");
  return result.steps
    .filter((s) => s.status === "failed")
    .flatMap((s) => failedStep(result, s))
    .join("\n");
}

/** One line per step under its scenario's line: what a passing step got, which step failed, which did not run. */
export function stepLines(result: ScenarioResult): string[] {
  return result.steps.map((step) => {
    const head = `step ${step.index + 1}: ${step.label}`;
    if (step.status === "passed")
      return `    ${pc.green("✓")} ${head}${step.got ? pc.dim(`  ⇒ ${step.got}`) : ""}`;
    if (step.status === "failed") return `    ${pc.red("✗")} ${head}`;
    return `    ${pc.dim(`- ${head} (not run)`)}`;
  });
}

export interface PrettyOptions {
  /** One line per scenario, without its steps. */
  quiet?: boolean;
  write?: (text: string) => void;
}

export function prettyReporter(options: PrettyOptions = {}): Reporter {
  const write = options.write ?? ((t: string) => void process.stdout.write(t));
  return {
    start({ total, workers, mode }) {
      write(
        pc.dim(
          `Running ${total} scenario${total === 1 ? "" : "s"} in ${mode} mode on ${workers} worker${workers === 1 ? "" : "s"}\n`,
        ),
      );
    },
    scenarioDone(result) {
      const mark = result.status === "passed" ? pc.green("✓") : pc.red("✗");
      write(`${mark} ${result.name} ${pc.dim(seconds(result.durationMs))}\n`);
      if (!options.quiet && result.steps.length > 0) write(stepLines(result).join("\n") + "\n");
    },
    finish(results, durationMs) {
      const failures = results.filter((r) => r.status === "failed");
      const { passed, failed } = counts(results);
      const parts = failures.map(
        (r) =>
          `\n${pc.red(pc.bold(`✗ ${r.name}`))}${r.description ? pc.dim(` — ${r.description}`) : ""}\n${describeFailure(r)}\n`,
      );
      const summary = `${pc.green(`${passed} passed`)}${failed ? `, ${pc.red(`${failed} failed`)}` : ""} (${results.length} scenarios) in ${seconds(durationMs)}`;
      return `${parts.join("")}\n${summary}\n`;
    },
  };
}
