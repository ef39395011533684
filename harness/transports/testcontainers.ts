/**
 * `acs-sandbox/testcontainers`: the sandbox image as a testcontainers-node (11.x) module, the one-liner a
 * Node suite has for Azurite. `testcontainers` is an optional peer dependency: install it next to this.
 *
 * @example
 * const sandbox = await new AcsSandboxContainer().withScenario("missing-service-principal").start();
 * const authority = await sandbox.getAuthority("fabrikam"); // https://localhost:<mapped port>/<tenant id>
 * const connectionString = await sandbox.getConnectionString();
 * await sandbox.stop();
 */
import { existsSync, readFileSync } from "node:fs";
import { isIP } from "node:net";
import { join } from "node:path";
import {
  AbstractStartedContainer,
  GenericContainer,
  getContainerRuntimeClient,
  Wait,
  type StartedTestContainer,
} from "testcontainers";
import { AdminClient } from "../operator/admin-client.js";
import type { ExplicitDuration } from "../../core/duration.js";
import type { Descriptor } from "../sandbox/descriptor.js";
import type { WorldDocument, WorldPatch } from "../sandbox/world.js";
import type { JournalEntry } from "../operator/journal.js";
import type { RequestFilter } from "../operator/journal-query.js";
import { SCENARIOS_DIR } from "../sandbox/paths.js";

/** The image `scripts/docker-build.sh` builds. */
export const DEFAULT_IMAGE = "acs-sandbox:local";
/**
 * The port the sandbox listens on inside the container. It answers on 443 as well, for other containers
 * that reach it by network alias (`withNetworkAliases`) at a URL without a port (docs/unmodified.md).
 */
export const SANDBOX_PORT = 8443;
/** Where the image loads a world file from (docs/container.md). */
export const WORLD_PATH = "/etc/acs-sandbox/world.yaml";
const SCENARIO_PATH = "/etc/acs-sandbox/scenario.yaml";
const DATA_DIR = "/data";
const CA_CERT_PATH = `${DATA_DIR}/ca/ca.pem`;
const CA_KEY_PATH = `${DATA_DIR}/ca/ca-key.pem`;
/** Names the leaf certificate carries anyway. */
const BUILT_IN_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

type WorldSource = { kind: "scenario" | "world"; via: string };

/**
 * The sandbox container. Builders fail at once, with what to do instead, on a combination that cannot work.
 */
export class AcsSandboxContainer extends GenericContainer {
  #world: WorldSource | undefined;
  #hostnames: string[] = [];
  #dataVolume: string | undefined;
  #ownCa = false;
  #adminToken: string | undefined;

  constructor(image = DEFAULT_IMAGE) {
    super(image);
    this.withExposedPorts(SANDBOX_PORT)
      .withWaitStrategy(
        Wait.forHttp("/_sandbox/health", SANDBOX_PORT, { abortOnContainerExit: true })
          .usingTls()
          .allowInsecure(),
      )
      .withStartupTimeout(60_000);
  }

  /**
   * Loads the world of a scenario: a scenario file's path, its YAML text, or a bundled scenario's name
   * (`npx acs-sandbox list`).
   */
  withScenario(pathOrYaml: string): this {
    this.#setWorld("scenario", "withScenario", pathOrYaml);
    if (isDocumentText(pathOrYaml)) return this.#copyIn(pathOrYaml, SCENARIO_PATH, "ACS_SANDBOX_SCENARIO");
    if (existsSync(pathOrYaml))
      return this.#copyIn(readFileSync(pathOrYaml, "utf8"), SCENARIO_PATH, "ACS_SANDBOX_SCENARIO");
    if (existsSync(join(SCENARIOS_DIR, `${pathOrYaml}.yaml`)))
      return this.withEnvironment({ ACS_SANDBOX_SCENARIO: pathOrYaml });
    throw new Error(
      `withScenario("${pathOrYaml}"): no such file and no bundled scenario of that name. ` +
        `Pass a scenario file's path, its YAML text, or a name from \`npx acs-sandbox list\`.`,
    );
  }

  /** Loads a world: a world file's path, its YAML or JSON text, or a world object. */
  withWorld(world: string | Record<string, unknown>): this {
    const label = typeof world === "string" ? world : "{…}";
    this.#setWorld("world", "withWorld", label);
    if (typeof world !== "string")
      return this.#copyIn(JSON.stringify(world), WORLD_PATH, "ACS_SANDBOX_WORLD");
    if (isDocumentText(world)) return this.#copyIn(world, WORLD_PATH, "ACS_SANDBOX_WORLD");
    if (existsSync(world)) return this.#copyIn(readFileSync(world, "utf8"), WORLD_PATH, "ACS_SANDBOX_WORLD");
    throw new Error(
      `withWorld("${world}"): no such file. Pass a world file's path, its YAML text, or a world object.`,
    );
  }

