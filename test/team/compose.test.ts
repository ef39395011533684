// examples/team-sandbox/compose.yaml run as docs/team-sandbox.md tells a user to: a .env made from
// .env.example beside the compose file (a copy of the example in a temp dir), `docker-compose up -d`,
// the CA copied out of a replica once both are healthy, then the real MSAL Node and Identity SDK, in a
// process that trusts only that CA, through HAProxy at https://localhost:<port>. docker-compose is
// Debian's v1 CLI (this machine has no `docker compose` plugin), and PostgreSQL and HAProxy are the
// stand-ins scripts/compose-stand-in-images.sh builds from Debian's packages (no registry is reachable
// here), named by the compose file's POSTGRES_IMAGE and HAPROXY_IMAGE.
import { execFile, type ExecFileException } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { freePort } from "../support/free-port.js";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { randomBytes, randomUUID } from "node:crypto";
import { decodeJwt } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_IMAGE } from "../../harness/transports/testcontainers.js";
import { docker, requireSandboxImage } from "../container/support.js";
import type { ComposeClientResult } from "./compose-client.js";

const execFileAsync = promisify(execFile);

const EXAMPLE = join(process.cwd(), "examples", "team-sandbox");
const CLIENT = join(process.cwd(), "test", "team", "compose-client.ts");
const STAND_INS = {
  POSTGRES_IMAGE: "acs-sandbox-standin/postgres:local",
  HAPROXY_IMAGE: "acs-sandbox-standin/haproxy:local",
};
const REPLICAS = ["sandbox-1", "sandbox-2"] as const;
type Replica = (typeof REPLICAS)[number];

const project = `acsteam${randomUUID().slice(0, 8)}`;
const dir = mkdtempSync(join(tmpdir(), "acs-team-compose-"));
const composeFile = join(dir, "compose.yaml");
const caFile = join(dir, "team-sandbox-ca.pem");
const adminToken = randomBytes(16).toString("hex");
let publicUrl = "";
let started = false;

function reason(err: unknown): string {
  const e = err as ExecFileException & { stderr?: string };
  return (e.stderr || e.message || String(err)).trim();
}

/**
 * docker-compose on the copy, with an environment of its own: only the image overrides besides what
 * it needs to run, so every other variable comes from the .env file, as on a user's machine.
 */
async function compose(args: string[], timeout = 60_000): Promise<string> {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, ...STAND_INS };
  if (process.env.DOCKER_HOST) env.DOCKER_HOST = process.env.DOCKER_HOST;
  try {
    const { stdout } = await execFileAsync("docker-compose", ["-f", composeFile, "-p", project, ...args], {
      env,
      timeout,
    });
    return stdout;
  } catch (err) {
    throw new Error(`docker-compose ${args.join(" ")} failed: ${reason(err)}`);
  }
}

const containers = new Map<string, string>();

/** The id of a service's container, as `docker-compose ps -q` names it (stop and start keep it). */
async function containerOf(service: string): Promise<string> {
  let id = containers.get(service);
  if (!id) {
    id = (await compose(["ps", "-q", service])).trim();
    if (!id) throw new Error(`docker-compose ps names no container for ${service}`);
    containers.set(service, id);
  }
  return id;
}

/** Polls `check` until it returns a value; on a timeout, fails with `what` and the last error. */
async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ""}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** A GET through the load balancer, trusting only the CA copied out of a replica. */
function getThroughLb(path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `${publicUrl}${path}`,
      { ca: readFileSync(caFile, "utf8"), headers, agent: false },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end();
  });
}

/** HAProxy's log (its tcplog lines name the replica each connection went to, `replicas/sandbox-1`). */
async function lbLog(): Promise<string> {
  const { stdout, stderr } = await docker(["logs", await containerOf("lb")]);
  return stdout + stderr;
}

/** Connections HAProxy handed to each replica, counted from its tcplog lines. */
function connections(log: string): Record<Replica, number> {
  const counts: Record<Replica, number> = { "sandbox-1": 0, "sandbox-2": 0 };
  for (const match of log.matchAll(/ team-sandbox replicas\/(sandbox-[12]) /g)) counts[match[1] as Replica]++;
  return counts;
}

/** Whether HAProxy's health checks last marked `replica` down (it starts with every server up). */
function markedDown(log: string, replica: Replica): boolean {
  const states = [...log.matchAll(new RegExp(`Server replicas/${replica} is (UP|DOWN)`, "g"))];
  return states.at(-1)?.[1] === "DOWN";
}

