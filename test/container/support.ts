import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:https";
import { join } from "node:path";
import { promisify } from "node:util";
import { getContainerRuntimeClient, getReaper, LABEL_TESTCONTAINERS_SESSION_ID } from "testcontainers";
import { DEFAULT_IMAGE } from "../../harness/transports/testcontainers.js";

// Ryuk (testcontainers' reaper) is an image from a registry this machine cannot reach; every test stops
// what it starts instead. Set before testcontainers first reads it, at the first container's start.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= "true";
// The engine runs on this machine (scripts/docker-up.sh) and publishes ports on loopback only. This
// machine has a /.dockerenv, from which testcontainers would guess it is a container and reach the
// engine through the bridge gateway instead. Set the variable yourself to reach another engine.
process.env.TESTCONTAINERS_HOST_OVERRIDE ??= "localhost";

const execFileAsync = promisify(execFile);

/** Runs the docker CLI; rejects with `code` and `stderr` when it exits non-zero. */
export function docker(args: string[], options: { timeout?: number } = {}) {
  return execFileAsync("docker", args, { timeout: options.timeout ?? 60_000 });
}

/**
 * Fails (never skips) with what to do when no Docker engine answers or the image was not built:
 * `.ci/run` runs scripts/docker-up.sh and scripts/docker-build.sh before the tests.
 */
export async function requireSandboxImage(image = DEFAULT_IMAGE): Promise<void> {
  try {
    await docker(["info", "--format", "{{.ServerVersion}}"]);
  } catch (err) {
    throw new Error(
      `The container tests need a Docker engine and none answers (${firstLine(err)}). ` +
        `Start one with scripts/docker-up.sh (root; installs Debian's docker.io when dockerd is missing).`,
    );
  }
  try {
    await docker(["image", "inspect", "--format", "{{.Id}}", image]);
  } catch {
    throw new Error(`The image ${image} is missing: build it with scripts/docker-build.sh`);
  }
}

/**
 * Removes every container this test process started, with its anonymous volumes: the safety net under
 * each test's own `stop()`, for a container whose start outlived a timed-out test.
 */
export async function removeContainersOfThisProcess(): Promise<void> {
  const client = await getContainerRuntimeClient().catch(() => undefined);
  if (!client) return; // no engine: nothing was started
  const { sessionId } = await getReaper(client);
  const { stdout } = await docker([
    "ps",
    "-aq",
    "--filter",
    `label=${LABEL_TESTCONTAINERS_SESSION_ID}=${sessionId}`,
  ]);
  const ids = stdout.split("\n").filter(Boolean);
  if (ids.length > 0) await docker(["rm", "--force", "--volumes", ...ids]);
}

function firstLine(err: unknown): string {
  const e = err as { stderr?: string; message?: string };
  return (e.stderr || e.message || String(err)).trim().split("\n")[0] ?? "";
}

/** The CA the test workers trust (vitest.config.ts names it in NODE_EXTRA_CA_CERTS). */
export function testCertificateAuthority(): { certPem: string; keyPem: string } {
  const dir = process.env.ACS_SANDBOX_CA_DIR;
  if (!dir) throw new Error("ACS_SANDBOX_CA_DIR is unset: run the tests through vitest.config.ts");
  return {
    certPem: readFileSync(join(dir, "ca.pem"), "utf8"),
    keyPem: readFileSync(join(dir, "ca-key.pem"), "utf8"),
  };
}

/**
 * A `fetch` that trusts `ca` for its requests only, for clients that accept a fetch (openid-client's
 * `customFetch`): Node's own fetch takes extra CAs only from NODE_EXTRA_CA_CERTS at start-up.
 */
export function fetchTrusting(ca: string) {
  return (url: string, init: { method: string; headers: Record<string, string>; body?: unknown }) =>
    new Promise<Response>((resolve, reject) => {
      const req = request(url, { method: init.method, headers: init.headers, ca }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of [value ?? []].flat()) headers.append(name, v);
          }
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
        });
      });
      req.on("error", reject);
      const { body } = init;
      req.end(typeof body === "string" || body instanceof URLSearchParams ? String(body) : undefined);
    });
}