  /**
   * Requires this token (`Authorization: Bearer`) on the sandbox's admin API, as `--admin-token` does;
   * the started container's own admin calls (clock, reset, descriptor) send it.
   */
  withAdminToken(token: string): this {
    if (!/^[\x21-\x7e]{16,}$/.test(token)) {
      throw new Error(
        "withAdminToken(): expected at least 16 visible ASCII characters without spaces, e.g. crypto.randomUUID()",
      );
    }
    this.#adminToken = token;
    return this.withEnvironment({ ACS_SANDBOX_ADMIN_TOKEN: token });
  }

  /** Accepts any ACS `api-version` as the newest, for SDKs newer than the sandbox. */
  withLooseApiVersions(): this {
    return this.withEnvironment({ ACS_SANDBOX_LOOSE: "true" });
  }

  /**
   * Adds a host name clients use to reach the sandbox (a network alias other containers use, a LAN name)
   * to its TLS certificate. Issuer, endpoints and descriptor follow the Host of each request by themselves;
   * `localhost` and `127.0.0.1` are always named, and so is the Docker host testcontainers reports.
   */
  withPublicHostname(hostname: string): this {
    if (!/^[a-z0-9.:-]+$/i.test(hostname)) {
      throw new Error(
        `withPublicHostname("${hostname}"): expected a host name or IP address such as "acs-sandbox", not a URL`,
      );
    }
    this.#hostnames.push(hostname.toLowerCase());
    return this;
  }

  /**
   * Keeps `/data` (the CA and the ACS identities) in a named Docker volume, or a host folder writable by
   * uid 10001, so a later container started with the same volume has the same users and CA.
   */
  withDataVolume(volume: string): this {
    if (this.#ownCa) throw conflict();
    this.#dataVolume = volume;
    return this.withBindMounts([{ source: volume, target: DATA_DIR, mode: "rw" }]);
  }

  /**
   * Makes the sandbox sign its certificate with a CA the test process already trusts (for Node, one named
   * by `NODE_EXTRA_CA_CERTS` before the process started), so no client needs per-request trust settings.
   * The key is readable inside the container: use a CA made for tests only.
   */
  withCertificateAuthority(ca: { certPem: string; keyPem: string }): this {
    if (this.#dataVolume !== undefined) throw conflict();
    this.#ownCa = true;
    return this.withCopyContentToContainer([
      { content: ca.certPem, target: CA_CERT_PATH, mode: 0o644 },
      { content: ca.keyPem, target: CA_KEY_PATH, mode: 0o644 },
    ]);
  }

  override async start(): Promise<StartedAcsSandboxContainer> {
    // A remote Docker host is reached by its own name: the certificate must carry it too.
    const { host } = (await getContainerRuntimeClient()).info.containerRuntime;
    const names = [...new Set([...this.#hostnames, host.toLowerCase()])].filter(
      (n) => !BUILT_IN_NAMES.has(n),
    );
    if (names.length > 0) this.withEnvironment({ ACS_SANDBOX_HOSTNAMES: names.join(",") });
    return new StartedAcsSandboxContainer(await super.start(), this.#adminToken);
  }

  #setWorld(kind: WorldSource["kind"], builder: string, via: string): void {
    if (this.#world) {
      throw new Error(
        `${builder}("${via}"): the world is already set by ${this.#world.kind === "scenario" ? "withScenario" : "withWorld"}("${this.#world.via}"). ` +
          `Pick one: a scenario's \`world:\` section already extends the default world.`,
      );
    }
    this.#world = { kind, via };
  }

  #copyIn(content: string, target: string, variable: string): this {
    return this.withCopyContentToContainer([{ content, target, mode: 0o644 }]).withEnvironment({
      [variable]: target,
    });
  }
}

/** `?service=acs&status=429` from a filter. */
/** YAML over several lines, or JSON: a document rather than a path or a name. */
function isDocumentText(text: string): boolean {
  return text.includes("\n") || text.trimStart().startsWith("{");
}

function conflict(): Error {
  return new Error(
    "withCertificateAuthority() and withDataVolume() cannot be combined: the volume keeps the CA the " +
      "sandbox made on its first start. Drop one, or trust that CA with getCaCertPem().",
  );
}

/** A running sandbox container, with its descriptor, authorities and admin API at the mapped port. */
export class StartedAcsSandboxContainer extends AbstractStartedContainer {
  #caCertPem: string | undefined;
  readonly #adminToken: string | undefined;
  #adminClient: AdminClient | undefined;

  constructor(started: StartedTestContainer, adminToken?: string) {
    super(started);
    this.#adminToken = adminToken;
  }

  /** The admin API at the mapped port, trusting the sandbox's CA for its calls only. */
  get #admin(): AdminClient {
    this.#adminClient ??= new AdminClient({
      baseUrl: this.getBaseUrl(),
      adminToken: this.#adminToken,
      ca: () => this.getCaCertPem(),
    });
    return this.#adminClient;
  }

