import { Command } from "commander";

/** How to build each command; a command's module is imported only when it runs. */
export type CommandFactories = Record<string, () => Promise<Command>>;

/**
 * Runs the command line: only the command asked for is built; without a known one (`--help`, a typo)
 * every command is, to build the help text. Anything thrown is a one-line message and exit status 1,
 * never a stack trace, for anything the user can fix.
 */
export async function runProgram(argv: string[], commands: CommandFactories): Promise<void> {
  try {
    const requested = argv[2];
    const names = requested && requested in commands ? [requested] : Object.keys(commands);
    const program = new Command("acs-sandbox").description(
      "Offline sandbox for the ACS Teams access token flow: a fake Entra ID and ACS Identity service",
    );
    for (const name of names) program.addCommand(await commands[name]!());
    await program.parseAsync(argv);
  } catch (err: unknown) {
    exitInOneLine(err);
  }
}

/** Says what went wrong in one line on stderr and exits with status 1: never a stack trace. */
export function exitInOneLine(err: unknown): never {
  process.stderr.write(`acs-sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
