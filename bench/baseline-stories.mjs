// The scenario benchmark's baseline: the stories of five bundled scenarios written as a team would write
// them in a vitest file, direct SDK calls and assertions against a fresh intercept-mode sandbox per
// story, run in worker processes as vitest runs test files. Plain JavaScript on the built package, as
// `acs-sandbox run` runs, so neither side pays for a TypeScript loader.
//   node bench/baseline-stories.mjs <workers> <story>...   prints `done <ms>` when every story passed
import { Buffer } from "node:buffer";
import { fork } from "node:child_process";
import console from "node:console";
import { performance } from "node:perf_hooks";
import process from "node:process";
import { fileURLToPath } from "node:url";

const TEAMS_SCOPES = [
  "https://auth.msft.communication.azure.com/Teams.ManageCalls",
  "https://auth.msft.communication.azure.com/Teams.ManageChats",
];

function check(condition, message) {
  if (!condition) throw new Error(message);
}

function claims(token) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString("utf8"));
}

async function stories() {
  const { startSandbox } = await import("../dist/harness/index.js");
  const { PublicClientApplication, ConfidentialClientApplication } = await import("@azure/msal-node");
  const { CommunicationIdentityClient } = await import("@azure/communication-identity");

  const world = (sb) => {
    const d = sb.descriptor;
    const app = (name) => d.apps.find((a) => a.name === name);
    const user = (name) => d.users.find((u) => u.name === name);
    const tenant = (name) => d.tenants.find((t) => t.name === name);
    return { d, app, user, tenant, identity: new CommunicationIdentityClient(d.acs[0].connectionString) };
  };
  const signIn = async (w, name, password) => {
    const who = w.user(name);
    const pca = new PublicClientApplication({
      auth: {
        clientId: w.app("contoso-teams").clientId,
        authority: "https://login.microsoftonline.com/organizations",
      },
    });
    const result = await pca.acquireTokenByUsernamePassword({
      scopes: TEAMS_SCOPES,
      username: who.upn,
      password: password ?? who.password,
    });
    return { pca, result, who };
  };
  const exchangeError = async (promise) =>
    promise.then(
      () => undefined,
      (err) => err,
    );

  return {
    async "quickstart-multitenant-password"(w) {
      const { pca, result, who } = await signIn(w, "alice");
      const entra = claims(result.accessToken);
      check(entra.aud === "https://auth.msft.communication.azure.com" && entra.ver === "1.0", "Entra claims");
      const teams = await w.identity.getTokenForTeamsUser({
        teamsUserAadToken: result.accessToken,
        clientId: w.app("contoso-teams").clientId,
        userObjectId: who.objectId,
      });
      check(teams.expiresOn.getTime() === entra.exp * 1000, "expires with the Entra token");
      check(claims(teams.token).scp === 1024, "scp 1024");
      const silent = await pca.acquireTokenSilent({ scopes: TEAMS_SCOPES, account: result.account });
      check(silent.accessToken, "silent token");
    },
    async "wrong-password"(w) {
      const err = await signIn(w, "alice", "not-her-password").then(
        () => undefined,
        (e) => e,
      );
      check(err?.errorMessage?.includes("AADSTS50126"), "AADSTS50126");
    },
    async "backend-client-credentials"(w) {
      const cca = new ConfidentialClientApplication({
        auth: {
          clientId: w.app("contoso-backend").clientId,
          clientSecret: "contoso-backend-secret",
          authority: `https://login.microsoftonline.com/${w.tenant("contoso").id}`,
        },
      });
      const result = await cca.acquireTokenByClientCredential({
        scopes: ["https://communication.azure.com/.default"],
      });
      const aud = claims(result.accessToken).aud;
      check(aud === "https://communication.azure.com", `aud ${aud}`);
    },
    async "wrong-client-id"(w) {
      const { result, who } = await signIn(w, "alice");
      const exchange = (clientId) =>
        w.identity.getTokenForTeamsUser({
          teamsUserAadToken: result.accessToken,
          clientId,
          userObjectId: who.objectId,
        });
      const err = await exchangeError(exchange(w.app("contoso-backend").clientId));
      check(err?.statusCode === 400 && err.message === "AAD application is not the expected one.", "400");
      check((await exchange(w.app("contoso-teams").clientId)).token, "exchange");
    },
    async "wrong-user-object-id"(w) {
      const { result, who } = await signIn(w, "alice");
      const exchange = (userObjectId) =>
        w.identity.getTokenForTeamsUser({
          teamsUserAadToken: result.accessToken,
          clientId: w.app("contoso-teams").clientId,
          userObjectId,
        });
      const err = await exchangeError(exchange(w.user("bob").objectId));
      check(err?.statusCode === 400, "400 for another user");
      check((await exchange(who.objectId)).token, "exchange");
    },
    startSandbox,
    world,
  };
}

/** A worker: plays each story it is sent, a fresh sandbox per story, and reports. */
async function worker() {
  const all = await stories();
  process.send({ ready: true });
  process.on("message", async (name) => {
    if (name === null) return process.exit(0);
    const sb = await all.startSandbox({ mode: "intercept" });
    try {
      await all[name](all.world(sb));
      process.send({ name, ok: true });
    } catch (err) {
      process.send({ name, ok: false, error: String(err?.stack ?? err) });
    } finally {
      await sb.close();
    }
  });
}

async function main(workers, names) {
  const started = performance.now();
  const queue = [...names];
  const failures = [];
  await Promise.all(
    Array.from({ length: Math.min(workers, names.length) }, async () => {
      const child = fork(fileURLToPath(import.meta.url), ["--worker"], { stdio: "inherit" });
      await new Promise((resolve) => child.once("message", resolve));
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        child.send(name);
        const done = await new Promise((resolve) => child.once("message", resolve));
        if (!done.ok) failures.push(`${done.name}: ${done.error}`);
      }
      child.send(null);
      await new Promise((resolve) => child.once("exit", resolve));
    }),
  );
  if (failures.length) {
    console.error(failures.join("\n"));
    process.exit(1);
  }
  console.log(`done ${(performance.now() - started).toFixed(0)}`);
}

if (process.argv[2] === "--worker") await worker();
else await main(Number(process.argv[2]), process.argv.slice(3));
