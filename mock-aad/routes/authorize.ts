import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import { AadError } from "../errors.js";
import type { AppReturn, AuthorizeInteraction } from "../interactions.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { consentCountsForOrganization } from "../policy/consent.js";
import { matchRedirectUri } from "../redirect-uris.js";
import { SESSION_COOKIE } from "../sessions.js";
import type { AadState } from "../state.js";
import { deliverErrors, sendAadError, type AadErrorDelivery } from "./respond.js";
import { clientInfo } from "../tokens.js";
import {
  askConsent,
  continueAs,
  decideSignedIn,
  beginBrowserSignIn,
  paramsOf,
  recordConsent,
  requestedClient,
  returnToApp,
  sessionUser,
  showConsent,
  showSignIn,
  type InteractionFlow,
  type Step,
} from "./interaction.js";

/*
 * GET /{tenant}/oauth2/v2.0/authorize (reference §1.2): checks what it must before it may redirect
 * (tenant, app, redirect URI: an error page otherwise), signs the person in (or finds their session),
 * asks the policy, and answers the app with a code or an error, in the response mode it asked for.
 */

function responseModeOf(value: string | undefined): AppReturn["responseMode"] {
  return value === "fragment" || value === "form_post" ? value : "query";
}

function authorizeRequest(step: Step): AuthorizeInteraction {
  return step.interaction.request as AuthorizeInteraction;
}

/** Once the redirect URI is trusted, errors go to the app when the catalog says so, else to Entra's page. */
function toTheApp(correlationId: string, target: AppReturn): AadErrorDelivery {
  return { kind: "browser", correlationId, target };
}

export function authorizeFlow(ctx: AadContext, state: AadState): InteractionFlow {
  const flow: InteractionFlow = {
    async signedIn(step) {
      const { interaction } = step;
      const req = authorizeRequest(step);
      const fail = (err: AadError) =>
        sendAadError(step.request, step.reply, err, {
          clock: ctx.clock,
          delivery: toTheApp(interaction.correlationId, req.return),
        });
      const decision = await decideSignedIn(ctx, interaction, "authorize", req.scope);
      if (decision.kind === "error") return fail(decision.error);
      if (decision.kind === "consent") {
        const { prompt } = decision;
        if (req.prompt === "none") {
          // [infer] A silent request that needs consent: MSAL reads `consent_required` as interaction required.
          return fail(
            new AadError("AADSTS65001", {
              clientId: prompt.app.clientId,
              appName: prompt.app.displayName,
            }).withError("consent_required"),
          );
        }
        return askConsent(step, ctx, prompt, req.prompt);
      }
      const { grant } = decision;
      const user = grant.user!;
      if (req.prompt === "consent" && grant.resource && !grant.signInOnly) {
        // prompt=consent asks again even when consent exists (with it, only being an admin decides the scope).
        return showConsent(step, {
          app: grant.app,
          user,
          items: [{ resource: grant.resource, scopes: grant.scopes }],
          forOrganization: consentCountsForOrganization(
            { adminMayConsent: user.isAdmin, userMayConsent: true },
            req.prompt,
          ),
        });
      }
      const code = await state.authorizationCodes.issue({
        clientId: grant.app.clientId,
        tenantId: grant.tenant.id,
        userObjectId: user.objectId,
        scopes: req.scope.split(/\s+/).filter(Boolean),
        redirectUri: req.return.redirectUri,
        platform: req.platform,
        codeChallenge: req.codeChallenge,
        codeChallengeMethod: req.codeChallengeMethod,
        nonce: req.nonce,
        authoritySegment: interaction.authority,
      });
      await state.interactions.finish(interaction);
      return returnToApp(step.reply, req.return, {
        code,
        client_info: req.clientInfo ? clientInfo(user) : undefined,
        session_state: randomUUID(),
      });
    },

    async consented(step, accepted) {
      const { interaction } = step;
      const req = authorizeRequest(step);
      if (!accepted) {
        interaction.consent = undefined;
        await state.interactions.finish(interaction);
        return sendAadError(step.request, step.reply, new AadError("AADSTS65004"), {
          clock: ctx.clock,
          delivery: toTheApp(interaction.correlationId, req.return),
        });
      }
      await recordConsent(ctx, interaction);
      interaction.consent = undefined;
      req.prompt = undefined;
      return flow.signedIn(step);
    },

    async returned(step) {
      const req = authorizeRequest(step);
      await state.interactions.finish(step.interaction);
      // [infer] The description: the reference gives only `error=access_denied&error_subcode=cancel`.
      return sendAadError(step.request, step.reply, new AadError("AADSTS65004"), {
        clock: ctx.clock,
        delivery: toTheApp(step.interaction.correlationId, req.return),
        extra: { error_subcode: "cancel" },
      });
    },
  };
  return flow;
}

