import { readUserFile } from "../sandbox/user-file.js";
import { basename, extname } from "node:path";
import * as z from "zod";
import { UserConsentPolicySchema } from "../../mock-aad/directory.js";
import { FaultRuleSchema } from "../operator/faults/rules.js";
import { parseWorld, WorldError, type World } from "../sandbox/world.js";
import { parseLocatedYaml, type LocatedYaml } from "../sandbox/yaml-location.js";
import { describeIssues, nearestWord } from "../sandbox/did-you-mean.js";

/*
 * Scenario files: a world (over the default) and a story of steps played through the real MSAL and
 * Identity SDK. Each step is one action plus an optional `expect` and `as`. The zod schemas below are
 * also exported as `scenario.schema.json`, so what editors autocomplete is what the runner accepts.
 */

/** "60m", "24h", "1h30m", or a number of seconds (core/duration.ts: one rule for every duration). */
const Duration = z
  .union([
    z.string().regex(/^(\d+(\.\d+)?(ms|d|h|m|s))+$/, 'expected a duration such as "25h" or "61m"'),
    z.number(),
  ])
  .describe(
    'A duration: "25h", "61m", "90d", "1h30m", "150ms", or a bare number of seconds (a bare number is seconds everywhere a duration is written)',
  );

const Name = z.string().min(1);
const Alias = z
  .string()
  .regex(/^[A-Za-z_][\w-]*$/, "expected a name made of letters, digits, _ and -")
  .describe("Saves this step's result (token, identity) under a name later steps can refer to");

export const FLOWS = [
  "password",
  "deviceCode",
  "interactive",
  "authCode",
  "clientCredentials",
  "silent",
  "refresh",
  "onBehalfOf",
] as const;

const SignIn = z
  .strictObject({
    user: Name.optional().describe(
      "User name in the world (alice) or a UPN; not needed for clientCredentials and onBehalfOf",
    ),
    app: Name.describe("App registration name (contoso-teams) or client id"),
    flow: z.enum(FLOWS).default("password"),
    tenant: Name.optional().describe(
      "Authority tenant: world name, GUID, domain, organizations or common. Default: the user's home tenant",
    ),
    scopes: z
      .array(Name)
      .min(1)
      .optional()
      .describe("Default: the ACS Teams scopes Teams.ManageCalls and Teams.ManageChats"),
    redirectUri: Name.optional().describe(
      "authCode: the redirect URI the app sends (default http://localhost:3000/redirect)",
    ),
    consent: z.enum(["accept", "decline"]).default("accept").describe("What the user does on a consent page"),
    password: Name.optional().describe("Overrides the user's password from the world (to type a wrong one)"),
    secret: Name.optional().describe(
      "Client secret: makes the app a confidential client (clientCredentials and onBehalfOf default to the app's first)",
    ),
    token: Alias.optional().describe(
      "onBehalfOf: the user's token the middle-tier app received (an alias); default the last signed-in token",
    ),
  })
  .describe("Signs a user in with MSAL Node and keeps the Entra token for later steps");

const AdminConsent = z
  .strictObject({
    tenant: Name,
    app: Name,
    admin: Name.describe("The tenant's administrator who opens the consent URL"),
    approve: z.boolean().default(true),
    version: z
      .enum(["v1", "v2"])
      .default("v1")
      .describe("v1: /adminconsent as the quickstart gives it; v2: /v2.0/adminconsent"),
    redirectUri: Name.optional(),
  })
  .describe("A tenant admin opens the admin consent URL for an app and approves or refuses");

const Exchange = z
  .strictObject({
    acs: Name.describe("ACS resource name"),
    token: Alias.optional().describe("Entra token to exchange (an alias); default the last signed-in token"),
    appId: Name.optional().describe("Client id sent to ACS (an app name or GUID); default the token's appid"),
    userId: Name.optional().describe(
      "User object id sent to ACS (a user name or GUID); default the token's oid",
    ),
    apiVersion: Name.optional().describe("ACS api-version, e.g. 2021-10-31-preview; default the SDK's"),
  })
  .describe("Exchanges an Entra token for a Teams access token (getTokenForTeamsUser)");

