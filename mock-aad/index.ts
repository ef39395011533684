import type { FastifyInstance, FastifyPluginAsync } from "fastify";
import type { AadContext } from "./context.js";
import { adminConsentFlow, adminConsentRoutes } from "./routes/admin-consent.js";
import { authorizeFlow, authorizeRoutes } from "./routes/authorize.js";
import { deviceFlow, deviceLoginRoutes } from "./routes/device-login.js";
import { discoveryRoutes } from "./routes/discovery.js";
import { interactionRoutes } from "./routes/interaction.js";
import { managedIdentityRoutes } from "./routes/managed-identity.js";
import { logoutRoutes } from "./routes/logout.js";
import { acceptAnyBody, installErrorHandler, notFoundRoutes } from "./routes/fallback.js";
import { entraHeaders } from "./routes/respond.js";
import { tokenRoutes } from "./routes/token.js";
import { userRealmRoutes } from "./routes/user-realm.js";
import { AadState } from "./state.js";
import { mockGraph, type MockGraph } from "./graph/index.js";

export type { AadContext } from "./context.js";
export { AadError, aadCatalog, type AadCode } from "./errors.js";
export { APP_SERVICE_IDENTITY_HEADER, machineIdentities } from "./managed-identity.js";
export { APP_SERVICE_TOKEN_PATH, IMDS_TOKEN_PATH } from "./routes/managed-identity.js";
export { decide, type PolicyDecision, type PolicyGrant, type PolicyRequest } from "./policy.js";
export { GRAPH_HOST, GRAPH_OPERATIONS, isGraphRequest, type MockGraph } from "./graph/index.js";

/** How often expired state is swept: at most once a minute of sandbox time on access, and every minute. */
const SWEEP_EVERY_MS = 60_000;

/**
 * Sweeps expired codes, sign-ins, sessions and refresh tokens on the sandbox clock: on a request when a
 * minute of sandbox time has passed since the last sweep (so an advanced clock sweeps at once), and on a
 * timer, so an idle sandbox lets go of them too.
 */
function sweepExpiredState(app: FastifyInstance, ctx: AadContext, state: AadState): void {
  let lastMs = ctx.clock.nowMs();
  const sweep = async () => {
    lastMs = ctx.clock.nowMs();
    await state.sweep();
  };
  app.addHook("onRequest", (_request, _reply, done) => {
    // Housekeeping: a store that is down now is swept by a later request.
    if (Math.abs(ctx.clock.nowMs() - lastMs) < SWEEP_EVERY_MS) return done();
    sweep()
      .catch(() => {})
      .finally(() => done());
  });
  // A sweep the timer starts while the store is down is simply missed: the next one catches up.
  const timer = setInterval(() => void sweep().catch(() => {}), SWEEP_EVERY_MS).unref();
  app.addHook("onClose", async () => clearInterval(timer));
}

/** The fake Entra ID as a fastify plugin, plus a way to forget its transient state (codes, sessions). */
export interface MockAad {
  plugin: FastifyPluginAsync;
  /** Transient state (refresh tokens, codes, device codes, sessions), for routes added beside these. */
  state: AadState;
  /** Microsoft Graph over the same directory, keys and clock (graph.microsoft.com), its own plugin. */
  graph: MockGraph;
  reset(): Promise<void>;
}

/**
 * Builds the fake Entra ID for one sandbox. The plugin is encapsulated (not fastify-plugin wrapped): its
 * body parsers, error handler and catch-all routes apply to Entra ID paths only.
 *
 * @example
 * const aad = mockAad(ctx);
 * await app.register(aad.plugin);
 */
export function mockAad(ctx: AadContext): MockAad {
  const state = new AadState(ctx.store, ctx.clock);
  return {
    state,
    graph: mockGraph(ctx),
    plugin: async (app: FastifyInstance) => {
      installErrorHandler(app, ctx);
      sweepExpiredState(app, ctx, state);
      acceptAnyBody(app);
      app.addHook("onRequest", (_request, reply, done) => {
        entraHeaders(reply);
        done();
      });
      // A sign-in page's changes to its sign-in are kept before the page goes out (interactions.ts).
      app.addHook("onSend", (request, _reply, payload, done) => {
        const saving = state.interactions.saveTracked(request);
        if (saving) saving.then(() => done(null, payload), done);
        else done(null, payload);
      });
      await discoveryRoutes(app, ctx);
      await tokenRoutes(app, ctx, state);
      await userRealmRoutes(app, ctx);
      await managedIdentityRoutes(app, ctx);
      const flows = {
        authorize: authorizeFlow(ctx, state),
        device: deviceFlow(ctx, state),
        admin_consent: adminConsentFlow(ctx, state),
      };
      await authorizeRoutes(app, ctx, state, flows.authorize);
      await deviceLoginRoutes(app, ctx, state, flows.device);
      await adminConsentRoutes(app, ctx, state, flows.admin_consent);
      await interactionRoutes(app, ctx, state, flows);
      await logoutRoutes(app, ctx, state);
      notFoundRoutes(app);
    },
    reset() {
      return state.reset();
    },
  };
}
