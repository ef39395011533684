import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { recordOutcome } from "../../core/outcome.js";
import type { AadContext } from "../context.js";
import type { AppRegistration, Resource, User } from "../directory.js";
import { browserOf, COOKIES_BLOCKED, fromSameBrowser } from "../browser-binding.js";
import { AadError, entraTimestamp } from "../errors.js";
import type { Interaction } from "../interactions.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { adminApprovalPage } from "../pages/admin-approval.js";
import { consentPage } from "../pages/consent.js";
import { messagePage } from "../pages/message.js";
import { signInPage } from "../pages/sign-in.js";
import { decide, type ConsentPrompt, type PolicyDecision } from "../policy.js";
import { registeredApp, visibleApp } from "../policy/app-visibility.js";
import { resolveAuthority, type Authority } from "../policy/authority.js";
import { consentCountsForOrganization, consentEdit } from "../policy/consent.js";
import { accountById, signInWithPassword, type Account } from "../policy/sign-in.js";
import { SESSION_COOKIE } from "../sessions.js";
import type { AadState } from "../state.js";
import { sendPage } from "./browser-answer.js";

export { returnToApp, sendPage } from "./browser-answer.js";

/*
 * What the browser-facing flows (authorize, device login, admin consent) share: the sign-in form, the
 * consent form, the session cookie, and the three ways an answer reaches a person or an app: a page, a
 * redirect to the app, or an auto-posting form.
 */

/** Where the shared forms post. Real Entra posts its sign-in form to `/common/login` too. */
export const SIGN_IN_PATH = ENTRA_OPERATIONS.signInForm.urls[0];
export const CONSENT_PATH = ENTRA_OPERATIONS.consentForm.urls[0];
/** Links of the admin-approval page: "Return to the application…" and "Have an admin account?". */
export const REPROCESS_PATH = ENTRA_OPERATIONS.adminApprovalReturn.urls[0];

export interface Step {
  request: FastifyRequest;
  reply: FastifyReply;
  interaction: Interaction;
}

/** One browser flow: what happens once the person is known, and after they answer a consent prompt. */
export interface InteractionFlow {
  signedIn(step: Step): Promise<FastifyReply>;
  consented(step: Step, accepted: boolean): Promise<FastifyReply>;
  /** "Return to the application without granting consent" on the admin-approval page. */
  returned(step: Step): Promise<FastifyReply>;
}

/**
 * Starts a browser sign-in (authorize, admin consent) tied to this browser: refused with Entra's
 * throttling answer (AADSTS50196) when the client's address already has too many in progress.
 */
export async function beginBrowserSignIn(
  state: AadState,
  request: FastifyRequest,
  reply: FastifyReply,
  fields: Pick<Interaction, "authority" | "clientId" | "correlationId" | "loginHint" | "request">,
): Promise<Interaction> {
  const throttled = await state.interactions.throttle(request.ip);
  if (throttled) throw throttled;
  return state.interactions.start(
    { ...fields, browser: browserOf(request, reply), clientAddress: request.ip },
    request,
  );
}

/** Query or form parameters as single strings (a repeated parameter keeps its first value). */
export function paramsOf(source: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  if (typeof source !== "object" || source === null) return out;
  for (const [key, value] of Object.entries(source as Record<string, unknown>)) {
    const first = Array.isArray(value) ? value[0] : value;
    out[key] = typeof first === "string" ? first : undefined;
  }
  return out;
}

export function sendMessage(reply: FastifyReply, status: number, title: string, paragraphs: string[]) {
  return sendPage(reply, status, messagePage(title, paragraphs));
}

/** A post without the cookies of the browser that started the sign-in: Entra's "allow cookies" page. */
export function cookiesBlocked(reply: FastifyReply): FastifyReply {
  return sendMessage(reply, COOKIES_BLOCKED.status, COOKIES_BLOCKED.title, [COOKIES_BLOCKED.message]);
}

/** The signed-in person of this browser, from the session cookie, if they still exist. */
export async function sessionUser(
  request: FastifyRequest,
  ctx: AadContext,
  state: AadState,
): Promise<Account | undefined> {
  const session = await state.sessions.get(request.cookies[SESSION_COOKIE]);
  return session
    ? accountById(ctx.directory(), { tenantId: session.tenantId, objectId: session.userObjectId })
    : undefined;
}