type AuthorizeRequest = FastifyRequest<{ Params: { tenant: string } }>;

export async function authorizeRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  state: AadState,
  flow: InteractionFlow,
): Promise<void> {
  serveOperation(app, ENTRA_OPERATIONS.authorize, async (request: AuthorizeRequest, reply: FastifyReply) => {
    const q = paramsOf(request.query);
    const correlationId = q["client-request-id"] ?? randomUUID();
    // Until the redirect URI is trusted, every error is Entra's page.
    deliverErrors(request, { kind: "browser", correlationId });
    const segment = request.params.tenant;
    const { registration } = requestedClient(ctx, segment, q.client_id);
    if (!q.redirect_uri) throw new AadError("AADSTS900971");
    const match = matchRedirectUri(registration, q.redirect_uri);
    if (!match) {
      throw new AadError("AADSTS50011", { redirectUri: q.redirect_uri, clientId: registration.clientId });
    }

    // From here the redirect URI is trusted: errors go back to the app, with its state.
    const target: AppReturn = {
      redirectUri: q.redirect_uri,
      responseMode: responseModeOf(q.response_mode),
      state: q.state,
    };
    deliverErrors(request, toTheApp(correlationId, target));
    if (!q.response_type) throw new AadError("AADSTS900144", { parameter: "response_type" });
    if (q.response_type !== "code") throw new AadError("AADSTS70005", { responseType: q.response_type });
    if (!q.scope) throw new AadError("AADSTS900144", { parameter: "scope" });
    const interaction = await beginBrowserSignIn(state, request, reply, {
      authority: segment,
      clientId: registration.clientId,
      correlationId,
      loginHint: q.login_hint,
      request: {
        kind: "authorize",
        scope: q.scope,
        platform: match.platform,
        codeChallenge: q.code_challenge,
        codeChallengeMethod: q.code_challenge_method,
        nonce: q.nonce,
        prompt: q.prompt,
        clientInfo: q.client_info === "1",
        return: target,
      },
    });
    const step = { request, reply, interaction };
    const sessionHolder = await sessionUser(request, ctx, state);
    if (q.prompt === "none" && !sessionHolder) {
      await state.interactions.finish(interaction);
      throw new AadError("AADSTS50058");
    }
    // domain_hint names the home realm of a federated sign-in; every sandbox user is managed, so it changes nothing.
    const hintedSomeoneElse =
      q.login_hint !== undefined &&
      sessionHolder !== undefined &&
      q.login_hint.toLowerCase() !== sessionHolder.user.upn.toLowerCase();
    if (!sessionHolder || q.prompt === "login" || q.prompt === "select_account" || hintedSomeoneElse) {
      // [infer] select_account shows the sign-in page with the signed-in account filled in, not an account picker.
      if (q.prompt === "select_account" && sessionHolder && !q.login_hint) {
        interaction.loginHint = sessionHolder.user.upn;
      }
      return showSignIn(step, ctx);
    }
    await state.sessions.signInTo(request.cookies[SESSION_COOKIE], registration.clientId);
    return continueAs(step, flow, sessionHolder);
  });
}
