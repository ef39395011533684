import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { ExplicitDuration } from "../../core/duration.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import type { FaultRule } from "./faults/injector.js";
import type { FaultRuleInput } from "./faults/rules.js";
import type { JournalEntry } from "./journal.js";
import type { RequestFilter } from "./journal-query.js";
import type { WorldDocument, WorldPatch } from "../sandbox/world.js";

/*
 * The sandbox's admin API (`/_sandbox/…`, harness/operator/admin.ts) as another process calls it: the
 * scenario runner against a server child, and the testcontainers module against a container. JSON in
 * and out, the admin token as a bearer token, and the API's own error shape (`{ error, message }`)
 * turned into an {@link AdminApiError}.
 */

export interface AdminClientOptions {
  /** The sandbox's base URL (`https://localhost:8443`); the client adds `/_sandbox/…`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>` when the sandbox was started with one. */
  adminToken?: string | undefined;
  /**
   * The CA (PEM) to trust for these calls only. Without it the process's own trust applies
   * (`NODE_EXTRA_CA_CERTS`), which is how a server child started by this process is reached.
   */
  ca?: () => Promise<string>;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** An admin API refusal, with the status and the body's `error` and `message` as the sandbox sent them. */
export class AdminApiError extends Error {
  constructor(
    readonly method: Method,
    readonly path: string,
    readonly status: number,
    /** The body's `error` (`invalid_world`, `unauthorized`, …), when it is JSON. */
    readonly error: string | undefined,
    /** The body's `message`, or the body as text when it has none. */
    readonly detail: string,
  ) {
    super(`${method} ${path}: ${status}${error ? ` ${error}` : ""}: ${detail}`);
    this.name = "AdminApiError";
  }
}

function queryOf(filter: RequestFilter): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(filter)) {
    if (value !== undefined) params.set(key, String(value));
  }
  const query = params.toString();
  return query ? `?${query}` : "";
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (chunk: Buffer) => chunks.push(chunk));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The typed admin API of one running sandbox. */
export class AdminClient {
  constructor(private readonly options: AdminClientOptions) {}

  /** One call: `path` is below `/_sandbox` (`/faults`, `/requests?…`). */
  async call<T>(method: Method, path: string, body?: unknown): Promise<T> {
    const fullPath = `/_sandbox${path}`;
    const url = new URL(fullPath, this.options.baseUrl);
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const ca = this.options.ca ? await this.options.ca() : undefined;
    const send = url.protocol === "http:" ? httpRequest : httpsRequest;
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = send(
        url,
        {
          method,
          ...(ca !== undefined ? { ca } : {}),
          headers: {
            ...(payload !== undefined ? { "content-type": "application/json" } : {}),
            ...(this.options.adminToken ? { authorization: `Bearer ${this.options.adminToken}` } : {}),
          },
        },
        resolve,
      );
      req.on("error", reject);
      req.end(payload);
    });
    const text = await readBody(res);
    const status = res.statusCode ?? 0;
    const json = parseJson(text);
    if (status >= 400) {
      const shaped = (json ?? {}) as { error?: unknown; message?: unknown };
      throw new AdminApiError(
        method,
        fullPath,
        status,
        typeof shaped.error === "string" ? shaped.error : undefined,
        typeof shaped.message === "string" ? shaped.message : text,
      );
    }
    if (json === undefined) {
      throw new AdminApiError(
        method,
        fullPath,
        status,
        undefined,
        `The answer is not JSON: ${text.slice(0, 200)}`,
      );
    }
    return json as T;
  }

  descriptor(): Promise<Descriptor> {
    return this.call("GET", "/descriptor");
  }

  world(): Promise<WorldDocument> {
    return this.call("GET", "/world");
  }

  /** Replaces the whole world; an invalid one is refused (400 `invalid_world`) and changes nothing. */
  replaceWorld(doc: unknown): Promise<WorldDocument> {
    return this.call("PUT", "/world", doc);
  }

  /**
   * Changes the running world (`PATCH /_sandbox/world`, a JSON merge patch): maps merge, lists and
   * scalars replace, `null` removes a key, as a scenario's `world:` section merges. An invalid result is
   * refused (400 `invalid_world`, naming each bad path) and changes nothing. Returns the new world.
   */
  editWorld(patch: WorldPatch): Promise<WorldDocument> {
    return this.call("PATCH", "/world", patch);
  }

  /** Sandbox time now. */
  async now(): Promise<Date> {
    return new Date((await this.call<{ now: string }>("GET", "/clock")).now);
  }

  /** Moves the clock forward (`"25h"`, `"90m"`, `{ seconds: 90 }`, `{ ms: 1500 }`); returns the new sandbox time. */
  async advanceClock(duration: ExplicitDuration): Promise<Date> {
    return new Date((await this.call<{ now: string }>("POST", "/clock", { advance: duration })).now);
  }

  async reset(): Promise<void> {
    await this.call("POST", "/reset", {});
  }

  /** Journal entries matching a filter, oldest first. */
  async requests(filter: RequestFilter = {}): Promise<JournalEntry[]> {
    return (await this.call<{ requests: JournalEntry[] }>("GET", `/requests${queryOf(filter)}`)).requests;
  }

  async countRequests(filter: RequestFilter = {}): Promise<number> {
    return (await this.call<{ count: number }>("GET", `/requests/count${queryOf(filter)}`)).count;
  }

  readonly faults = {
    add: (rule: FaultRuleInput): Promise<FaultRule> => this.call("POST", "/faults", rule),
    list: async (): Promise<FaultRule[]> =>
      (await this.call<{ faults: FaultRule[] }>("GET", "/faults")).faults,
    remove: async (id: string): Promise<void> => {
      await this.call("DELETE", `/faults/${encodeURIComponent(id)}`);
    },
    clear: async (): Promise<void> => {
      await this.call("DELETE", "/faults");
    },
  };
}
