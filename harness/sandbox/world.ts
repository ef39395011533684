import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import { readUserFile } from "./user-file.js";
import { shippedFile } from "./paths.js";
import * as z from "zod";
import {
  buildDirectory,
  DirectorySchema,
  WorldReferenceError,
  type Directory,
  type DirectoryDocument,
} from "../../mock-aad/directory.js";
import {
  buildResources,
  ResourcesSchema,
  type AcsResource,
  type AssignmentResolver,
} from "../../mock-acs/resources.js";
import { describeIssues } from "./did-you-mean.js";
import {
  buildArm,
  effectiveAssignments,
  SubscriptionsSchema,
  type ArmWorld,
} from "../../mock-acs/arm/model.js";
import { armResolver, withTenantId } from "./role-assignments.js";
import { parseLocatedYaml, type LocatedYaml } from "./yaml-location.js";
import { importFiles } from "../tenant-import/index.js";

/*
 * The world: the Entra directory (mock-aad) and the ACS resources (mock-acs), composed. A world file may
 * start from the bundled default (`extends: default`) and deep-merge its changes over it: maps merge key
 * by key, lists replace, and `null` removes a key. Or it may start from a customer's tenant: `import:` lists
 * files of pasted `az ad …`/Graph JSON (relative to the world or scenario file; `TENANT=FILE` names the
 * tenant a file was taken from), imported by harness/tenant-import, and its changes merge over that.
 */

export const WorldDocumentSchema = z.strictObject({
  tenants: DirectorySchema.shape.tenants,
  apps: DirectorySchema.shape.apps,
  acs: ResourcesSchema,
  /** ARM subscriptions, their resource groups and role assignments (mock-acs/arm/model.ts). */
  subscriptions: SubscriptionsSchema,
});

export type WorldDocument = z.infer<typeof WorldDocumentSchema>;

/** A JSON merge patch over `T`: every key optional, `null` removes it, lists replace whole. */
export type MergePatch<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T]?: MergePatch<T[K]> | null }
    : T;

/** A change to a running world, as `editWorld` and `PATCH /_sandbox/world` take it. */
export type WorldPatch = MergePatch<z.input<typeof WorldDocumentSchema>>;

export const DEFAULT_WORLD_PATH = shippedFile("harness/sandbox/default-world.yaml");
/** The default world as the build parsed and validated it (scripts/build-assets.ts). */
export const BUILT_DEFAULT_WORLD_PATH = shippedFile("harness/sandbox/default-world.json");

/** What the build keeps of the default world, for the YAML it was made from. */
export interface BuiltDefaultWorld {
  /** SHA-256 (hex) of the YAML file it was made from: a changed YAML is parsed again. */
  yamlSha256: string;
  /** The YAML as parsed: what scenarios' `extends: default` merges into. */
  input: Record<string, unknown>;
  /** The validated document: the default world itself. */
  document: WorldDocument;
}

export function yamlSha256(yaml: string | Buffer): string {
  return createHash("sha256").update(yaml).digest("hex");
}

let builtDefault: BuiltDefaultWorld | null | undefined;
/**
 * The build's copy of the default world while the YAML beside it is the one it was made from. Every
 * `serve` starts from the default world; parsing and validating its YAML was a tenth of a start.
 * Undefined from the sources (no build) or when the YAML changed: it is parsed then.
 */
function builtDefaultWorld(): BuiltDefaultWorld | undefined {
  if (builtDefault === undefined) {
    builtDefault = null;
    try {
      const built = JSON.parse(readFileSync(BUILT_DEFAULT_WORLD_PATH, "utf8")) as BuiltDefaultWorld;
      if (built.yamlSha256 === yamlSha256(readFileSync(DEFAULT_WORLD_PATH))) builtDefault = built;
    } catch {
      // No build output here (running from the sources): the YAML is parsed.
    }
  }
  return builtDefault ?? undefined;
}

