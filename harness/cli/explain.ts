import { Command } from "commander";
import { distance } from "fastest-levenshtein";
import { explain, formatExplanations } from "../operator/explain.js";
import { explainOperation, formatOperation } from "../operator/explain-operation.js";
import { OPERATION_NAMES } from "../sandbox/operations.js";

/** The operation names closest to what was typed. */
function nearestOperations(input: string): string[] {
  return [...OPERATION_NAMES]
    .map((name) => ({ name, d: distance(name.toLowerCase(), input.toLowerCase()) }))
    .sort((a, b) => a.d - b.d)
    .slice(0, 3)
    .map((e) => e.name);
}

export function explainCommand(): Command {
  return new Command("explain")
    .description(
      "Explain an error code the sandbox emits (AADSTS650052, 650052, InvalidAccessToken, Authorization_RequestDenied, AuthorizationFailed): cause, fix, evidence, scenario, for every service that answers with it; or an operation (teamsExtensionExchange, token): its service, routes, api-versions and evidence",
    )
    .argument(
      "<code>",
      "an AADSTS code (with or without the prefix), a Microsoft Graph, ACS or ARM error code, or an operation name",
    )
    .action((code: string) => {
      const result = explain(code);
      if (result.found) {
        process.stdout.write(formatExplanations(result.matches) + "\n");
        return;
      }
      const operations = explainOperation(code);
      if (operations.length > 0) {
        process.stdout.write(operations.map(formatOperation).join("\n\n") + "\n");
        return;
      }
      process.stderr.write(
        `Unknown error code or operation "${code}". Nearest known codes: ${result.nearest.join(", ")}; nearest operations: ${nearestOperations(code).join(", ")}\n(acs-sandbox explain <code or operation> for any of them)\n`,
      );
      process.exitCode = 2;
    });
}
