import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { freePort } from "./free-port.js";
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

/*
 * A throwaway PostgreSQL cluster for tests: `initdb` and `pg_ctl` from Debian's `postgresql` package
 * (/usr/lib/postgresql/<version>/bin), in a temp dir, on a free loopback port, trust auth, never the
 * system service. PostgreSQL refuses to run as root: as root the cluster runs as the `postgres` user
 * (runuser). `.ci/run` installs the package when missing.
 */

export interface TestPostgres {
  /** `postgres://sandbox@127.0.0.1:<port>/postgres` */
  url: string;
  /** Stops the server (fast shutdown: connections are cut, as a crash or restart would). */
  stop(): void;
  start(): void;
  /** Stops and removes the cluster. */
  destroy(): void;
}

function binDir(): string {
  const root = "/usr/lib/postgresql";
  const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
  for (const version of versions) {
    const bin = join(root, version, "bin");
    if (existsSync(join(bin, "initdb")) && existsSync(join(bin, "pg_ctl"))) return bin;
  }
  throw new Error(
    "PostgreSQL's initdb and pg_ctl were not found under /usr/lib/postgresql/*/bin: install Debian's postgresql package (apt-get install -y postgresql; .ci/run does this when missing)",
  );
}

/**
 * Starts a new cluster; `destroy()` it when done. Tests run it without fsync; `durable` keeps
 * PostgreSQL's own default (fsync on), for benchmarks that compare it with SQLite's durable writes.
 */
export async function startTestPostgres(options: { durable?: boolean } = {}): Promise<TestPostgres> {
  const bin = binDir();
  const asRoot = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), "acs-sandbox-pg-"));
  const data = join(dir, "data");
  if (asRoot)
    chownSync(
      dir,
      Number(execFileSync("id", ["-u", "postgres"]).toString().trim()),
      Number(execFileSync("id", ["-g", "postgres"]).toString().trim()),
    );
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? "runuser" : join(bin, tool);
    const argv = asRoot ? ["-u", "postgres", "--", join(bin, tool), ...args] : args;
    try {
      execFileSync(command, argv, { stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    } catch (err) {
      const e = err as { stderr?: Buffer; message: string };
      throw new Error(`${tool} ${args.join(" ")} failed: ${e.stderr?.toString() || e.message}`);
    }
  };
  run("initdb", ["-D", data, "-U", "sandbox", "--auth=trust", "--no-sync", "-E", "UTF8"]);
  const port = await freePort();
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${options.durable ? "" : " -c fsync=off"}`;
  const start = () => run("pg_ctl", ["-D", data, "-o", settings, "-l", join(dir, "log"), "-w", "start"]);
  const stop = () => run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
  start();
  let running = true;
  return {
    url: `postgres://sandbox@127.0.0.1:${port}/postgres`,
    stop() {
      stop();
      running = false;
    },
    start() {
      start();
      running = true;
    },
    destroy() {
      if (running) {
        try {
          stop();
        } catch {
          // already gone
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