const ExchangeEntraToken = z
  .strictObject({
    acs: Name.describe("ACS resource name"),
    token: Alias.optional().describe("Entra token to exchange (an alias); default the last signed-in token"),
    scopes: z
      .array(Name)
      .min(1)
      .optional()
      .describe(
        "Scopes the credential is configured with; they choose the exchange (https://auth.msft.communication.azure.com/… Teams Phone extensibility, https://communication.azure.com/clients/… Entra ID users). Default: the token's audience",
      ),
  })
  .describe(
    "Exchanges an Entra token at /access/* with AzureCommunicationTokenCredential's Entra options (Teams Phone extensibility or Entra ID users)",
  );

const AcsScopes = z.array(Name).min(1);

const CreateUser = z.strictObject({
  acs: Name,
  withToken: AcsScopes.optional().describe("Also issue a token with these scopes (chat, voip)"),
  expiresInMinutes: z.number().optional(),
  entraToken: Alias.optional().describe(
    "Authenticate with this Entra token (an alias of a signIn step) instead of the connection string (RBAC)",
  ),
});

const IssueToken = z.strictObject({
  acs: Name,
  identity: Alias.describe("Alias of a createUser step"),
  scopes: z.array(z.string()),
  expiresInMinutes: z.number().optional(),
});

const IdentityRef = z.strictObject({ acs: Name, identity: Alias });

const ServicePrincipalRef = z.strictObject({
  tenant: Name,
  resource: Name.describe("First-party key (acs, graph) or app registration name"),
});

const GrantConsent = z.strictObject({
  tenant: Name,
  app: Name,
  resource: Name.default("acs"),
  scopes: z.array(Name).min(1).default(["Teams.ManageCalls", "Teams.ManageChats"]),
  user: Name.optional().describe("Absent: tenant-wide admin grant; present: this user's own consent"),
});

const RevokeConsent = z.strictObject({
  tenant: Name,
  app: Name,
  resource: Name.optional(),
  user: Name.optional(),
});

const SetApp = z.strictObject({
  app: Name,
  signInAudience: z.enum(["single", "multitenant"]).optional(),
  publicClientFlows: z.boolean().optional(),
  verifiedPublisher: z.boolean().optional(),
  redirectUris: z
    .strictObject({
      publicClient: z.array(z.string()).optional(),
      web: z.array(z.string()).optional(),
      spa: z.array(z.string()).optional(),
    })
    .optional(),
  requiredResourceAccess: z.record(z.string(), z.array(z.string()).nullable()).optional(),
  secrets: z.array(z.strictObject({ value: Name, expires: z.string().optional() })).optional(),
});

const SetUser = z.strictObject({
  tenant: Name,
  user: Name,
  password: Name.optional(),
  teamsLicense: z.boolean().optional(),
  enabled: z.boolean().optional(),
  mfaRequired: z.boolean().optional(),
  isAdmin: z.boolean().optional(),
});

const SetTenantPolicy = z.strictObject({ tenant: Name, userConsentPolicy: UserConsentPolicySchema });

const AdvanceClock = z.union([Duration, z.strictObject({ by: Duration })]);

const ClearFaults = z
  .union([z.literal(true), z.strictObject({ id: Name })])
  .describe("Removes every fault rule (true) or one by id");

/** Every action a step may take, with its arguments. */
export const ACTIONS = {
  signIn: SignIn,
  adminConsent: AdminConsent,
  exchange: Exchange,
  exchangeEntraToken: ExchangeEntraToken,
  createUser: CreateUser,
  issueToken: IssueToken,
  revokeTokens: IdentityRef,
  deleteUser: IdentityRef,
  advanceClock: AdvanceClock,
  createServicePrincipal: ServicePrincipalRef,
  deleteServicePrincipal: ServicePrincipalRef,
  grantConsent: GrantConsent,
  revokeConsent: RevokeConsent,
  setApp: SetApp,
  setUser: SetUser,
  setTenantPolicy: SetTenantPolicy,
  fault: FaultRuleSchema,
  clearFaults: ClearFaults,
} as const;