/** Waits until `replica` answers its image's own health check and HAProxy sends it connections. */
async function waitUntilServing(replica: Replica): Promise<void> {
  const id = await containerOf(replica);
  await waitFor(`${replica} to be healthy`, async () => {
    const { stdout } = await docker(["inspect", "-f", "{{.State.Health.Status}}", id]);
    return stdout.trim() === "healthy" ? true : undefined;
  });
  await waitFor(`HAProxy to put ${replica} in service`, async () =>
    markedDown(await lbLog(), replica) ? undefined : true,
  );
}

/** Runs compose-client.ts in a process of its own that trusts the copied CA and nothing the test trusts. */
async function runClient(earlier?: ComposeClientResult): Promise<ComposeClientResult> {
  try {
    const { stdout } = await execFileAsync(process.execPath, ["--import", "tsx", CLIENT], {
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: caFile,
        TEAM_SANDBOX_URL: publicUrl,
        REFRESH_TOKEN: earlier?.refreshToken ?? "",
        COMMUNICATION_USER_ID: earlier?.communicationUserId ?? "",
      },
      timeout: 60_000,
    });
    return JSON.parse(stdout) as ComposeClientResult;
  } catch (err) {
    throw new Error(`The client failed: ${reason(err)}`);
  }
}

/** Runs the client and waits for HAProxy to log its connections (it logs each when it closes). */
async function runClientCounted(earlier?: ComposeClientResult) {
  const before = connections(await lbLog());
  const result = await runClient(earlier);
  // Each run opens at least two connections: fetch's (the descriptor, MSAL) and the Identity SDK's agent.
  const added = await waitFor("HAProxy to log the client's connections", async () => {
    const after = connections(await lbLog());
    const added = {
      "sandbox-1": after["sandbox-1"] - before["sandbox-1"],
      "sandbox-2": after["sandbox-2"] - before["sandbox-2"],
    };
    return added["sandbox-1"] + added["sandbox-2"] >= 2 ? added : undefined;
  });
  return { result, added };
}

function expectQuickstart(result: ComposeClientResult): void {
  // Whichever replica signed it, the issuer is the one public URL: the load balancer's.
  expect(decodeJwt(result.idToken).iss).toBe(`${publicUrl}/${result.tenantId}/v2.0`);
  expect(decodeJwt(result.teamsUserToken).skypeid).toBe(`orgid:${result.aliceObjectId}`);
  expect(result.communicationUserId).toMatch(/^8:acs:/);
}

beforeAll(async () => {
  await requireSandboxImage(DEFAULT_IMAGE);
  try {
    await execFileAsync("docker-compose", ["version"]);
  } catch (err) {
    throw new Error(
      `This test runs the compose file with docker-compose, which does not run (${reason(err).split("\n")[0]}): ` +
        `install Debian's docker-compose (apt-get install -y docker-compose; .ci/run does this when missing)`,
    );
  }
  try {
    await execFileAsync("bash", ["scripts/compose-stand-in-images.sh"], { timeout: 180_000 });
  } catch (err) {
    throw new Error(`The PostgreSQL and HAProxy stand-in images could not be built: ${reason(err)}`);
  }

  // As the doc says: the example's files, and a .env made from .env.example with the values filled in.
  for (const file of ["compose.yaml", "haproxy.cfg"]) copyFileSync(join(EXAMPLE, file), join(dir, file));
  const port = await freePort();
  publicUrl = `https://localhost:${port}`;
  const values: Record<string, string> = {
    POSTGRES_PASSWORD: randomBytes(12).toString("hex"),
    ACS_SANDBOX_ADMIN_TOKEN: adminToken,
    TEAM_SANDBOX_HOST: "localhost",
    TEAM_SANDBOX_PORT: String(port),
    TEAM_SANDBOX_BIND: "127.0.0.1",
  };
  const env = readFileSync(join(EXAMPLE, ".env.example"), "utf8").replace(
    /^([A-Z_]+)=.*$/gm,
    (line, name: string) => (name in values ? `${name}=${values[name]}` : line),
  );
  const missing = Object.keys(values).filter((name) => !env.includes(`${name}=${values[name]}`));
  if (missing.length > 0) throw new Error(`.env.example does not set ${missing.join(", ")}`);
  writeFileSync(join(dir, ".env"), env);

  started = true;
  await compose(["up", "-d"], 120_000);
  for (const replica of REPLICAS) await waitUntilServing(replica);
  // Once both are healthy: before that, a replica may still hold a CA of its own that lost the race to
  // be stored (docs/team-sandbox.md). docker-compose v1 has no `cp`: docker cp on the container.
  await docker(["cp", `${await containerOf("sandbox-1")}:/data/ca/ca.pem`, caFile]);
}, 240_000);

