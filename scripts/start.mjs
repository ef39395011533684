// `npm start [-- serve options]` in a clone: install if nothing is installed yet, build, then serve the
// default world (`acs-sandbox serve`: a free port on a loopback address of its own, which the banner names).
import { spawn, spawnSync } from "node:child_process";
import process from "node:process";
import { ensureInstalled } from "./ensure-installed.mjs";

ensureInstalled();
const build = spawnSync(process.execPath, ["scripts/build.mjs"], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
// Ctrl-C reaches the whole process group, so `serve` closes cleanly on its own; a SIGTERM sent to this
// process alone is passed on. Either way this waits for `serve` and exits with its code.
const serve = spawn(process.execPath, ["dist/harness/cli/index.js", "serve", ...process.argv.slice(2)], {
  stdio: "inherit",
});
process.on("SIGINT", () => {});
process.on("SIGTERM", () => serve.kill("SIGTERM"));
serve.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
