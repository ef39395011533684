import { parseDuration } from "../../core/duration.js";
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
  await ctx.control.advanceClock(typeof by === "number" ? by * 1000 : parseDuration(by));
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
