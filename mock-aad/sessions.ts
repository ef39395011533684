import { randomBytes } from "node:crypto";
import type { Clock } from "../core/clock.js";

/** The browser cookie that keeps a person signed in between two /authorize requests. */
export const SESSION_COOKIE = "ESTSAUTH";

/** How long a sign-in session lasts without use [infer]: Entra's browser session is about a day. */
const SESSION_LIFETIME_MS = 24 * 3_600_000;

export interface Session {
  tenantId: string;
  userObjectId: string;
  signedInAtMs: number;
  /** The apps the person signed in to with this session: sign-out may return to their registered URIs. */
  clientIds: Set<string>;
}

/** Sign-in sessions keyed by an opaque cookie value, on the sandbox clock. */
export class Sessions {
  #sessions = new Map<string, Session>();

  constructor(private readonly clock: Clock) {}

  /** A session begun by signing in to the app `clientId`. */
  create(tenantId: string, userObjectId: string, clientId: string): string {
    const id = randomBytes(32).toString("base64url");
    this.#sessions.set(id, {
      tenantId,
      userObjectId,
      signedInAtMs: this.clock.nowMs(),
      clientIds: new Set([clientId]),
    });
    return id;
  }

  /** Single sign-on: the session signs the person in to one more app. */
  signInTo(id: string | undefined, clientId: string): void {
    this.get(id)?.clientIds.add(clientId);
  }

  get(id: string | undefined): Session | undefined {
    if (!id) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (this.clock.nowMs() - session.signedInAtMs > SESSION_LIFETIME_MS) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  /** Sign-out: the session ends; the cookie no longer identifies anyone. */
  end(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  /** Forgets expired sessions (an expired cookie is already treated as no session). */
  sweep(): void {
    const cutoff = this.clock.nowMs() - SESSION_LIFETIME_MS;
    for (const [id, session] of this.#sessions) if (session.signedInAtMs < cutoff) this.#sessions.delete(id);
  }

  clear(): void {
    this.#sessions.clear();
  }
}
