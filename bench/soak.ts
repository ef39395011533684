import { join } from "node:path";
import { defaultCaDir } from "../harness/sandbox/ca.js";
import { Sandbox } from "../harness/sandbox/sandbox.js";
import { defaultWorld } from "../harness/sandbox/world.js";

/*
 * `npm run bench -- soak --minutes 10` (add `--expose-gc` to `node` for collected heaps): the sandbox at saturation for a bounded time, RSS sampled every
 * few seconds, to show the memory curve is flat. The load is what grew memory before: abandoned sign-ins
 * with 2 KB of state, device codes never polled, password sign-ins (refresh tokens), and the journal.
 * The sandbox clock advances ten minutes per round, so the sweeps run as they would over days.
 */

const SAMPLE_EVERY_MS = 5_000;

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name}: expected a positive number`);
  return value;
}

export async function runSoak(args: string[]): Promise<void> {
  const minutes = Math.min(option(args, "--minutes", 10), 60);
  // Built from its parts: the load goes straight to the app, with no transport in between.
  const sb = await Sandbox.create({
    world: defaultWorld(),
    mode: "handlers",
    keysDir: join(defaultCaDir(), "signing-keys"),
  });
  const { app } = sb;
  const d = sb.descriptor;
  const tenant = d.tenants.find((t) => t.name === "fabrikam")!.id;
  const clientId = d.apps.find((a) => a.name === "contoso-teams")!.clientId;
  const alice = d.users.find((u) => u.name === "alice")!;
  const host = { host: "login.microsoftonline.com" };
  const authorize = `/${tenant}/oauth2/v2.0/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent("http://localhost")}&scope=openid&state=${"s".repeat(2048)}`;
  const form = (fields: Record<string, string>) => ({
    method: "POST" as const,
    url: `/${tenant}/oauth2/v2.0/token`,
    headers: { ...host, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams(fields).toString(),
  });
  const password = form({
    grant_type: "password",
    client_id: clientId,
    username: alice.upn,
    password: alice.password,
    scope: "https://auth.msft.communication.azure.com/Teams.ManageCalls offline_access",
  });
  const deviceCode = {
    method: "POST" as const,
    url: `/${tenant}/oauth2/v2.0/devicecode`,
    headers: { ...host, "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ client_id: clientId, scope: "openid" }).toString(),
  };

  const samples: { second: number; rssMiB: number; heapMiB: number; requests: number }[] = [];
  const started = Date.now();
  let requests = 0;
  let nextSample = started;
  console.log(`\nSoak: ${minutes} min at saturation (abandoned sign-ins, device codes, ROPC), RSS every 5 s`);
  while (Date.now() - started < minutes * 60_000) {
    for (let i = 0; i < 100; i++) await app.inject({ url: authorize, headers: host });
    for (let i = 0; i < 20; i++) await app.inject(deviceCode);
    for (let i = 0; i < 20; i++) await app.inject(password);
    requests += 140;
    sb.clock.advance("10m");
    if (Date.now() >= nextSample) {
      nextSample += SAMPLE_EVERY_MS;
      // With --expose-gc the heap is collected first, so the sample shows what is kept, not garbage.
      (globalThis as { gc?: () => void }).gc?.();
      const memory = process.memoryUsage();
      const sample = {
        second: Math.round((Date.now() - started) / 1000),
        rssMiB: memory.rss / 2 ** 20,
        heapMiB: memory.heapUsed / 2 ** 20,
        requests,
      };
      samples.push(sample);
      console.log(
        `${String(sample.second).padStart(6)} s  RSS ${sample.rssMiB.toFixed(1).padStart(7)} MiB  heap ${sample.heapMiB.toFixed(1).padStart(7)} MiB  ${requests} requests`,
      );
    }
  }
  await sb.close();
  // Flat means the second half grows no more than a little over the first: compare their medians.
  const half = Math.floor(samples.length / 2);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const first = median(samples.slice(0, half).map((s) => s.rssMiB));
  const second = median(samples.slice(half).map((s) => s.rssMiB));
  console.log(
    `RSS median: first half ${first.toFixed(1)} MiB, second half ${second.toFixed(1)} MiB (${(second / first).toFixed(2)}×) over ${requests} requests`,
  );
}
