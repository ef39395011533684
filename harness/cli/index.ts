#!/usr/bin/env node
import { Command } from "commander";
import { explainCommand } from "./explain.js";
import { listCommand } from "./list.js";
import { runCommand } from "./run.js";
import { serveCommand } from "./serve.js";

const program = new Command("acs-sandbox")
  .description(
    "Offline sandbox for the ACS Teams access token flow: a fake Entra ID and ACS Identity service",
  )
  .addCommand(serveCommand())
  .addCommand(runCommand())
  .addCommand(listCommand())
  .addCommand(explainCommand());

program.parseAsync(process.argv).catch((err: unknown) => {
  // A clear message and a non-zero exit, never a stack trace, for anything the user can fix.
  process.stderr.write(`acs-sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
