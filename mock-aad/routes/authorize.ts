import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { browserOf } from "../browser-binding.js";
import type { AadContext } from "../context.js";
import type { AppRegistration } from "../directory.js";
import { AadError, browserChannel } from "../errors.js";
import type { AppReturn, AuthorizeInteraction } from "../interactions.js";
import { decide, type ConsentPrompt } from "../policy.js";
import { matchRedirectUri } from "../redirect-uris.js";
import type { AadState } from "../state.js";
import { clientInfo } from "../tokens.js";
import {
  appOf,
  consentFromPrompt,
  errorToApp,
  paramsOf,
  returnToApp,
  sendErrorPage,
  sessionUser,
  showAdminApproval,
  showConsent,
  showSignIn,
  storeConsent,
  userOf,
  type InteractionFlow,
  type Step,
  requestedClient,
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

/** [infer] An admin's consent counts for the organisation when asked with prompt=consent or when users may not consent. */
function consentsForOrganization(prompt: ConsentPrompt, promptParam: string | undefined): boolean {
  return prompt.adminMayConsent && (promptParam === "consent" || !prompt.userMayConsent);
}

export function authorizeFlow(ctx: AadContext, state: AadState): InteractionFlow {
  const flow: InteractionFlow = {
    async signedIn(step) {
      const { interaction } = step;
      const req = authorizeRequest(step);
      const fail = (err: AadError) =>
        browserChannel(err.code) === "page"
          ? sendErrorPage(step, ctx, err, interaction.correlationId)
          : errorToApp(step, ctx, req.return, err, interaction.correlationId);
      const decision = await decide(
        {
          flow: "authorize",
          channel: "authorize",
          authority: interaction.authority,
          clientId: interaction.clientId,
          subject: { kind: "user", ...interaction.user! },
          scope: req.scope,
          now: ctx.clock.now(),
        },
        ctx.directory(),
      );
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
        if (prompt.blocked) return showAdminApproval(step, ctx, prompt.app.displayName);
        return showConsent(step, consentFromPrompt(prompt, consentsForOrganization(prompt, req.prompt)));
      }
      const { grant } = decision;
      const user = grant.user!;
      if (req.prompt === "consent" && grant.resource && !grant.signInOnly) {
        // prompt=consent asks again even when consent exists.
        return showConsent(step, {
          app: grant.app,
          user,
          items: [{ resource: grant.resource, scopes: grant.scopes }],
          forOrganization: user.isAdmin,
        });
      }
      const code = state.authorizationCodes.issue({
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
      state.interactions.finish(interaction.id);
      return returnToApp(step.reply, req.return, {
        code,
        client_info: req.clientInfo ? clientInfo(user) : undefined,
        session_state: randomUUID(),
      });
    },

    async consented(step, accepted) {
      const { interaction } = step;
      const req = authorizeRequest(step);
      const consent = interaction.consent!;
      interaction.consent = undefined;
      if (!accepted) {
        state.interactions.finish(interaction.id);
        return errorToApp(step, ctx, req.return, new AadError("AADSTS65004"), interaction.correlationId);
      }
      const signedIn = userOf(ctx, interaction.user!);
      const app = appOf(ctx, interaction.clientId);
      if (signedIn && app) {
        for (const g of consent.grants) {
          storeConsent(ctx, signedIn.tenant, app, g, consent.forOrganization ? undefined : signedIn.user);
        }
      }
      req.prompt = undefined;
      return flow.signedIn(step);
    },

    async returned(step) {
      const req = authorizeRequest(step);
      state.interactions.finish(step.interaction.id);
      // [infer] The description: the reference gives only `error=access_denied&error_subcode=cancel`.
      return errorToApp(step, ctx, req.return, new AadError("AADSTS65004"), step.interaction.correlationId, {
        error_subcode: "cancel",
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
  app.get("/:tenant/oauth2/v2.0/authorize", async (request: AuthorizeRequest, reply: FastifyReply) => {
    const q = paramsOf(request.query);
    const correlationId = q["client-request-id"] ?? randomUUID();
    const page = (err: AadError) => sendErrorPage({ request, reply }, ctx, err, correlationId);
    const segment = request.params.tenant;
    let registration: AppRegistration;
    try {
      ({ registration } = requestedClient(ctx, segment, q.client_id));
    } catch (err) {
      if (err instanceof AadError) return page(err);
      throw err;
    }
    if (!q.redirect_uri) return page(new AadError("AADSTS900971"));
    const match = matchRedirectUri(registration, q.redirect_uri);
    if (!match) {
      return page(
        new AadError("AADSTS50011", { redirectUri: q.redirect_uri, clientId: registration.clientId }),
      );
    }

    // From here the redirect URI is trusted: errors go back to the app, with its state.
    const target: AppReturn = {
      redirectUri: q.redirect_uri,
      responseMode: responseModeOf(q.response_mode),
      state: q.state,
    };
    const toApp = (err: AadError) => errorToApp({ request, reply }, ctx, target, err, correlationId);
    if (!q.response_type) return toApp(new AadError("AADSTS900144", { parameter: "response_type" }));
    if (q.response_type !== "code")
      return toApp(new AadError("AADSTS70005", { responseType: q.response_type }));
    if (!q.scope) return toApp(new AadError("AADSTS900144", { parameter: "scope" }));
    const throttled = state.interactions.throttle(request.ip);
    if (throttled) return toApp(throttled);

    const interaction = state.interactions.start({
      browser: browserOf(request, reply),
      clientAddress: request.ip,
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
    const sessionHolder = sessionUser(request, ctx, state);
    if (q.prompt === "none" && !sessionHolder) {
      state.interactions.finish(interaction.id);
      return toApp(new AadError("AADSTS50058"));
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
    interaction.user = { tenantId: sessionHolder.tenant.id, objectId: sessionHolder.user.objectId };
    return flow.signedIn(step);
  });
}
