/*
 * Reads what a customer pasted from a terminal: one or more JSON documents one after another (what `az`
 * prints), optionally with the `$ az …` command lines that produced them and a shell prompt after the last
 * one. Anything else is an error naming the file and line: guessing at free text would build the wrong
 * world silently.
 */

/** One JSON document of a pasted file, with where it started and the command line printed above it. */
export interface PastedDocument {
  file: string;
  /** 1-based line where the document starts. */
  line: number;
  value: unknown;
  /** The `az …` (or other) command line right above the document, without its prompt. */
  command: string | undefined;
}

/** Input that cannot be read as pasted JSON: one line, naming the file and line. */
export class PasteError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${message}`);
    this.name = "PasteError";
  }
}

/*
 * A command line: `$ az …`, `> az …`, `PS C:\> az …`, `user@host:~$ az …`, or a bare `az …` line. A line
 * that is only a prompt (`$`, `PS C:\>`, `user@host:~$`) is prompt noise.
 */
const PROMPT = String.raw`(?:\$|>|#|PS [^>]*>|[\w.-]+@[\w.-]+(?::[^$#]*)?[$#])`;
const COMMAND_LINE = new RegExp(`^\\s*(?:${PROMPT}\\s+)?((?:az|az\\.cmd|mgc|curl)\\s.*)$`);
const PROMPT_ONLY = new RegExp(`^\\s*${PROMPT}\\s*$`);
const COMMENT = /^\s*(?:#|\/\/)/;

/** Splits pasted text into its JSON documents. */
export function readPastedDocuments(text: string, file: string): PastedDocument[] {
  const source = text.replace(/^\uFEFF/, "");
  const lineStarts = [0];
  for (let i = 0; i < source.length; i++) if (source[i] === "\n") lineStarts.push(i + 1);
  const lineAt = (pos: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };

  const documents: PastedDocument[] = [];
  let command: string | undefined;
  let pos = 0;
  while (pos < source.length) {
    const ch = source[pos]!;
    if (/\s/.test(ch)) {
      pos++;
      continue;
    }
    if (ch === "{" || ch === "[") {
      const end = endOfJson(source, pos);
      const line = lineAt(pos);
      if (end === undefined) {
        throw new PasteError(file, line, `this JSON ${ch === "{" ? "object" : "array"} is never closed`);
      }
      const slice = source.slice(pos, end);
      let value: unknown;
      try {
        value = JSON.parse(slice);
      } catch (err) {
        // V8 names the position for some errors only; otherwise the document's first line is named.
        const at = /position (\d+)/.exec((err as Error).message);
        const errLine = at ? lineAt(pos + Number(at[1])) : line;
        const reason = (err as Error).message.replace(/\s+/g, " ").replace(/, ".*$/, "");
        throw new PasteError(
          file,
          errLine,
          `not valid JSON${at ? "" : " (in the JSON starting here)"}: ${reason}`,
        );
      }
      documents.push({ file, line, value, command });
      command = undefined;
      pos = end;
      continue;
    }
    // Not JSON: a whole line that is a command line, a prompt, or a comment; anything else is an error.
    const lineEnd = source.indexOf("\n", pos);
    const rest = source.slice(pos, lineEnd === -1 ? source.length : lineEnd).replace(/\r$/, "");
    const matched = COMMAND_LINE.exec(rest);
    if (matched) command = matched[1]!.trim();
    else if (!PROMPT_ONLY.test(rest) && !COMMENT.test(rest)) {
      const shown = rest.length > 60 ? `${rest.slice(0, 59)}…` : rest;
      throw new PasteError(
        file,
        lineAt(pos),
        `expected JSON as the Azure CLI or Microsoft Graph prints it (an object, an array, or {"value": [...]}), ` +
          `or an "az …" command line; found "${shown}"`,
      );
    }
    pos = lineEnd === -1 ? source.length : lineEnd + 1;
  }
  if (documents.length === 0) {
    throw new PasteError(
      file,
      undefined,
      "no JSON found: expected what `az ad … show/list` or Graph printed",
    );
  }
  return documents;
}

/** The index just past the JSON value starting at `start` (brackets balanced outside strings). */
function endOfJson(source: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = start; i < source.length; i++) {
    const ch = source[i];
    if (inString) {
      if (ch === "\\") i++;
      else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    else if (ch === "{" || ch === "[") depth++;
    else if (ch === "}" || ch === "]") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}
