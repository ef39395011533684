import type { FastifyRequest } from "fastify";
import type { Clock } from "../core/clock.js";
import type { KeySet } from "../core/keyset.js";
import type { IssuerKeys } from "./client-auth.js";
import type { Directory, DirectoryDocument } from "./directory.js";

/**
 * What the fake Entra ID needs from its host (the harness): the directory, a way to change it (consent
 * creates service principals and grants), the clock, its signing keys, and the origin clients use.
 */
export interface AadContext {
  clock: Clock;
  keys: KeySet;
  directory(): Directory;
  editDirectory(change: (doc: DirectoryDocument) => void): void;
  /** Scheme and host the client used (`https://login.microsoftonline.com`, `https://localhost:8443`). */
  publicOrigin(request: FastifyRequest): string;
  /** Keys of the external token issuers Entra can reach (workload identity federation); none if absent. */
  issuerKeys?: IssuerKeys;
  /**
   * Seconds the device code response tells clients to wait between polls; default Entra's 5. Test suites
   * set it lower, since MSAL waits exactly this long ([infer] fractions: MSAL Node and Python accept them).
   */
  deviceCodeIntervalS?: number;
}
