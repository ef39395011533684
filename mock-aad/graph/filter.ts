import { GraphError } from "./errors.js";

/*
 * The OData `$filter` forms the admin tools send to Microsoft Graph, and no more: comparisons
 * (`appId eq '…'`, `consentType ne 'Principal'`), `startswith(displayName,'…')`, lambdas over string
 * collections (`servicePrincipalNames/any(c:c eq '…')`), joined by `and`/`or`, negated by `not`, grouped
 * by parentheses. Graph's own forms: https://learn.microsoft.com/en-us/graph/filter-query-parameter, and
 * the Azure CLI's recorded requests (Azure/azure-cli role/tests/latest/recordings/*.yaml:
 * `servicePrincipalNames/any(c:c eq '…')`, `appId eq '…'`, `clientId eq '…'`). No maintained JavaScript
 * OData parser was found, so this small one reads exactly these; anything else is a 400.
 */

export type Literal = string | number | boolean | null;

export type FilterExpression =
  | { kind: "compare"; op: "eq" | "ne"; path: string[]; value: Literal }
  | { kind: "startswith"; path: string[]; prefix: string }
  | { kind: "any"; path: string[]; op: "eq" | "ne"; value: Literal }
  | { kind: "and" | "or"; left: FilterExpression; right: FilterExpression }
  | { kind: "not"; operand: FilterExpression };

type Token =
  | { type: "string"; value: string; at: number }
  | { type: "word"; value: string; at: number }
  | { type: "number"; value: number; at: number }
  | { type: "punct"; value: "(" | ")" | "," | ":"; at: number };

function invalid(detail: string): GraphError {
  return new GraphError("badRequest", { reason: `Invalid filter clause: ${detail}` });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let value = "";
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw invalid(`unterminated string literal at position ${i}.`);
        if (text[j] === "'") {
          if (text[j + 1] === "'") {
            value += "'";
            j += 2;
            continue;
          }
          break;
        }
        value += text[j];
        j++;
      }
      tokens.push({ type: "string", value, at: i });
      i = j + 1;
    } else if ("(),:".includes(c)) {
      tokens.push({ type: "punct", value: c as "(", at: i });
      i++;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?/.exec(text.slice(i));
      if (!m) throw invalid(`syntax error at position ${i}.`);
      tokens.push({ type: "number", value: Number(m[0]), at: i });
      i += m[0].length;
    } else if (/[A-Za-z_$@]/.test(c)) {
      const m = /^[A-Za-z_$@][A-Za-z0-9_.$@/]*/.exec(text.slice(i))!;
      tokens.push({ type: "word", value: m[0], at: i });
      i += m[0].length;
    } else {
      throw invalid(`syntax error at position ${i} in '${text}'.`);
    }
  }
  return tokens;
}