/** Signing in to the app `clientId` begins the browser's session. */
export async function startSession(
  reply: FastifyReply,
  state: AadState,
  user: User,
  clientId: string,
): Promise<void> {
  const id = await state.sessions.create(user.tenantId, user.objectId, clientId);
  reply.setCookie(SESSION_COOKIE, id, { path: "/", httpOnly: true, secure: true, sameSite: "none" });
}

/** The display name of the app an interaction is for (its client id when the app is gone). */
export function appNameOf(ctx: AadContext, clientId: string): string {
  return registeredApp(ctx.directory(), clientId)?.displayName ?? clientId;
}

/**
 * What a browser-facing request must name before anything is shown: an existing tenant (or a
 * multi-tenant segment), a client id, and an app visible from that tenant. Throws 90002, 900144 or
 * 700016, which each route renders its own way (error page, or JSON for the device code request).
 */
export function requestedClient(
  ctx: AadContext,
  segment: string,
  clientId: string | undefined,
): { authority: Authority; registration: AppRegistration } {
  const authority = resolveAuthority(ctx.directory(), segment);
  if (!clientId) throw new AadError("AADSTS900144", { parameter: "client_id" });
  return { authority, registration: visibleApp(ctx.directory(), clientId, authority, segment) };
}

/** The signed-in person of an interaction, if they still exist. */
export function interactionUser(ctx: AadContext, interaction: Interaction): Account | undefined {
  return interaction.user ? accountById(ctx.directory(), interaction.user) : undefined;
}

/** Asks the policy about the interaction's signed-in person, at the interactive channel. */
export function decideSignedIn(
  ctx: AadContext,
  interaction: Interaction,
  flow: "authorize" | "device_code" | "admin_consent",
  scope: string,
): Promise<PolicyDecision> {
  return decide(
    {
      flow,
      channel: "authorize",
      authority: interaction.authority,
      clientId: interaction.clientId,
      subject: { kind: "user", ...interaction.user! },
      scope,
      now: ctx.clock.now(),
    },
    ctx.directory(),
  );
}

/** The person is known (session or sign-in): the flow goes on as them. */
export function continueAs(step: Step, flow: InteractionFlow, account: Account): Promise<FastifyReply> {
  step.interaction.user = { tenantId: account.tenant.id, objectId: account.user.objectId };
  return flow.signedIn(step);
}

export function showSignIn(step: Step, ctx: AadContext, error?: AadError, typed?: string): FastifyReply {
  if (error) recordOutcome(step.request, error.code);
  return sendPage(
    step.reply,
    error ? 400 : 200,
    signInPage({
      action: SIGN_IN_PATH,
      fields: { ctx: step.interaction.id },
      appName: appNameOf(ctx, step.interaction.clientId),
      loginHint: typed ?? step.interaction.loginHint,
      error: error
        ? { code: error.number, message: error.message.slice(`${error.code}: `.length) }
        : undefined,
    }),
  );
}

/** What a consent page asks for: scopes on one or more resources, for one user or the organisation. */
export interface ConsentRequest {
  app: AppRegistration;
  user: User;
  items: { resource: Resource; scopes: string[] }[];
  forOrganization: boolean;
}

/** The consent a policy prompt asks for, as a page request. */
export function consentFromPrompt(prompt: ConsentPrompt, forOrganization: boolean): ConsentRequest {
  return {
    app: prompt.app,
    user: prompt.user,
    items: [{ resource: prompt.resource, scopes: prompt.requested }],
    forOrganization,
  };
}

/** Shows "Permissions requested" and remembers what accepting grants. */
export function showConsent(step: Step, consent: ConsentRequest): FastifyReply {
  step.interaction.consent = {
    grants: consent.items.map((i) => ({ resourceAppId: i.resource.appId, scopes: i.scopes })),
    forOrganization: consent.forOrganization,
  };
  return sendPage(
    step.reply,
    200,
    consentPage({
      action: CONSENT_PATH,
      fields: { ctx: step.interaction.id },
      appName: consent.app.displayName,
      publisherVerified: consent.app.verifiedPublisher,
      userUpn: consent.user.upn,
      permissions: consent.items.flatMap((i) =>
        i.scopes.map((name) => ({
          displayName: i.resource.scopes.find((s) => s.name === name)?.displayName ?? name,
          resource: i.resource.displayName,
        })),
      ),
      forOrganization: consent.forOrganization,
    }),
  );
}