/** A world file that does not validate: where, which field, and what was expected. */
export class WorldError extends Error {
  constructor(
    readonly file: string,
    readonly issues: { path: string; line: number | undefined; message: string }[],
  ) {
    super(
      `Invalid world in ${file}:\n` +
        issues
          .map((i) => `  ${file}${i.line ? `:${i.line}` : ""} ${i.path || "(root)"}: ${i.message}`)
          .join("\n"),
    );
    this.name = "WorldError";
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep merge for world overrides: objects merge, arrays and scalars replace, `null` deletes. */
export function mergeWorld(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return structuredClone(override);
  const out: Record<string, unknown> = structuredClone(base);
  for (const [key, value] of Object.entries(override)) {
    if (value === null) delete out[key];
    else out[key] = key in out ? mergeWorld(out[key], value) : structuredClone(value);
  }
  return out;
}

let defaultWorldValue: Record<string, unknown> | undefined;
/** The bundled world as parsed YAML: read once per process, a fresh copy for each caller to merge into. */
export function defaultWorldInput(): Record<string, unknown> {
  defaultWorldValue ??=
    builtDefaultWorld()?.input ??
    (parseLocatedYaml(readFileSync(DEFAULT_WORLD_PATH, "utf8"), DEFAULT_WORLD_PATH).value as Record<
      string,
      unknown
    >);
  return structuredClone(defaultWorldValue);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replace(/\.\[/g, "[");
}

/**
 * Validates a world input (already parsed), applying `extends`. `file` and `located` only improve
 * messages; `basePath` prefixes paths when the world sits inside a scenario file (`["world"]`).
 */
export function parseWorld(
  input: unknown,
  file = "<world>",
  located?: LocatedYaml,
  basePath: readonly PropertyKey[] = [],
): World {
  if (!isPlainObject(input)) {
    throw new WorldError(file, [
      {
        path: formatPath(basePath),
        line: located?.lineOf(basePath),
        message: `Expected a world document (a mapping with tenants, apps, acs), got ${input === null ? "null" : Array.isArray(input) ? "a list" : typeof input}`,
      },
    ]);
  }
  const raw = { ...input };
  const base = raw.extends ?? (raw.import !== undefined ? "empty" : "default");
  delete raw.extends;
  const imported = raw.import !== undefined ? importedWorld(raw.import, file, located, basePath) : undefined;
  delete raw.import;
  if (imported && base !== "empty") {
    throw new WorldError(file, [
      {
        path: formatPath([...basePath, "extends"]),
        line: located?.lineOf([...basePath, "extends"]),
        message: `"import" builds the whole world from the pasted files: leave out "extends: ${String(base)}"`,
      },
    ]);
  }
  let merged: unknown = raw;
  if (imported) merged = mergeWorld(imported, raw);
  else if (base === "default") merged = mergeWorld(defaultWorldInput(), raw);
  else if (base !== "empty") {
    throw new WorldError(file, [
      {
        path: formatPath([...basePath, "extends"]),
        line: located?.lineOf([...basePath, "extends"]),
        message: `Unknown base world "${String(base)}": expected "default" or "empty"`,
      },
    ]);
  }
  const result = WorldDocumentSchema.safeParse(merged);
  if (!result.success) {
    throw new WorldError(
      file,
      describeIssues(WorldDocumentSchema, result.error).map((issue) => {
        const path = [...basePath, ...issue.path];
        const line = issue.unknownKey ? located?.lineOfKey(path) : located?.lineOf(path);
        return { path: formatPath(path), line, message: issue.message };
      }),
    );
  }
  try {
    return new World(result.data);
  } catch (err) {
    if (err instanceof WorldReferenceError) {
      const path = [...basePath, ...err.path];
      throw new WorldError(file, [
        { path: formatPath(path), line: located?.lineOf(path), message: err.message },
      ]);
    }
    throw err;
  }
}

/** A world's `import:` list, imported; its mistakes reported as world errors at the entry they concern. */
function importedWorld(
  list: unknown,
  file: string,
  located: LocatedYaml | undefined,
  basePath: readonly PropertyKey[],
): Record<string, unknown> {
  const at = (index: number | undefined, message: string) =>
    new WorldError(file, [
      {
        path: formatPath([...basePath, "import", ...(index === undefined ? [] : [index])]),
        line: located?.lineOf([...basePath, "import", ...(index === undefined ? [] : [index])]),
        message,
      },
    ]);
  if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === "string" && f !== "")) {
    throw at(undefined, "expected a list of pasted JSON files (FILE or TENANT=FILE)");
  }
  const baseDir = file.startsWith("<") ? process.cwd() : dirname(file);
  try {
    const { extends: _base, ...document } = importFiles(list as string[], {}, baseDir).document;
    return document;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const index = list.findIndex((f) => message.includes(String(f).split("=").pop()!));
    throw at(index >= 0 ? index : undefined, message);
  }
}

/** Reads a world file (YAML or JSON). A scenario file's `world:` section is read by the scenario loader. */
export function loadWorldFile(file: string): World {
  const located = parseLocatedYaml(readUserFile(file, "world file"), file);
  return parseWorld(located.value, file, located);
}

let defaultWorldDocument: WorldDocument | undefined;
/** The default world, freshly built (validated once per process: every test's sandbox starts from it). */
export function defaultWorld(): World {
  defaultWorldDocument ??=
    builtDefaultWorld()?.document ?? parseWorld({ extends: "default" }, DEFAULT_WORLD_PATH).document;
  return new World(structuredClone(defaultWorldDocument));
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * How ACS access assignments name their principals in a world file: users as `<tenant>/<user>` (or a
 * user name unique across tenants), tenants and apps by name; raw ids pass through.
 */
function assignmentResolver(directory: Directory): AssignmentResolver {
  const tenant = (ref: string) => {
    const found = directory.tenants.find((t) => t.name === ref || t.id === ref || t.domain === ref);
    if (found) return found.id;
    if (GUID.test(ref)) return ref;
    throw new WorldReferenceError(["acs"], `Unknown tenant "${ref}" in an ACS access assignment`);
  };
  return {
    tenant,
    user(ref, tenantRef) {
      const [tenantName, userName] = ref.includes("/") ? ref.split("/", 2) : [tenantRef, ref];
      const tenants = directory.tenants.filter(
        (t) => tenantName === undefined || t.name === tenantName || t.id === tenantName,
      );
      for (const t of tenants) {
        const found = t.users.find((u) => u.name === userName || u.objectId === userName);
        if (found) return { tenantId: t.id, objectId: found.objectId };
      }
      if (GUID.test(userName!) && tenantName !== undefined) {
        return { tenantId: tenant(tenantName), objectId: userName! };
      }
      throw new WorldReferenceError(
        ["acs"],
        `Unknown user "${ref}" in an ACS access assignment: expected <tenant>/<user>, or an object id with tenant`,
      );
    },
    client(ref) {
      return directory.apps.find((a) => a.name === ref)?.clientId ?? ref;
    },
  };
}

/**
 * The live world of one sandbox. Routes read `directory` and `resources`; admin consent and scenario world
 * edits change the document through `edit`, which re-validates and rebuilds the views atomically.
 */
export class World {
  #doc: WorldDocument;
  #directory: Directory;
  #resources: AcsResource[];
  #arm: ArmWorld;

  constructor(doc: WorldDocument) {
    this.#doc = doc;
    [this.#directory, this.#resources, this.#arm] = World.#build(doc);
  }

  /**
   * The views routes read. A resource's role assignments are those ARM sees at its scope or above
   * (subscription, resource group): one list for ARM and for the ACS data plane's bearer RBAC.
   */
  static #build(doc: WorldDocument): [Directory, AcsResource[], ArmWorld] {
    const directory = buildDirectory(doc as DirectoryDocument);
    const placed = buildResources(doc.acs, assignmentResolver(directory)).map((r) =>
      withTenantId(directory, r),
    );
    const arm = buildArm(doc, placed, armResolver(directory));
    const resources = placed.map((r) => ({
      ...r,
      roleAssignments: effectiveAssignments(arm, r.armId).map((a) => ({
        principal: a.principalId,
        role: a.role.roleName,
      })),
    }));
    return [directory, resources, arm];
  }

  get document(): WorldDocument {
    return structuredClone(this.#doc);
  }

  get directory(): Directory {
    return this.#directory;
  }

  get resources(): AcsResource[] {
    return this.#resources;
  }

  /** ARM's view: tenants, subscriptions, resource groups, role assignments. */
  get arm(): ArmWorld {
    return this.#arm;
  }

  /** Applies a change to the world document; if the result does not validate, nothing changes. */
  edit(change: (doc: WorldDocument) => void): void {
    const draft = structuredClone(this.#doc);
    change(draft);
    const parsed = WorldDocumentSchema.parse(draft);
    const views = World.#build(parsed);
    this.#doc = parsed;
    [this.#directory, this.#resources, this.#arm] = views;
  }

  /**
   * Deep-merges a patch into the world, as a scenario's `world:` section merges into the default world
   * (and as a JSON merge patch, RFC 7396, does): maps merge key by key, lists and scalars replace, `null`
   * removes a key. The result is validated whole and applied atomically; an invalid one changes nothing
   * and throws a {@link WorldError} naming each bad path. Returns the new world document.
   *
   * @example
   * world.patch({ tenants: { fabrikam: { servicePrincipals: [] } } });
   */
  patch(patch: unknown, source = "world patch"): WorldDocument {
    if (!isPlainObject(patch)) {
      const got = patch === null ? "null" : Array.isArray(patch) ? "a list" : typeof patch;
      throw new WorldError(source, [
        {
          path: "",
          line: undefined,
          message: `Expected a world patch (a mapping over tenants, apps, acs), got ${got}`,
        },
      ]);
    }
    if ("extends" in patch) {
      throw new WorldError(source, [
        {
          path: "extends",
          line: undefined,
          message:
            "A patch changes the running world and extends nothing: drop extends (replace the whole world with PUT /_sandbox/world instead)",
        },
      ]);
    }
    const next = parseWorld({ ...(mergeWorld(this.#doc, patch) as object), extends: "empty" }, source);
    this.replace(next);
    return next.document;
  }

  /**
   * Replaces the whole world (admin API `PUT /_sandbox/world`, reset). The two worlds share the document:
   * no World changes its document in place (`edit` validates a copy and swaps it in), and `document`
   * hands out copies.
   */
  replace(next: World): void {
    this.#doc = next.#doc;
    this.#directory = next.directory;
    this.#resources = next.resources;
    this.#arm = next.arm;
  }
}
