import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { Descriptor } from "../sandbox/descriptor.js";
import { packageRoot } from "../sandbox/paths.js";

/** `acs-sandbox serve` in a child process, as a user or a container would run it. */
export interface ServerChild {
  descriptor: Descriptor;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/**
 * Starts `node dist/harness/cli/index.js serve --port 0 --json` with a world file and waits for its one JSON
 * descriptor line. The child inherits the environment, so `ACS_SANDBOX_CA_DIR` makes it sign with the CA
 * this process already trusts through `NODE_EXTRA_CA_CERTS`.
 */
export async function startServerChild(worldArgs: string[]): Promise<ServerChild> {
  const cli = join(packageRoot(), "dist", "harness", "cli", "index.js");
  const child = spawn(process.execPath, [cli, "serve", "--port", "0", "--json", ...worldArgs], {
    stdio: ["ignore", "pipe", "pipe"],
    env: process.env,
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const descriptor = await new Promise<Descriptor>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`acs-sandbox serve did not print its descriptor within ${READY_TIMEOUT_MS / 1000}s`));
    }, READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    lines.once("line", (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Descriptor);
      } catch {
        reject(new Error(`acs-sandbox serve printed "${line}" instead of a JSON descriptor`));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`acs-sandbox serve exited with code ${code}: ${stderr.trim() || "(no output)"}`));
    });
  });
  return { descriptor, stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
  });
}
