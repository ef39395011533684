import type { Descriptor } from "../harness/sandbox/descriptor.js";
import { hmacHeaders, loadClient, rssOf, type Post } from "./support.js";
import { passwordGrant, startBare, startServe } from "./token-endpoint.js";

/*
 * Memory of `acs-sandbox serve` while it issues tokens and creates identities, round after round, beside
 * the bare server issuing the same tokens. Goals: peak RSS ≤ 150 MB after 100k tokens and 10k
 * identities, and flat across rounds. BENCH_TOKENS and BENCH_IDENTITIES scale the totals down for a
 * quick look.
 */

const ROUNDS = 5;
const CONNECTIONS = 32;
const TOKENS = Number(process.env.BENCH_TOKENS ?? 100_000);
const IDENTITIES = Number(process.env.BENCH_IDENTITIES ?? 10_000);

function createIdentity(d: Descriptor): () => Post {
  const acs = d.acs[0]!;
  const url = new URL("/identities?api-version=2023-10-01", acs.endpoint);
  const body = JSON.stringify({ createTokenFor: ["voip"] });
  return () => ({ url: url.toString(), body, headers: hmacHeaders(url, body, acs.connectionString) });
}

export async function runMemoryBenchmark(): Promise<void> {
  const serve = await startServe();
  const bare = await startBare();
  const client = loadClient(CONNECTIONS);
  const pid = serve.child.child.pid!;
  const barePid = bare.child.child.pid!;
  try {
    const idle = rssOf(pid);
    console.log(
      `Memory: ${TOKENS} password-grant tokens and ${IDENTITIES} identities in ${ROUNDS} rounds (RSS of the server process)`,
    );
    console.log(`  idle:    serve ${idle.rssMb.toFixed(0)} MB · bare ${rssOf(barePid).rssMb.toFixed(0)} MB`);
    const after: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      await client.send(passwordGrant(serve.descriptor), TOKENS / ROUNDS);
      await client.send(createIdentity(serve.descriptor), IDENTITIES / ROUNDS);
      await client.send(bare.post, TOKENS / ROUNDS);
      const now = rssOf(pid);
      after.push(now.rssMb);
      console.log(
        `  round ${round}: serve ${now.rssMb.toFixed(0)} MB (peak ${now.peakMb.toFixed(0)} MB) · ` +
          `bare ${rssOf(barePid).rssMb.toFixed(0)} MB (peak ${rssOf(barePid).peakMb.toFixed(0)} MB)`,
      );
    }
    const peak = rssOf(pid).peakMb;
    const growth = after.at(-1)! - after[1]!;
    console.log(
      `  peak:    serve ${peak.toFixed(0)} MB, bare ${rssOf(barePid).peakMb.toFixed(0)} MB (goal ≤ 150 MB: ${peak <= 150 ? "meets" : "misses"} the goal); ` +
        `rounds 2→${ROUNDS} grew ${growth.toFixed(0)} MB (goal: flat)`,
    );
  } finally {
    client.close();
    await serve.child.stop();
    await bare.child.stop();
  }
}
