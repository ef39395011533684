import { readFileSync, statSync } from "node:fs";

/**
 * Reads a file a person named (a world or scenario file), answering the usual mistakes with a sentence
 * rather than `ENOENT` or `EISDIR`.
 *
 * @example
 * readUserFile("worlds/fabrikam.yaml", "world file");
 */
export function readUserFile(path: string, kind: string): string {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT")
      throw new Error(`The ${kind} "${path}" does not exist (looked from ${process.cwd()})`);
    throw new Error(`The ${kind} "${path}" cannot be read: ${(err as Error).message}`);
  }
  if (isDirectory) throw new Error(`The ${kind} "${path}" is a directory: name a YAML file inside it`);
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`The ${kind} "${path}" cannot be read: ${(err as Error).message}`);
  }
}
