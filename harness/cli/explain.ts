import { Command } from "commander";
import { explain, formatExplanation } from "../operator/explain.js";

export function explainCommand(): Command {
  return new Command("explain")
    .description(
      "Explain an error code the sandbox emits (AADSTS650052, 650052, InvalidAccessToken): cause, fix, scenario",
    )
    .argument("<code>", "an AADSTS code (with or without the prefix) or an ACS error code")
    .action((code: string) => {
      const result = explain(code);
      if (result.found) {
        process.stdout.write(formatExplanation(result.found) + "\n");
        return;
      }
      process.stderr.write(
        `Unknown error code "${code}". Nearest known codes: ${result.nearest.join(", ")}\n(acs-sandbox explain <code> for any of them)\n`,
      );
      process.exitCode = 2;
    });
}
