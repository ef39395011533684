// Installs the dependencies when a fresh clone has none yet, so `npm start` and `npm test` are the only
// commands a newcomer needs. `npm ci` (the lock file, exactly) runs only when there is no node_modules at
// all: an existing one, however it was made, is left alone.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";
import { pathToFileURL } from "node:url";

export function ensureInstalled() {
  if (existsSync("node_modules")) return;
  process.stderr.write("acs-sandbox: no node_modules yet; installing the dependencies (npm ci)…\n");
  // npm runs its scripts with npm_execpath set to its own CLI, so the same npm installs.
  const npm = process.env.npm_execpath;
  const result = npm
    ? spawnSync(process.execPath, [npm, "ci"], { stdio: "inherit" })
    : spawnSync("npm", ["ci"], { stdio: "inherit", shell: process.platform === "win32" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) ensureInstalled();
