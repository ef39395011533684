import { decodeJwt, decodeProtectedHeader } from "jose";

/*
 * What the journal may keep of a credential. A reader of `GET /_sandbox/requests` (or of a CI report
 * built from it) must not be able to sign in, redeem a code or finish someone else's sign-in with what
 * it finds there, but should still see what was exchanged: a JWT becomes its decoded header and claims
 * (never the signature), a code its first characters, a password nothing.
 *
 * A value is masked by where it sits (a known credential field of a form, a query or a JSON body), not
 * by its shape: `code` is an authorization code in Entra's forms and redirect URLs, but an error code
 * (`{"error":{"code":"ValidationError"}}`) in a JSON body, which is kept whole.
 */

/** Where a field sits: a form body or URL query (Entra's protocol fields), or a JSON body (ACS, Graph, ARM). */
export type FieldPlace = "form" | "json";

export const JWT_REDACTED = "[jwt redacted]";
export const REDACTED = "[redacted]";

/** A JWT the journal saw, decoded: where it was, its protected header, its claims. */
export interface JournalToken {
  /** Where the token was: `requestBody.assertion`, `responseBody.accessToken.token`, `url.id_token`. */
  field: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** Never kept at all: knowing them is signing in. */
const SECRET_FIELDS = new Set([
  "password",
  "passwd",
  "client_secret",
  "secret",
  "accesskey",
  "access_key",
  "primarykey",
  "secondarykey",
  "code_verifier",
]);

/**
 * Kept as a short prefix, enough to match a code to the request that issued it: codes, device codes,
 * refresh tokens, the sign-in `ctx`, session cookies, user codes, OTCs.
 */
const PREFIXED_FIELDS = new Set([
  "code",
  "device_code",
  "devicecode",
  "user_code",
  "usercode",
  "otc",
  "refresh_token",
  "ctx",
  "flowtoken",
  "sessionid",
  "estsauth",
  "cookie",
  "set-cookie",
  "token",
  "access_token",
  "id_token",
  "client_assertion",
  "assertion",
]);

/** Credentials only in forms and URL queries: in a JSON body these names mean something else (an error code). */
const FORM_ONLY_FIELDS = new Set(["code"]);

function isPrefixed(name: string, place: FieldPlace): boolean {
  return PREFIXED_FIELDS.has(name) && (place === "form" || !FORM_ONLY_FIELDS.has(name));
}

const PREFIX_LENGTH = 6;
/** Deeper than this a body is summarised: no credential field of any real request sits lower. */
const MAX_DEPTH = 32;
const JWT_SHAPE = /^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$/;
/** A JWT inside a longer text (a connection string, an HTML form, a header value). */
const JWT_IN_TEXT = /eyJ[A-Za-z0-9_-]{4,}\.eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*/g;

/** The first few characters and an ellipsis: `1.AbC9…`. */
export function prefixOf(value: string): string {
  return value.length <= PREFIX_LENGTH ? REDACTED : `${value.slice(0, PREFIX_LENGTH)}…`;
}

/** A compact JWS's header and payload segments both open with `{"` (base64url `eyJ`). */
const JWS_SEGMENTS = /^eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\./;

/**
 * A JWT as the journal keeps it: its header and payload without the signature (so it is no longer a
 * credential), decoded when first read. Most entries are never read, and decoding every token of every
 * answer was ~5 % of a token request's main-thread time under load. Undecodable segments read as `{}`.
 */
function decoded(token: string, field: string): JournalToken | undefined {
  if (!JWS_SEGMENTS.test(token)) return undefined;
  // Copied out as bytes: a slice of the token's string would keep the whole token, signature and all,
  // alive behind it.
  const segments = Buffer.from(token.slice(0, token.lastIndexOf(".")), "latin1");
  let parts: { header: Record<string, unknown>; claims: Record<string, unknown> } | undefined;
  const read = () => {
    if (!parts) {
      const unsigned = `${segments.toString("latin1")}.`;
      try {
        parts = {
          header: decodeProtectedHeader(unsigned) as Record<string, unknown>,
          claims: decodeJwt(unsigned) as Record<string, unknown>,
        };
      } catch {
        parts = { header: {}, claims: {} };
      }
    }
    return parts;
  };
  return Object.defineProperties({ field } as JournalToken, {
    header: { enumerable: true, get: () => read().header },
    claims: { enumerable: true, get: () => read().claims },
  });
}

/** Collects the decoded JWTs of everything redacted in one journal entry. */
export class Redactor {
  readonly tokens: JournalToken[] = [];

  /** A string value at `field` (its key in lower case and its place decide how it is treated). */
  value(key: string, value: string, field: string, place: FieldPlace = "json"): string {
    const name = key.toLowerCase();
    if (SECRET_FIELDS.has(name)) return REDACTED;
    if (JWT_SHAPE.test(value)) {
      const token = decoded(value, field);
      if (token) {
        this.tokens.push(token);
        return JWT_REDACTED;
      }
    }
    if (isPrefixed(name, place)) return prefixOf(value);
    return this.text(value, field);
  }

  /** Free text: any JWT inside it is replaced (connection strings and pages are not journaled whole). */
  text(value: string, field: string): string {
    return value.replace(JWT_IN_TEXT, (token) => {
      const found = decoded(token, field);
      if (!found) return token;
      this.tokens.push(found);
      return JWT_REDACTED;
    });
  }

  /** A parsed body (form fields or JSON), redacted member by member; nothing deeper than MAX_DEPTH. */
  tree(value: unknown, field: string, place: FieldPlace = "json", key = "", depth = 0): unknown {
    if (typeof value === "string") return this.value(key, value, field, place);
    if (value === null || typeof value !== "object") return value;
    if (depth >= MAX_DEPTH) return "[nested too deep]";
    if (Array.isArray(value))
      return value.map((item, i) => this.tree(item, `${field}[${i}]`, place, key, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [name, member] of Object.entries(value as Record<string, unknown>)) {
      out[name] =
        SECRET_FIELDS.has(name.toLowerCase()) && member !== null && member !== undefined
          ? REDACTED
          : this.tree(member, `${field}.${name}`, place, name, depth + 1);
    }
    return out;
  }

  /** A URL with its query parameters redacted like form fields. */
  url(url: string): string {
    const mark = url.indexOf("?");
    if (mark < 0) return url;
    const pairs = url
      .slice(mark + 1)
      .split("&")
      .map((pair) => {
        const [name = "", value] = [...new URLSearchParams(pair)][0] ?? [];
        if (value === undefined) return pair;
        const kept = this.value(name, value, `url.${name}`, "form");
        // A changed value is written as is, so the journal shows `code=1.AbC9…`, not its percent-encoding.
        return kept === value ? pair : `${pair.slice(0, pair.indexOf("=") + 1) || `${name}=`}${kept}`;
      });
    return `${url.slice(0, mark)}?${pairs.join("&")}`;
  }
}
