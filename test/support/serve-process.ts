import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";

/*
 * `acs-sandbox serve` as a user runs it: the built CLI in a process of its own (npm test builds it
 * first). One way to start it for every test that does, and to stop whatever a test left running.
 */

export const CLI = join(process.cwd(), "dist", "harness", "cli", "index.js");

export interface ServeProcess {
  child: ChildProcess;
  /** Resolves once it has ended and its output is all read. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Its standard output once `pattern` matches it; rejects, with what it said on stderr, if it ends first. */
  until(pattern: RegExp): Promise<string>;
  /** Its first line (the descriptor, with --json). */
  firstLine(): Promise<string>;
  /** Its standard output so far. */
  output(): string;
}

const running = new Set<ChildProcess>();

/** Starts `serve ARGS…`; `env` replaces the test's environment when given. */
export function spawnServe(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ServeProcess {
  const child = spawn(process.execPath, [CLI, "serve", ...args], { stdio: ["ignore", "pipe", "pipe"], env });
  running.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = once(child, "close").then(([code, signal]) => {
    running.delete(child);
    return { code: code as number | null, signal: signal as NodeJS.Signals | null, stdout, stderr };
  });
  const until = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        if (pattern.test(stdout)) resolve(stdout);
      };
      check();
      child.stdout!.on("data", check);
      exited.then(({ code }) => reject(new Error(`serve exited with ${code}: ${stderr}`)), reject);
    });
  const firstLine = () => until(/\n/).then((out) => out.split("\n")[0]!);
  return { child, exited, until, firstLine, output: () => stdout };
}

/** Kills every `serve` a test started and left running (for afterEach). */
export function stopServes(): void {
  for (const child of running) child.kill("SIGKILL");
  running.clear();
}
