// The container's entrypoint: loads a world file mounted at the documented path unless a world or
// scenario was given some other way, then runs the CLI in this process, so `node` is PID 1 and gets
// SIGTERM from `docker stop` directly.
import { existsSync } from "node:fs";
import process from "node:process";

const MOUNTED_WORLD = "/etc/acs-sandbox/world.yaml";

const args = process.argv.slice(2);
const worldGiven =
  Boolean(process.env.ACS_SANDBOX_WORLD || process.env.ACS_SANDBOX_SCENARIO) ||
  args.some((arg) => /^--(world|scenario)(=|$)/.test(arg));
if (!worldGiven && existsSync(MOUNTED_WORLD)) process.env.ACS_SANDBOX_WORLD = MOUNTED_WORLD;

await import("./dist/harness/cli/index.js");
