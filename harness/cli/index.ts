#!/usr/bin/env node
import { Command } from "commander";

/*
 * Each command lives in its own module and is imported only when it runs, so `serve` never loads the
 * runner, msw, the client SDKs or the reporters. Without a known command (`--help`, a typo) every
 * command module is loaded to build the help text; each module keeps its heavy imports inside its action.
 */
const COMMANDS: Record<string, () => Promise<Command>> = {
  serve: async () => (await import("./serve.js")).serveCommand(),
  run: async () => (await import("./run.js")).runCommand(),
  list: async () => (await import("./list.js")).listCommand(),
  explain: async () => (await import("./explain.js")).explainCommand(),
  import: async () => (await import("./import.js")).importCommand(),
  "export-graph": async () => (await import("./import.js")).exportGraphCommand(),
};

async function main(argv: string[]): Promise<void> {
  const requested = argv[2];
  const names = requested && requested in COMMANDS ? [requested] : Object.keys(COMMANDS);
  const program = new Command("acs-sandbox").description(
    "Offline sandbox for the ACS Teams access token flow: a fake Entra ID and ACS Identity service",
  );
  for (const name of names) program.addCommand(await COMMANDS[name]!());
  await program.parseAsync(argv);
}

main(process.argv).catch((err: unknown) => {
  // A clear message and a non-zero exit, never a stack trace, for anything the user can fix.
  process.stderr.write(`acs-sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
