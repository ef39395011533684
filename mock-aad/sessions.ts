import { randomBase64url } from "../core/random.js";
import type { Clock } from "../core/clock.js";
import { updateRecord, type SandboxStore } from "../core/store.js";

/** The browser cookie that keeps a person signed in between two /authorize requests. */
export const SESSION_COOKIE = "ESTSAUTH";

/** How long a sign-in session lasts without use [infer]: Entra's browser session is about a day. */
const SESSION_LIFETIME_MS = 24 * 3_600_000;

export interface Session {
  tenantId: string;
  userObjectId: string;
  signedInAtMs: number;
  /** The apps the person signed in to with this session: sign-out may return to their registered URIs. */
  clientIds: readonly string[];
}

const KIND = "aad.session";

/** Sign-in sessions keyed by an opaque cookie value, on the sandbox clock, kept in the sandbox's store. */
export class Sessions {
  constructor(
    private readonly store: SandboxStore,
    private readonly clock: Clock,
  ) {
    // A browser session cookie: a single process forgets it on restart, as before the store.
    store.declareKind(KIND, "transient");
  }

  /** A session begun by signing in to the app `clientId`. */
  async create(tenantId: string, userObjectId: string, clientId: string): Promise<string> {
    const id = randomBase64url(32);
    const signedInAtMs = this.clock.nowMs();
    const session: Session = { tenantId, userObjectId, signedInAtMs, clientIds: [clientId] };
    await this.store.put(KIND, id, session, { expiresAtMs: signedInAtMs + SESSION_LIFETIME_MS });
    return id;
  }

  /** Single sign-on: the session signs the person in to one more app. */
  async signInTo(id: string | undefined, clientId: string): Promise<void> {
    if (!id || !(await this.get(id))) return;
    await updateRecord<Session>(this.store, KIND, id, (session) =>
      session && !session.clientIds.includes(clientId)
        ? { ...session, clientIds: [...session.clientIds, clientId] }
        : undefined,
    );
  }

  async get(id: string | undefined): Promise<Session | undefined> {
    if (!id) return undefined;
    const session = (await this.store.get<Session>(KIND, id))?.value;
    if (!session) return undefined;
    if (this.clock.nowMs() - session.signedInAtMs > SESSION_LIFETIME_MS) {
      await this.store.delete(KIND, id);
      return undefined;
    }
    return session;
  }

  /** Sign-out: the session ends; the cookie no longer identifies anyone. */
  async end(id: string | undefined): Promise<void> {
    if (id) await this.store.delete(KIND, id);
  }

  /** Forgets expired sessions (an expired cookie is already treated as no session). */
  sweep(): Promise<void> {
    return this.store.sweep(KIND, this.clock.nowMs());
  }

  clear(): Promise<void> {
    return this.store.clear([KIND]);
  }
}