export type ActionName = keyof typeof ACTIONS;
export const ACTION_NAMES = Object.keys(ACTIONS) as ActionName[];

export const ExpectSchema = z
  .strictObject({
    ok: z.literal(true).optional().describe("The step succeeds (the default when there is no expect)"),
    error: z
      .strictObject({
        code: z
          .union([z.string(), z.number()])
          .describe("AADSTS650052, 650052, or an ACS code such as InvalidAccessToken"),
        status: z.number().int().optional(),
        message: z.string().optional().describe("A substring of the error message"),
      })
      .optional(),
    claims: z.record(z.string(), z.unknown()).optional().describe("Subset of the decoded token's claims"),
    expiresIn: z
      .strictObject({ min: Duration.optional(), max: Duration.optional() })
      .optional()
      .describe("Bounds on the time left before the token expires, on the sandbox clock"),
    expiresWithAadToken: z
      .literal(true)
      .optional()
      .describe("The Teams access token expires when the exchanged Entra token does"),
  })
  .refine((e) => !(e.ok && e.error), { message: "expect either ok or error, not both" });

export type Expectation = z.infer<typeof ExpectSchema>;

function stepSchema(action: ActionName) {
  return z.strictObject({
    [action]: ACTIONS[action],
    expect: ExpectSchema.optional(),
    as: Alias.optional(),
  });
}

const STEP_SCHEMAS = Object.fromEntries(ACTION_NAMES.map((a) => [a, stepSchema(a)])) as Record<
  ActionName,
  ReturnType<typeof stepSchema>
>;

export const StepSchema = z.union(
  ACTION_NAMES.map((a) => STEP_SCHEMAS[a]) as [
    ReturnType<typeof stepSchema>,
    ...ReturnType<typeof stepSchema>[],
  ],
);

/** One step: exactly one action key, its arguments, and optionally `expect` and `as`. */
export type Step = {
  [K in ActionName]: {
    action: K;
    args: z.output<(typeof ACTIONS)[K]>;
    expect?: Expectation;
    as?: string;
    line?: number;
  };
}[ActionName];

export const ScenarioSchema = z
  .strictObject({
    name: Name.optional().describe("Defaults to the file name"),
    description: z.string().describe("What this story shows, in words a support engineer understands"),
    world: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        "The world: `extends: default` (the bundled Contoso/Fabrikam world) plus deep-merged changes, or `import: [FILE | TENANT=FILE, …]` (a customer's pasted az/Graph JSON, relative to this file; acs-sandbox import) plus changes",
      ),
    steps: z.array(StepSchema).min(1),
  })
  .describe("An acs-sandbox scenario: a world and a story played through the real MSAL and Identity SDK");

/** A validated scenario, ready to run. */
export interface Scenario {
  name: string;
  description: string;
  file: string | undefined;
  world: World;
  steps: Step[];
}

/** One reason a scenario file is invalid: where, which field, and what was expected. */
export interface ScenarioIssue {
  path: string;
  line: number | undefined;
  message: string;
}

export class ScenarioError extends Error {
  constructor(
    readonly file: string,
    readonly issues: ScenarioIssue[],
  ) {
    super(
      `Invalid scenario ${file}:\n` +
        issues
          .map((i) => `  ${file}${i.line ? `:${i.line}` : ""} ${i.path || "(root)"}: ${i.message}`)
          .join("\n"),
    );
    this.name = "ScenarioError";
  }
}

function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === "number" ? `[${p}]` : String(p)))
    .join(".")
    .replace(/\.\[/g, "[");
}

function issuesOf(
  schema: z.ZodType,
  error: z.ZodError,
  base: PropertyKey[],
  located: LocatedYaml | undefined,
): ScenarioIssue[] {
  return describeIssues(schema, error).map((issue) => {
    const path = [...base, ...issue.path];
    const line = issue.unknownKey ? located?.lineOfKey(path) : located?.lineOf(path);
    return { path: formatPath(path), line, message: issue.message };
  });
}

