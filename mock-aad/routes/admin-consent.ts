import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import type { Resource } from "../directory.js";
import { AadError } from "../errors.js";
import type { AdminConsentInteraction, AppReturn } from "../interactions.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { registeredApp } from "../policy/app-visibility.js";
import { defaultRedirectUri, matchRedirectUri } from "../redirect-uris.js";
import type { AadState } from "../state.js";
import { deliverErrors, sendAadError, type AadErrorDelivery } from "./respond.js";
import {
  continueAs,
  decideSignedIn,
  interactionUser,
  beginBrowserSignIn,
  paramsOf,
  recordConsent,
  requestedClient,
  returnToApp,
  sendMessage,
  sessionUser,
  showConsent,
  showSignIn,
  type InteractionFlow,
  type Step,
} from "./interaction.js";

/*
 * Admin consent (reference §1.4): v1 `/{tenant}/adminconsent?client_id&redirect_uri&state` grants the
 * app's requiredResourceAccess; v2 `/{tenant}/v2.0/adminconsent?…&scope` grants the scopes named
 * (`/.default` ≙ v1). An admin of the tenant signs in and accepts; the tenant then holds the app's
 * service principal and a tenant-wide grant, and the app gets `admin_consent=True&tenant=<id>`.
 */

function consentRequest(step: Step): AdminConsentInteraction {
  return step.interaction.request as AdminConsentInteraction;
}

/**
 * Admin consent answers its app whenever there is a redirect URI, even for codes other flows show on
 * Entra's page (AADSTS50020 comes back as `access_denied`, reference §1.4); only "the admin has already
 * consented elsewhere" (90093) stays on the page.
 */
function consentDelivery(correlationId: string, target: AppReturn | undefined): AadErrorDelivery {
  return {
    kind: "browser",
    correlationId,
    ...(target ? { target } : {}),
    toApp: (err) => err.code !== "AADSTS90093",
  };
}

export function adminConsentFlow(ctx: AadContext, state: AadState): InteractionFlow {
  /** Answers the app when there is a redirect URI; otherwise the person sees the error. */
  const refuse = async (step: Step, err: AadError, extra: Record<string, string> = {}) => {
    const target = consentRequest(step).return;
    await state.interactions.finish(step.interaction);
    return sendAadError(step.request, step.reply, err, {
      clock: ctx.clock,
      delivery: consentDelivery(step.interaction.correlationId, target),
      extra,
    });
  };

  return {
    async signedIn(step) {
      const { interaction } = step;
      const req = consentRequest(step);
      const app = registeredApp(ctx.directory(), interaction.clientId)!;
      const scopes = req.scope
        ? [req.scope]
        : app.requiredResourceAccess.map((r) => `${r.resourceAppId}/.default`);
      const items: { resource: Resource; scopes: string[] }[] = [];
      for (const scope of scopes) {
        const decision = await decideSignedIn(ctx, interaction, "admin_consent", scope);
        if (decision.kind === "error") {
          const err = decision.error;
          // A user from another directory: the reference's observed answer is access_denied with 50020.
          if (err.code === "AADSTS50020") return refuse(step, err.withError("access_denied"));
          return refuse(step, err);
        }
        if (decision.kind === "grant") {
          items.push({ resource: decision.grant.resource, scopes: decision.grant.scopes });
        }
      }
      const signedIn = interactionUser(ctx, interaction)!;
      return showConsent(step, { app, user: signedIn.user, items, forOrganization: true });
    },

    async consented(step, accepted) {
      const { interaction } = step;
      const req = consentRequest(step);
      if (!accepted) {
        interaction.consent = undefined;
        // Observed (reference §1.4): access_denied, AADSTS65004, admin_consent=True, no tenant.
        return refuse(step, new AadError("AADSTS65004"), { admin_consent: "True" });
      }
      // The consent page of this flow asked for the organisation (forOrganization), never for one user.
      await recordConsent(ctx, interaction);
      interaction.consent = undefined;
      const signedIn = interactionUser(ctx, interaction)!;
      const app = registeredApp(ctx.directory(), interaction.clientId)!;
      await state.interactions.finish(interaction);
      if (!req.return) {
        return sendMessage(step.reply, 400, "Permissions granted", [
          `You granted ${app.displayName} the permissions it asked for, for everyone in ${signedIn.tenant.displayName}.`,
          new AadError("AADSTS500113").message,
        ]);
      }
      return returnToApp(step.reply, req.return, {
        admin_consent: "True",
        tenant: signedIn.tenant.id,
        ...(req.version === 2 ? { scope: req.scope } : {}),
      });
    },

    async returned(step) {
      return refuse(step, new AadError("AADSTS65004"), { admin_consent: "True" });
    },
  };
}

type AdminConsentRequest = FastifyRequest<{ Params: { tenant: string } }>;

export async function adminConsentRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  state: AadState,
  flow: InteractionFlow,
): Promise<void> {
  serveOperation(
    app,
    ENTRA_OPERATIONS.adminconsent,
    async (request: AdminConsentRequest, reply: FastifyReply) => {
      // v1 `/{tenant}/adminconsent` grants the app's requiredResourceAccess, v2 the scopes named.
      const version = (request.routeOptions.url ?? "").includes("/v2.0/") ? 2 : 1;
      const q = paramsOf(request.query);
      const correlationId = q["client-request-id"] ?? randomUUID();
      // Until the redirect URI is trusted, every error is Entra's page.
      deliverErrors(request, { kind: "browser", correlationId });
      const segment = request.params.tenant;
      const { registration } = requestedClient(ctx, segment, q.client_id);
      let target: AppReturn | undefined;
      if (q.redirect_uri) {
        if (!matchRedirectUri(registration, q.redirect_uri)) {
          throw new AadError("AADSTS50011", { redirectUri: q.redirect_uri, clientId: registration.clientId });
        }
        target = { redirectUri: q.redirect_uri, responseMode: "query", state: q.state };
      } else {
        // [infer] v1 without redirect_uri answers at the app's first registered reply address.
        const fallback = defaultRedirectUri(registration);
        target = fallback ? { redirectUri: fallback, responseMode: "query", state: q.state } : undefined;
      }
      deliverErrors(request, consentDelivery(correlationId, target));
      if (version === 2 && !q.scope) throw new AadError("AADSTS900144", { parameter: "scope" });
      const interaction = await beginBrowserSignIn(state, request, reply, {
        authority: segment,
        clientId: registration.clientId,
        correlationId,
        loginHint: q.login_hint,
        request: { kind: "admin_consent", version, scope: q.scope, return: target },
      });
      const step = { request, reply, interaction };
      const holder = await sessionUser(request, ctx, state);
      return holder ? continueAs(step, flow, holder) : showSignIn(step, ctx);
    },
  );
}