  /** `https://<docker host>:<mapped port>`: the issuer's origin as this process sees it. */
  getBaseUrl(): string {
    const host = this.getHost();
    return `https://${isIP(host) === 6 ? `[${host}]` : host}:${this.getMappedPort(SANDBOX_PORT)}`;
  }

  /** The CA certificate (PEM) that signs the sandbox's TLS certificate. */
  async getCaCertPem(): Promise<string> {
    if (this.#caCertPem === undefined) {
      const script = `process.stdout.write(require("fs").readFileSync(${JSON.stringify(CA_CERT_PATH)}, "utf8"))`;
      const result = await this.exec(["node", "-e", script]);
      if (result.exitCode !== 0)
        throw new Error(`Could not read ${CA_CERT_PATH} in the container: ${result.output}`);
      this.#caCertPem = result.stdout;
    }
    return this.#caCertPem;
  }

  /** The descriptor as this process sees it: every URL carries the mapped port. */
  async getDescriptor(): Promise<Descriptor> {
    return this.#admin.descriptor();
  }

  /** `<base URL>/<tenant id>` for a tenant's name, domain or id. */
  async getAuthority(tenant: string): Promise<string> {
    const { tenants } = await this.getDescriptor();
    const found = tenants.find((t) => [t.name, t.domain, t.id].includes(tenant));
    if (!found) {
      throw new Error(
        `No tenant "${tenant}" in the sandbox world; it has ${tenants.map((t) => t.name).join(", ")}`,
      );
    }
    return found.authority;
  }

  /** The connection string of an ACS resource by name; default: the first one. */
  async getConnectionString(resource?: string): Promise<string> {
    const { acs } = await this.getDescriptor();
    const found = resource === undefined ? acs[0] : acs.find((r) => r.name === resource);
    if (!found) {
      throw new Error(
        `No ACS resource "${resource ?? ""}" in the sandbox world; it has ${acs.map((r) => r.name).join(", ") || "none"}`,
      );
    }
    return found.connectionString;
  }

  /** The world now, as a document (`GET /_sandbox/world`). */
  getWorld(): Promise<WorldDocument> {
    return this.#admin.world();
  }

  /**
   * Changes the running world as `sb.editWorld(patch)` does in-process (`PATCH /_sandbox/world`, a JSON
   * merge patch): maps merge, lists and scalars replace, `null` removes a key. An invalid result changes
   * nothing and is refused with each bad path named. Returns the new world.
   *
   * @example
   * await sandbox.editWorld({ tenants: { fabrikam: { servicePrincipals: [] } } });
   */
  editWorld(patch: WorldPatch): Promise<WorldDocument> {
    return this.#admin.editWorld(patch);
  }

  /** Moves the sandbox clock forward (`"25h"`, `"90m"`, `{ seconds: 90 }`, `{ ms: 1500 }`); returns the new sandbox time. */
  async advanceClock(duration: ExplicitDuration): Promise<Date> {
    return this.#admin.advanceClock(duration);
  }

  /** Back to the starting world and time, with no identities, codes, sessions or fault rules. */
  async reset(): Promise<void> {
    await this.#admin.reset();
  }

  /**
   * Fault rules through `/_sandbox/faults`.
   *
   * @example
   * await sandbox.faults.add({ service: "acs", operation: "exchange", status: 429, retryAfter: 1, times: 2 });
   */
  get faults(): AdminClient["faults"] {
    return this.#admin.faults;
  }

  /** Journal entries matching a filter, oldest first (`GET /_sandbox/requests?…`). */
  getRequests(filter: RequestFilter = {}): Promise<JournalEntry[]> {
    return this.#admin.requests(filter);
  }

  /** How many journal entries match (`GET /_sandbox/requests/count?…`). */
  countRequests(filter: RequestFilter = {}): Promise<number> {
    return this.#admin.countRequests(filter);
  }
}
