import * as z from "zod";
import { SERVICE_TITLES, type ServiceName } from "../../../core/operations.js";
import { OPERATION_NAMES, OPERATIONS, SERVICES, operationsChosenBy } from "../../sandbox/operations.js";

/*
 * A fault rule: which requests it catches (service, operation, client, method, path), when (a
 * probability, a count, a window on the sandbox clock) and what it does instead of the normal answer
 * (a status with the service's own error body, latency, a dropped connection, a held connection).
 * The same schema checks `POST /_sandbox/faults`, the scenario step `fault:` and the test helpers.
 */

/** The services a rule can name. */
export type Service = ServiceName;

/** What the schema says a rule's `operation` may be: every declared name, by service, and the groups. */
function operationHelp(): string {
  const byService = SERVICES.map(
    (service) =>
      `${service}: ${OPERATIONS.filter((o) => o.service === service)
        .map((o) => o.name)
        .join(", ")}`,
  );
  const groups = [...new Set(OPERATIONS.flatMap((o) => (o.group ? [o.group] : [])))].map(
    (group) =>
      `${group} (${operationsChosenBy(group)
        .map((o) => o.name)
        .join(", ")})`,
  );
  return `A declared operation (GET /_sandbox/operations). ${byService.join(". ")}. Groups: ${groups.join(", ")}`;
}

// Strings only: scenario files count plain numbers in seconds and the admin API in milliseconds, so a
// unit-less number would mean different things in the two places a rule is written.
const Duration = z
  .string()
  .regex(/^(\d+(\.\d+)?(ms|d|h|m|s))+$/, 'expected a duration such as "2s" or "150ms"')
  .describe('A duration: "150ms", "2s", "1m", "1h30m"');

const Latency = z.union([
  Duration,
  z.strictObject({ min: Duration, max: Duration }).describe("A random latency between min and max"),
]);

export const FaultRuleSchema = z
  .strictObject({
    id: z
      .string()
      .regex(/^[\w.-]{1,64}$/, "expected letters, digits, '.', '_' or '-'")
      .optional()
      .describe("Names the rule (default: fault-1, fault-2, …)"),
    service: z
      .enum(SERVICES as [ServiceName, ...ServiceName[]])
      .optional()
      .describe(`The service: ${SERVICES.join(", ")}; default all`),
    operation: z
      .enum(OPERATION_NAMES as [string, ...string[]])
      .optional()
      .describe(operationHelp()),
    clientId: z
      .string()
      .min(1)
      .optional()
      .describe("Only requests of this client: Entra `client_id`, or the `appId` an ACS exchange sends"),
    method: z.string().min(1).optional().describe("HTTP method, e.g. POST"),
    path: z.string().min(1).optional().describe("A substring of the request path"),

    status: z
      .number()
      .int()
      .min(400)
      .max(599)
      .optional()
      .describe("Answer with this status and the service's error body (429, 500, 503, …)"),
    retryAfter: z
      .union([z.number().nonnegative(), z.literal(false)])
      .optional()
      .describe("Seconds for the Retry-After header (default 1 on 429 and 503); false sends none"),
    latency: Latency.optional().describe(
      "Answer normally after this delay (fixed, or random within min..max)",
    ),
    drop: z.literal(true).optional().describe("Close the connection without an answer"),
    timeout: Duration.optional().describe("Hold the connection without an answer this long, then close it"),

    probability: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe("Chance each matching request is hit (default 1)"),
    times: z.number().int().positive().optional().describe("Hit only the next N matching requests"),
    after: Duration.optional().describe("Start this long after the rule is added, on the sandbox clock"),
    for: Duration.optional().describe("Stop this long after the rule starts, on the sandbox clock"),
    from: z.iso.datetime({ offset: true }).optional().describe("Start at this sandbox time"),
    until: z.iso.datetime({ offset: true }).optional().describe("Stop at this sandbox time"),
    seed: z
      .number()
      .int()
      .optional()
      .describe("Seed of the rule's random choices (default 1): same seed, same hits"),
  })
  .superRefine((rule, ctx) => {
    const actions = (["status", "latency", "drop", "timeout"] as const).filter((k) => rule[k] !== undefined);
    if (actions.length !== 1) {
      ctx.addIssue({
        code: "custom",
        message:
          actions.length === 0
            ? "a fault needs one of status, latency, drop or timeout"
            : `a fault does one thing: found ${actions.join(" and ")}`,
      });
    }
    if (rule.retryAfter !== undefined && rule.status === undefined)
      ctx.addIssue({ code: "custom", path: ["retryAfter"], message: "retryAfter goes with status" });
    if (
      rule.service !== undefined &&
      rule.operation !== undefined &&
      !operationsChosenBy(rule.operation).some((o) => o.service === rule.service)
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["operation"],
        message: `operation "${rule.operation}" is not a ${SERVICE_TITLES[rule.service]} operation`,
      });
    }
    if (rule.after !== undefined && rule.from !== undefined)
      ctx.addIssue({ code: "custom", path: ["after"], message: "give after or from, not both" });
    if (rule.for !== undefined && rule.until !== undefined)
      ctx.addIssue({ code: "custom", path: ["for"], message: "give for or until, not both" });
  })
  .describe("A fault rule: which requests, when, and what happens instead of the normal answer");

/** A rule as written (admin API body, scenario step, test helper). */
export type FaultRuleInput = z.input<typeof FaultRuleSchema>;
export type FaultRuleSpec = z.output<typeof FaultRuleSchema>;

export type FaultKind = "status" | "latency" | "drop" | "timeout";

/** What a journal entry says about the fault that changed its answer. */
export interface FaultMark {
  id: string;
  kind: FaultKind;
}

export function kindOf(rule: FaultRuleSpec): FaultKind {
  if (rule.status !== undefined) return "status";
  if (rule.latency !== undefined) return "latency";
  if (rule.drop) return "drop";
  return "timeout";
}

/** Turns zod's issues into one line per field, for a 400 answer or a scenario error. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(rule)"}: ${i.message}`).join("; ");
}