class Parser {
  #i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly text: string,
  ) {}

  parse(): FilterExpression {
    const expression = this.or();
    if (this.#i < this.tokens.length) throw this.unexpected();
    return expression;
  }

  private peek(): Token | undefined {
    return this.tokens[this.#i];
  }

  private unexpected(): GraphError {
    const t = this.peek();
    return t
      ? invalid(`syntax error at position ${t.at} in '${this.text}'.`)
      : invalid(`unexpected end of '${this.text}'.`);
  }

  private keyword(word: string): boolean {
    const t = this.peek();
    if (t?.type === "word" && t.value.toLowerCase() === word) {
      this.#i++;
      return true;
    }
    return false;
  }

  private punct(value: string): void {
    const t = this.peek();
    if (t?.type !== "punct" || t.value !== value) throw this.unexpected();
    this.#i++;
  }

  private or(): FilterExpression {
    let left = this.and();
    while (this.keyword("or")) left = { kind: "or", left, right: this.and() };
    return left;
  }

  private and(): FilterExpression {
    let left = this.unary();
    while (this.keyword("and")) left = { kind: "and", left, right: this.unary() };
    return left;
  }

  private unary(): FilterExpression {
    if (this.keyword("not")) return { kind: "not", operand: this.unary() };
    return this.primary();
  }

  private literal(): Literal {
    const t = this.peek();
    if (!t) throw this.unexpected();
    this.#i++;
    if (t.type === "string" || t.type === "number") return t.value;
    if (t.type === "word" && ["true", "false", "null"].includes(t.value)) {
      return t.value === "null" ? null : t.value === "true";
    }
    this.#i--;
    throw this.unexpected();
  }

  private operator(): "eq" | "ne" {
    const t = this.peek();
    if (t?.type === "word" && (t.value === "eq" || t.value === "ne")) {
      this.#i++;
      return t.value;
    }
    if (t?.type === "word" && ["gt", "ge", "lt", "le", "in", "has"].includes(t.value)) {
      throw new GraphError("badRequest", {
        reason: `Invalid filter clause: the operator '${t.value}' is not supported by the sandbox (eq, ne, startswith, any).`,
      });
    }
    throw this.unexpected();
  }

  private primary(): FilterExpression {
    const t = this.peek();
    if (t?.type === "punct" && t.value === "(") {
      this.#i++;
      const inner = this.or();
      this.punct(")");
      return inner;
    }
    if (t?.type !== "word") throw this.unexpected();
    this.#i++;
    if (t.value.toLowerCase() === "startswith") {
      this.punct("(");
      const path = this.path();
      this.punct(",");
      const prefix = this.literal();
      this.punct(")");
      if (typeof prefix !== "string") throw invalid("startswith takes a string.");
      return { kind: "startswith", path, prefix };
    }
    const lambda = /^(.*)\/(any|all)$/i.exec(t.value);
    if (lambda) {
      if (lambda[2]!.toLowerCase() === "all") {
        throw new GraphError("badRequest", {
          reason: "Invalid filter clause: the 'all' lambda operator is not supported by the sandbox.",
        });
      }
      this.punct("(");
      const variable = this.word();
      this.punct(":");
      const subject = this.word();
      if (subject !== variable) throw invalid(`'${subject}' is not the lambda variable '${variable}'.`);
      const op = this.operator();
      const value = this.literal();
      this.punct(")");
      return { kind: "any", path: lambda[1]!.split("/"), op, value };
    }
    const next = this.peek();
    if (next?.type === "punct" && next.value === "(") {
      throw new GraphError("badRequest", {
        reason: `Invalid filter clause: the function '${t.value}' is not supported by the sandbox (startswith, any).`,
      });
    }
    const op = this.operator();
    return { kind: "compare", op, path: t.value.split("/"), value: this.literal() };
  }

  private word(): string {
    const t = this.peek();
    if (t?.type !== "word") throw this.unexpected();
    this.#i++;
    return t.value;
  }

  private path(): string[] {
    return this.word().split("/");
  }
}

/**
 * Parses a `$filter` value, or throws Graph's 400 Request_BadRequest saying what it cannot read.
 *
 * @example
 * parseFilter("servicePrincipalNames/any(c:c eq '1fd5118e-2576-4263-8130-9503064c837a')");
 * // { kind: "any", path: ["servicePrincipalNames"], op: "eq", value: "1fd5…" }
 */
export function parseFilter(text: string): FilterExpression {
  const tokens = tokenize(text);
  if (tokens.length === 0) throw invalid("the filter is empty.");
  return new Parser(tokens, text).parse();
}

function valueAt(object: unknown, path: string[]): unknown {
  let current = object;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** [infer] Graph compares directory strings without regard to case (UPNs, display names, GUIDs). */
function same(a: unknown, b: Literal): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return (a ?? null) === b;
}

/** Whether a Graph object (as serialized) matches a parsed filter. */
export function matches(object: unknown, expression: FilterExpression): boolean {
  switch (expression.kind) {
    case "and":
      return matches(object, expression.left) && matches(object, expression.right);
    case "or":
      return matches(object, expression.left) || matches(object, expression.right);
    case "not":
      return !matches(object, expression.operand);
    case "compare": {
      const equal = same(valueAt(object, expression.path), expression.value);
      return expression.op === "eq" ? equal : !equal;
    }
    case "startswith": {
      const value = valueAt(object, expression.path);
      return typeof value === "string" && value.toLowerCase().startsWith(expression.prefix.toLowerCase());
    }
    case "any": {
      const values = valueAt(object, expression.path);
      if (!Array.isArray(values)) return false;
      return values.some((v) =>
        expression.op === "eq" ? same(v, expression.value) : !same(v, expression.value),
      );
    }
  }
}

/** The properties a filter reads (top-level names), for checking them against the resource's. */
export function filteredProperties(expression: FilterExpression): string[] {
  switch (expression.kind) {
    case "and":
    case "or":
      return [...filteredProperties(expression.left), ...filteredProperties(expression.right)];
    case "not":
      return filteredProperties(expression.operand);
    default:
      return [expression.path[0]!];
  }
}