/** Validates one step: find its single action first, so the message names that action's fields. */
function parseStep(raw: unknown, index: number, located: LocatedYaml | undefined): Step | ScenarioIssue[] {
  const path = ["steps", index];
  const at = (message: string, sub: PropertyKey[] = []): ScenarioIssue[] => [
    { path: formatPath([...path, ...sub]), line: located?.lineOf([...path, ...sub]), message },
  ];
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return at(`expected a step object with one action (${ACTION_NAMES.join(", ")})`);
  }
  const keys = Object.keys(raw).filter((k) => k !== "expect" && k !== "as");
  const actions = keys.filter((k): k is ActionName => k in ACTIONS);
  const unknown = keys.filter((k) => !(k in ACTIONS));
  if (unknown.length > 0) {
    // `expct:` is a typo of `expect`, not an action: the suggestion looks at every key a step takes.
    const near = nearestWord(unknown[0]!, [...ACTION_NAMES, "expect", "as"]);
    return [
      {
        path: formatPath([...path, unknown[0]!]),
        line: located?.lineOfKey([...path, unknown[0]!]),
        message: near
          ? `unknown ${near === "expect" || near === "as" ? "key" : "action"} "${unknown[0]}": did you mean "${near}"?`
          : `unknown action "${unknown[0]}": expected one of ${ACTION_NAMES.join(", ")}`,
      },
    ];
  }
  if (actions.length !== 1) {
    return at(
      actions.length === 0
        ? `missing action: expected one of ${ACTION_NAMES.join(", ")}`
        : `a step takes exactly one action, found ${actions.join(" and ")}`,
    );
  }
  const action = actions[0]!;
  const parsed = STEP_SCHEMAS[action].safeParse(raw);
  if (!parsed.success) return issuesOf(STEP_SCHEMAS[action], parsed.error, path, located);
  const data = parsed.data as Record<string, unknown>;
  return {
    action,
    args: data[action],
    ...(data.expect ? { expect: data.expect } : {}),
    ...(data.as ? { as: data.as } : {}),
    line: located?.lineOf(path),
  } as Step;
}

/**
 * Validates a scenario (already parsed from YAML or given as an object). `file` and `located` only
 * improve messages: with them every issue carries its line.
 */
export function parseScenario(input: unknown, file = "<scenario>", located?: LocatedYaml): Scenario {
  // Everything is checked before reporting, so one run of the file shows every mistake in it.
  const topSchema = ScenarioSchema.extend({ steps: z.array(z.unknown()).min(1) });
  const top = topSchema.safeParse(input);
  const issues: ScenarioIssue[] = top.success ? [] : issuesOf(topSchema, top.error, [], located);
  const raw = (typeof input === "object" && input !== null ? input : {}) as Record<string, unknown>;
  const steps: Step[] = [];
  (Array.isArray(raw.steps) ? raw.steps : []).forEach((rawStep, i) => {
    const step = parseStep(rawStep, i, located);
    if (Array.isArray(step)) issues.push(...step);
    else steps.push(step);
  });
  let world: World | undefined;
  try {
    world = parseWorld(raw.world ?? {}, file, located, ["world"]);
  } catch (err) {
    if (!(err instanceof WorldError)) throw err;
    issues.push(...err.issues);
  }
  if (!top.success || issues.length > 0 || !world) throw new ScenarioError(file, issues);
  return {
    name: top.data.name ?? (file.startsWith("<") ? "scenario" : basename(file, extname(file))),
    description: top.data.description,
    file: file.startsWith("<") ? undefined : file,
    world,
    steps,
  };
}

/** Reads and validates a scenario file. */
export function loadScenario(file: string): Scenario {
  const located = parseLocatedYaml(readUserFile(file, "scenario file"), file);
  return parseScenario(located.value, file, located);
}

/** The JSON Schema editors use to autocomplete scenario files (written to `scenario.schema.json`). */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ScenarioSchema, { io: "input" }),
    title: "acs-sandbox scenario",
  };
}