/** AADSTS90094 "Need admin approval"; its links come back here (`/common/reprocess`) to answer the app. */
export function showAdminApproval(step: Step, ctx: AadContext, appName: string): FastifyReply {
  recordOutcome(step.request, "AADSTS90094");
  const link = (decision: string) =>
    `${REPROCESS_PATH}?${new URLSearchParams({ ctx: step.interaction.id, decision })}`;
  return sendPage(
    step.reply,
    200,
    adminApprovalPage({
      appName,
      // The page's details line is the catalog message's first sentence.
      detail: new AadError("AADSTS90094", { appName }).message.replace(/\.\s.*$/s, "."),
      returnUrl: link("cancel"),
      adminSignInUrl: link("admin"),
      correlationId: step.interaction.correlationId,
      timestamp: entraTimestamp(ctx.clock.now()),
    }),
  );
}

/**
 * A consent prompt of the policy, shown: "Need admin approval" (90094) when nobody signing in may
 * consent, the consent page otherwise, for the organisation when the policy says an admin's answer
 * counts for it.
 */
export function askConsent(
  step: Step,
  ctx: AadContext,
  prompt: ConsentPrompt,
  promptParam: string | undefined,
): FastifyReply {
  if (prompt.blocked) return showAdminApproval(step, ctx, prompt.app.displayName);
  return showConsent(step, consentFromPrompt(prompt, consentCountsForOrganization(prompt, promptParam)));
}

/**
 * Records what the person accepted on the consent page in their tenant: for the organisation, or for
 * them only.
 */
export async function recordConsent(ctx: AadContext, interaction: Interaction): Promise<void> {
  const consent = interaction.consent;
  const signedIn = interactionUser(ctx, interaction);
  const app = registeredApp(ctx.directory(), interaction.clientId);
  if (!consent || !signedIn || !app) return;
  for (const g of consent.grants) {
    await ctx.editDirectory(
      consentEdit({
        tenant: signedIn.tenant,
        app,
        resourceAppId: g.resourceAppId,
        scopes: g.scopes,
        user: consent.forOrganization ? undefined : signedIn.user,
      }),
    );
  }
}

/** The sign-in and consent forms, shared by every flow; each interaction names the flow it belongs to. */
export async function interactionRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  state: AadState,
  flows: Record<Interaction["request"]["kind"], InteractionFlow>,
): Promise<void> {
  const lost = (reply: FastifyReply) =>
    sendMessage(reply, 400, "Sign-in session expired", [
      "This sign-in page is no longer valid. Go back to the application and sign in again.",
    ]);
  const foreign = (request: FastifyRequest, interaction: Interaction) =>
    !fromSameBrowser(request, interaction);

  serveOperation(app, ENTRA_OPERATIONS.signInForm, async (request, reply) => {
    const form = paramsOf(request.body);
    const interaction = await state.interactions.get(form.ctx, request);
    if (!interaction) return lost(reply);
    if (foreign(request, interaction)) return cookiesBlocked(reply);
    const step = { request, reply, interaction };
    const login = (form.login ?? "").trim();
    let account: Account;
    try {
      account = await signInWithPassword(
        ctx.directory(),
        state.lockouts,
        login,
        form.passwd,
        interaction.authority,
      );
    } catch (err) {
      if (err instanceof AadError) return showSignIn(step, ctx, err, login);
      throw err;
    }
    await startSession(reply, state, account.user, interaction.clientId);
    return continueAs(step, flows[interaction.request.kind], account);
  });

  serveOperation(app, ENTRA_OPERATIONS.consentForm, async (request, reply) => {
    const form = paramsOf(request.body);
    const interaction = await state.interactions.get(form.ctx, request);
    if (!interaction?.consent || !interaction.user) return lost(reply);
    if (foreign(request, interaction)) return cookiesBlocked(reply);
    return flows[interaction.request.kind].consented(
      { request, reply, interaction },
      form.decision === "accept",
    );
  });

  serveOperation(app, ENTRA_OPERATIONS.adminApprovalReturn, async (request, reply) => {
    const query = paramsOf(request.query);
    const interaction = await state.interactions.get(query.ctx, request);
    if (!interaction) return lost(reply);
    if (foreign(request, interaction)) return cookiesBlocked(reply);
    const step = { request, reply, interaction };
    if (query.decision === "admin") {
      interaction.user = undefined;
      interaction.loginHint = undefined;
      return showSignIn(step, ctx);
    }
    return flows[interaction.request.kind].returned(step);
  });
}
