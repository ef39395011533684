import pc from "picocolors";
import type { JournalEntry } from "../../sandbox/journal.js";
import type { ScenarioResult, StepResult } from "../types.js";
import { counts, type Reporter } from "./reporter.js";

/*
 * For a person at a terminal: one line per scenario as it finishes, then for each failure the step, what
 * was expected against what happened, and the last request the sandbox answered.
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

export function prettyReporter(write: (text: string) => void = (t) => process.stdout.write(t)): Reporter {
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
