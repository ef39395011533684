import type { FastifyRequest } from "fastify";
import type { JWTPayload } from "jose";
import type { Clock } from "../core/clock.js";
import type { KeySet } from "../core/keyset.js";
import type { SandboxStore } from "../core/store.js";
import type { IssuerKeys } from "./client-auth.js";
import type { Directory, DirectoryDocument } from "./directory.js";

/**
 * What the fake Entra ID needs from its host (the harness): the directory, a way to change it (consent
 * creates service principals and grants), the clock, its signing keys, and the origin clients use.
 */
export interface AadContext {
  clock: Clock;
  keys: KeySet;
  /** Where codes, sessions, refresh tokens, sign-ins in progress and lockouts are kept. */
  store: SandboxStore;
  directory(): Directory;
  /**
   * Changes the directory through the world's one edit path; resolves once the change is kept (in the
   * store), rejects (changing nothing) when the result does not validate or the store is unavailable.
   */
  editDirectory(change: (doc: DirectoryDocument) => void): Promise<void>;
  /** Scheme and host the client used (`https://login.microsoftonline.com`, `https://localhost:8443`). */
  publicOrigin(request: FastifyRequest): string;
  /** Keys of the external token issuers Entra can reach (workload identity federation); none if absent. */
  issuerKeys?: IssuerKeys;
  /**
   * Seconds the device code response tells clients to wait between polls; default Entra's 5. Test suites
   * set it lower, since MSAL waits exactly this long ([infer] fractions: MSAL Node and Python accept them).
   */
  deviceCodeIntervalS?: number;
  /**
   * Told of an access token the token endpoint issues to a client that has the sandbox to itself (no
   * other sign under way), as its signs are made: the host passes it on to the services it fronts, which
   * may get ready for its use on the thread pool's spare thread (ACS signs ahead a Teams exchange's
   * answer). Not called under load, when the pool has no thread to spare.
   */
  accessTokenIssued?: (claims: JWTPayload) => void;
}