afterAll(async () => {
  try {
    if (started) await compose(["down", "-v", "--timeout", "5"], 120_000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 130_000);

describe("examples/team-sandbox/compose.yaml, run with docker-compose", { timeout: 120_000 }, () => {
  let first: ComposeClientResult | undefined;

  it("answers health through HAProxy with the CA copied out of a replica, and keeps the admin API behind the .env token", async () => {
    expect(await getThroughLb("/_sandbox/health")).toEqual({
      status: 200,
      body: JSON.stringify({ status: "ok", store: "postgres" }),
    });
    const anonymous = await getThroughLb("/_sandbox/requests/count");
    expect(anonymous.status).toBe(401);
    expect((JSON.parse(anonymous.body) as { error: string }).error).toBe("admin_token_required");
    const count = await getThroughLb("/_sandbox/requests/count", { authorization: `Bearer ${adminToken}` });
    expect(count.status).toBe(200);
    expect(count.body).toMatch(/^\{"count":\d+\}$/);
  });

  it("runs the quickstart through HAProxy, which hands the client's connections to both replicas", async () => {
    const { result, added } = await runClientCounted();
    expectQuickstart(result);
    expect(added["sandbox-1"]).toBeGreaterThan(0);
    expect(added["sandbox-2"]).toBeGreaterThan(0);
    // The journal is shared: the exchange is there, whichever replica answered it.
    const exchanges = await getThroughLb(
      "/_sandbox/requests/count?service=acs&operation=exchange&status=200",
      {
        authorization: `Bearer ${adminToken}`,
      },
    );
    expect(JSON.parse(exchanges.body)).toEqual({ count: 1 });
    first = result;
  });

  it("goes on at sandbox-2 while sandbox-1 is stopped, and at both once it is started again", async () => {
    if (!first) throw new Error("the quickstart test did not run");
    await compose(["stop", "sandbox-1"]);
    await waitFor("HAProxy to take sandbox-1 out", async () =>
      markedDown(await lbLog(), "sandbox-1") ? true : undefined,
    );

    // The refresh token and the identity from the first run are redeemed at the replica left.
    const { result, added } = await runClientCounted(first);
    expectQuickstart(result);
    expect(added).toEqual({ "sandbox-1": 0, "sandbox-2": expect.any(Number) as number });
    expect(decodeJwt(result.refreshedAccessToken!).oid).toBe(first.aliceObjectId);
    expect(decodeJwt(result.earlierIdentityToken!).skypeid).toBe(
      first.communicationUserId.replace(/^8:/, ""),
    );

    await compose(["start", "sandbox-1"]);
    await waitUntilServing("sandbox-1");
    // The restarted replica presents a certificate the copied CA verifies, and serves again.
    const again = await runClientCounted(result);
    expectQuickstart(again.result);
    expect(again.added["sandbox-1"]).toBeGreaterThan(0);
    expect(decodeJwt(again.result.refreshedAccessToken!).oid).toBe(first.aliceObjectId);
  });

  it("takes both replicas out while PostgreSQL is stopped, and puts them back when it returns", async () => {
    await compose(["stop", "postgres"]);
    // Each replica's health check answers 503 (the store is unreachable): HAProxy takes both out.
    await waitFor("HAProxy to take both replicas out", async () => {
      const log = await lbLog();
      return REPLICAS.every((replica) => markedDown(log, replica)) ? true : undefined;
    });
    expect(await lbLog()).toMatch(/backend replicas has no server available!/);

    await compose(["start", "postgres"]);
    for (const replica of REPLICAS) await waitUntilServing(replica);
    const { result, added } = await runClientCounted(first);
    expectQuickstart(result);
    expect(added["sandbox-1"]).toBeGreaterThan(0);
    expect(added["sandbox-2"]).toBeGreaterThan(0);
  });
});
