import { CommunicationIdentityClient } from "@azure/communication-identity";
import type { ChildProcess } from "node:child_process";
import { once } from "node:events";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnServe } from "../support/serve-process.js";

/*
 * kill -9 in the middle of create bursts. A `serve --data-dir` child gets 200 creates (each with a
 * token) from the real Identity SDK, with revocations and deletions mixed in, and is SIGKILLed when a
 * randomly chosen number of them has been acknowledged; then a new child starts on the same folder.
 * Ten times. Every acknowledged create, issue, revoke and delete must be there after each kill (read
 * back through the sandbox's own token introspection), and the data file must open every time (a torn
 * database would be refused at start). Loopback only; bounded by the round count.
 */

const ROUNDS = 10;
const BURST = 200;
const CONCURRENCY = 8;

type Expected = "active" | "revoked" | "identity-deleted";
interface Known {
  token: string;
  /** What the acknowledged operations make of it; `inFlight` lists answers an unacknowledged one allows. */
  state: Expected;
  inFlight?: Expected;
}

const dataDir = mkdtempSync(join(tmpdir(), "acs-sandbox-kill-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

// The children sign with the CA this test process trusts (vitest.config.ts), kept in the data dir.
mkdirSync(join(dataDir, "ca"), { recursive: true });
for (const file of ["ca.pem", "ca-key.pem"])
  copyFileSync(join(process.env.ACS_SANDBOX_CA_DIR!, file), join(dataDir, "ca", file));

async function start(): Promise<{ child: ChildProcess; baseUrl: string; connectionString: string }> {
  const run = spawnServe(["--port", "0", "--json", "--data-dir", dataDir], {
    ...process.env,
    ACS_SANDBOX_SCENARIO: "",
    ACS_SANDBOX_WORLD: "",
  });
  const descriptor = JSON.parse(await run.firstLine()) as {
    baseUrl: string;
    acs: { connectionString: string }[];
  };
  return {
    child: run.child,
    baseUrl: descriptor.baseUrl,
    connectionString: descriptor.acs[0]!.connectionString,
  };
}

async function introspect(baseUrl: string, token: string): Promise<string> {
  const res = await fetch(`${baseUrl}/_sandbox/acs/introspect`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ token }),
  });
  return ((await res.json()) as { state: string }).state;
}

/** The entries whose token no longer reads back as their acknowledged state, checked a few at a time. */
async function mismatches(baseUrl: string, entries: Known[]): Promise<string[]> {
  const wrong: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < entries.length) {
      const entry = entries[next++]!;
      const state = await introspect(baseUrl, entry.token);
      if (state !== entry.state && state !== entry.inFlight)
        wrong.push(`expected ${entry.state}${entry.inFlight ? ` or ${entry.inFlight}` : ""}, got ${state}`);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return wrong;
}

/** One burst: creates until killed after `killAfter` acknowledgements; returns what was acknowledged. */
async function burst(connectionString: string, child: ChildProcess, killAfter: number, known: Known[]) {
  const client = new CommunicationIdentityClient(connectionString, { retryOptions: { maxRetries: 0 } });
  let acknowledged = 0;
  let started = 0;
  const worker = async () => {
    while (started < BURST && child.exitCode === null && child.signalCode === null) {
      started++;
      try {
        const { user, token } = await client.createUserAndToken(["chat"]);
        const entry: Known = { token, state: "active" };
        known.push(entry);
        if (++acknowledged === killAfter) child.kill("SIGKILL");
        const roll = Math.random();
        if (roll < 0.3) {
          entry.inFlight = roll < 0.15 ? "revoked" : "identity-deleted";
          if (roll < 0.15) await client.revokeTokens(user);
          else await client.deleteUser(user);
          entry.state = entry.inFlight;
          delete entry.inFlight;
          if (++acknowledged === killAfter) child.kill("SIGKILL");
        }
      } catch {
        // The connection died with the process: that call was never acknowledged.
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return acknowledged;
}

describe("kill -9 during create bursts", () => {
  it(`loses no acknowledged create, issue, revoke or delete over ${ROUNDS} kills`, async () => {
    const known: Known[] = [];
    let kills = 0;
    let checkedUpTo = 0;
    for (let round = 0; round <= ROUNDS; round++) {
      const { child, baseUrl, connectionString } = await start();
      const exited = once(child, "exit");
      // What the last burst acknowledged reads back as it was left; at the end, everything does.
      const wrong = await mismatches(baseUrl, round === ROUNDS ? known : known.slice(checkedUpTo));
      checkedUpTo = known.length;
      expect(wrong, `after kill ${kills}`).toEqual([]);
      if (round === ROUNDS) {
        child.kill("SIGTERM");
        await exited;
        break;
      }
      const killAfter = 20 + Math.floor(Math.random() * (BURST - 40));
      const acknowledged = await burst(connectionString, child, killAfter, known);
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      const [, signal] = await exited;
      expect(signal).toBe("SIGKILL");
      expect(acknowledged).toBeGreaterThanOrEqual(killAfter);
      kills++;
    }
    expect(kills).toBe(ROUNDS);
    expect(known.length).toBeGreaterThan(ROUNDS * 20);
    // A clean stop leaves the database alone: no log, no temporary file.
    expect(readdirSync(dataDir).sort()).toEqual(["ca", "keys", "sandbox.sqlite"]);
  }, 300_000);
});
