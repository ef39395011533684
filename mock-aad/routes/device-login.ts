import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import { browserOf, fromSameBrowser } from "../browser-binding.js";
import type { AadContext } from "../context.js";
import { DEVICE_CODE_INTERVAL_S, DEVICE_CODE_LIFETIME_S } from "../device-codes.js";
import { AadError } from "../errors.js";
import type { DeviceInteraction } from "../interactions.js";
import { ENTRA_OPERATIONS } from "../operations.js";
import { confirmDevicePage, enterCodePage } from "../pages/device-code.js";
import { parseScopes } from "../scopes.js";
import type { AadState } from "../state.js";
import {
  appNameOf,
  askConsent,
  continueAs,
  cookiesBlocked,
  decideSignedIn,
  paramsOf,
  recordConsent,
  requestedClient,
  sendMessage,
  sendPage,
  sessionUser,
  showSignIn,
  type InteractionFlow,
  type Step,
} from "./interaction.js";
import { sendAadError, tokenHeaders } from "./respond.js";

/*
 * Device code flow, browser side (reference §1.3): the device asks /devicecode for a user code, the
 * person types it at the verification page, signs in, confirms and consents; the device meanwhile polls
 * the token endpoint (grants/device-code.ts).
 */

/**
 * [infer] Entra's verification URI is https://microsoft.com/devicelogin, a redirect to this page. The
 * sandbox names its own page, so a person (or the headless user) reaches it in both modes.
 */
export const DEVICE_AUTH_PATH = ENTRA_OPERATIONS.deviceCodePage.urls[0];
const CONFIRM_PATH = ENTRA_OPERATIONS.deviceCodeConfirm.urls[0];

function deviceRequest(step: Step): DeviceInteraction {
  return step.interaction.request as DeviceInteraction;
}

function signedInMessage(reply: FastifyReply, name: string) {
  return sendMessage(reply, 200, name, [
    `You have signed in to the ${name} application on your device. You may now close this window.`,
  ]);
}

function declinedMessage(reply: FastifyReply, name: string) {
  return sendMessage(reply, 200, name, [
    `You have not signed in to the ${name} application on your device. You may now close this window.`,
  ]);
}

export function deviceFlow(ctx: AadContext, state: AadState): InteractionFlow {
  const decline = async (step: Step) => {
    await state.deviceCodes.decline(deviceRequest(step).deviceCode);
    await state.interactions.finish(step.interaction);
    return declinedMessage(step.reply, appNameOf(ctx, step.interaction.clientId));
  };
  const flow: InteractionFlow = {
    async signedIn(step) {
      const { interaction } = step;
      const req = deviceRequest(step);
      const name = appNameOf(ctx, interaction.clientId);
      if (!req.confirmed) {
        return sendPage(step.reply, 200, confirmDevicePage(CONFIRM_PATH, { ctx: interaction.id }, name));
      }
      const decision = await decideSignedIn(ctx, interaction, "device_code", req.scope);
      // The device cannot be redirected to: every refusal is shown to the person, the device keeps polling.
      if (decision.kind === "error") {
        return sendAadError(step.request, step.reply, decision.error, {
          clock: ctx.clock,
          delivery: { kind: "browser", correlationId: interaction.correlationId },
        });
      }
      // There is no prompt parameter on a device code request.
      if (decision.kind === "consent") return askConsent(step, ctx, decision.prompt, undefined);
      await state.deviceCodes.approve(
        req.deviceCode,
        decision.grant.tenant.id,
        decision.grant.user!.objectId,
      );
      await state.interactions.finish(interaction);
      return signedInMessage(step.reply, name);
    },

    async consented(step, accepted) {
      if (accepted) await recordConsent(ctx, step.interaction);
      step.interaction.consent = undefined;
      return accepted ? flow.signedIn(step) : decline(step);
    },

    async returned(step) {
      return decline(step);
    },
  };
  return flow;
}

type DeviceCodeRequest = FastifyRequest<{ Params: { tenant: string } }>;

export async function deviceLoginRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  state: AadState,
  flow: InteractionFlow,
): Promise<void> {
  serveOperation(app, ENTRA_OPERATIONS.devicecode, async (request: DeviceCodeRequest, reply) => {
    const body = paramsOf(request.body);
    const segment = request.params.tenant;
    const { registration } = requestedClient(ctx, segment, body.client_id);
    if (!body.scope) throw new AadError("AADSTS900144", { parameter: "scope" });
    parseScopes(body.scope);
    const { deviceCode, userCode } = await state.deviceCodes.issue({
      clientId: registration.clientId,
      scopes: body.scope.split(/\s+/).filter(Boolean),
      authoritySegment: segment,
    });
    const verificationUri = `${ctx.publicOrigin(request)}${DEVICE_AUTH_PATH}`;
    return tokenHeaders(reply, randomUUID())
      .code(200)
      .send({
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: DEVICE_CODE_LIFETIME_S,
        interval: ctx.deviceCodeIntervalS ?? DEVICE_CODE_INTERVAL_S,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      });
  });

  // The short address people are told to open.
  serveOperation(app, ENTRA_OPERATIONS.deviceLogin, async (_request, reply) =>
    reply.redirect(DEVICE_AUTH_PATH),
  );

  serveOperation(app, ENTRA_OPERATIONS.deviceCodePage, async (_request, reply) =>
    sendPage(reply, 200, enterCodePage(DEVICE_AUTH_PATH)),
  );

  serveOperation(app, ENTRA_OPERATIONS.deviceCodeEntry, async (request, reply) => {
    const typed = paramsOf(request.body).otc ?? "";
    const found = await state.deviceCodes.findPending(typed);
    if (found === undefined || found === "expired") {
      const err = found === "expired" ? new AadError("AADSTS70019") : new AadError("AADSTS70018");
      const message = err.message.slice(`${err.code}: `.length);
      return sendPage(reply, 400, enterCodePage(DEVICE_AUTH_PATH, { code: err.number, message }));
    }
    const interaction = await state.interactions.start(
      {
        browser: browserOf(request, reply),
        clientAddress: request.ip,
        authority: found.request.authoritySegment,
        clientId: found.request.clientId,
        correlationId: randomUUID(),
        loginHint: undefined,
        request: {
          kind: "device",
          deviceCode: found.deviceCode,
          scope: found.request.scopes.join(" "),
          confirmed: false,
        },
      },
      request,
    );
    const step = { request, reply, interaction };
    const holder = await sessionUser(request, ctx, state);
    return holder ? continueAs(step, flow, holder) : showSignIn(step, ctx);
  });

  serveOperation(app, ENTRA_OPERATIONS.deviceCodeConfirm, async (request, reply) => {
    const form = paramsOf(request.body);
    const interaction = await state.interactions.get(form.ctx, request);
    if (!interaction || interaction.request.kind !== "device" || !interaction.user) {
      return sendMessage(reply, 400, "Sign-in session expired", [
        "This page is no longer valid. Enter the code from your device again.",
      ]);
    }
    if (!fromSameBrowser(request, interaction)) return cookiesBlocked(reply);
    const step = { request, reply, interaction };
    if (form.decision !== "continue") return flow.returned(step);
    interaction.request.confirmed = true;
    return flow.signedIn(step);
  });
}
