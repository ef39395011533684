import { isMap, isNode, isScalar, LineCounter, parseDocument, type Document } from "yaml";

/** A parsed YAML file that can say on which line a field sits, for error messages a person can act on. */
export interface LocatedYaml {
  value: unknown;
  /** 1-based line of the node at `path`, or of its nearest existing ancestor. */
  lineOf(path: readonly PropertyKey[]): number | undefined;
  /** 1-based line of the key that `path` ends with (an unknown key's own line), else as `lineOf`. */
  lineOfKey(path: readonly PropertyKey[]): number | undefined;
}

export class YamlSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
  ) {
    super(`${file}${line ? `:${line}` : ""}: ${message}`);
    this.name = "YamlSyntaxError";
  }
}

export function parseLocatedYaml(text: string, file: string): LocatedYaml {
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter, prettyErrors: false });
  const first = doc.errors[0];
  if (first) {
    throw new YamlSyntaxError(file, lineCounter.linePos(first.pos[0]).line, first.message.split("\n")[0]!);
  }
  const lineOf = (path: readonly PropertyKey[]) => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return lineCounter.linePos(node.range[0]).line;
    }
    return undefined;
  };
  return {
    value: doc.toJS(),
    lineOf,
    lineOfKey(path) {
      const parent = path.length <= 1 ? doc.contents : doc.getIn(path.slice(0, -1) as unknown[], true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => isScalar(p.key) && String(p.key.value) === String(path.at(-1)));
        if (pair && isScalar(pair.key) && pair.key.range) return lineCounter.linePos(pair.key.range[0]).line;
      }
      return lineOf(path);
    },
  };
}
