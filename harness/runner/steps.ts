import { durationMs } from "../../core/duration.js";
import type { Step } from "./scenario.js";
import { adminConsent } from "./actions/admin-consent.js";
import { createUser, deleteUser, exchange, issueToken, revokeTokens } from "./actions/acs.js";
import { exchangeEntraToken } from "./actions/acs-access.js";
import { signIn } from "./actions/sign-in.js";
import { worldEdits } from "./actions/world-edits.js";
import type { RunContext } from "./context.js";
import type { StepValue } from "./types.js";

type Handler<A extends Step["action"]> = (
  ctx: RunContext,
  args: Extract<Step, { action: A }>["args"],
) => Promise<StepValue>;

async function advanceClock(
  ctx: RunContext,
  args: Extract<Step, { action: "advanceClock" }>["args"],
): Promise<StepValue> {
  const by = typeof args === "object" ? args.by : args;
  await ctx.control.advanceClock(durationMs(by));
  return { kind: "none" };
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Adds a fault rule; `clientId` may name an app registration of the world. */
async function fault(ctx: RunContext, args: Extract<Step, { action: "fault" }>["args"]): Promise<StepValue> {
  const clientId =
    args.clientId !== undefined && !GUID.test(args.clientId)
      ? (await ctx.app(args.clientId)).clientId
      : args.clientId;
  await ctx.control.addFault({ ...args, ...(clientId !== undefined ? { clientId } : {}) });
  return { kind: "none" };
}

async function clearFaults(
  ctx: RunContext,
  args: Extract<Step, { action: "clearFaults" }>["args"],
): Promise<StepValue> {
  await ctx.control.clearFaults(args === true ? undefined : args.id);
  return { kind: "none" };
}

const HANDLERS: { [A in Step["action"]]: Handler<A> } = {
  signIn,
  adminConsent,
  exchange,
  exchangeEntraToken,
  createUser,
  issueToken,
  revokeTokens,
  deleteUser,
  advanceClock,
  fault,
  clearFaults,
  ...worldEdits,
};

/** Runs one step's action through the SDKs (or the World API), returning what it produced. */
export function performStep(ctx: RunContext, step: Step): Promise<StepValue> {
  return (HANDLERS[step.action] as Handler<Step["action"]>)(ctx, step.args as never);
}

/** One line saying what a step does, for reports: `signIn alice → contoso-teams (password)`. */
export function stepLabel(step: Step): string {
  const a = step.args as Record<string, unknown>;
  switch (step.action) {
    case "signIn":
      return `signIn ${a.user ?? "(app)"} → ${a.app} (${a.flow}${a.tenant ? `, tenant ${a.tenant}` : ""})`;
    case "adminConsent":
      return `adminConsent ${a.admin} ${a.approve ? "approves" : "refuses"} ${a.app} for ${a.tenant}`;
    case "exchange":
      return `exchange at ${a.acs}${a.token ? ` (${a.token})` : ""}${a.apiVersion ? ` api-version ${a.apiVersion}` : ""}`;
    case "exchangeEntraToken":
      return `exchangeEntraToken at ${a.acs}${a.token ? ` (${a.token})` : ""}${Array.isArray(a.scopes) ? ` for ${a.scopes.join(" ")}` : ""}`;
    case "fault": {
      const what = a.status ?? (a.latency ? "latency" : a.drop ? "drop" : "timeout");
      return `fault ${[a.service, a.operation].filter(Boolean).join(" ") || "any request"} → ${String(what)}${a.times ? ` ×${String(a.times)}` : ""}`;
    }
    case "advanceClock":
      return `advanceClock ${typeof step.args === "object" ? String(a.by) : String(step.args)}`;
    default:
      return [
        step.action,
        ...Object.values(a).flatMap((v) =>
          Array.isArray(v) ? [v.join(",")] : typeof v === "object" ? [] : [String(v)],
        ),
      ].join(" ");
  }
}
