import { randomUUID } from "node:crypto";
import { randomBytesPooled } from "../core/random.js";
import { Readable } from "node:stream";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordHint, recordOutcome, recordReason, recordServerError } from "../core/outcome.js";
import { isStoreUnavailable } from "../core/store.js";
import { operationOf } from "../core/operations.js";
import { supportedVersionsHeader, type ApiVersion } from "./api-versions.js";
import type { AcsOperation } from "./operations.js";
import { AcsError } from "./errors.js";

/*
 * What every ACS Identity response looks like on the wire (reference §6), and how the service's scope
 * reads bodies: raw bytes (the HMAC covers them), parsed as JSON by the service itself, so bad input
 * becomes an ACS error body instead of a framework error.
 */

declare module "fastify" {
  interface FastifyContextConfig {
    /**
     * The bearer token is the caller's Entra user token that the operation exchanges (the `/access/*`
     * exchanges), not a credential of the resource: the route judges it itself.
     */
    acsBearerIsCaller?: boolean;
  }
  interface FastifyRequest {
    /** The api-version the operation was served at, once the route has resolved it. */
    acsApiVersion?: ApiVersion;
  }
}

/** The sandbox's advice beside an answer (Azure sends no such header; clients ignore it). */
export const SANDBOX_HINT_HEADER = "x-acs-sandbox-hint";

/** Success bodies; errors use plain `application/json` like the real service. */
export const SUCCESS_CONTENT_TYPE = "application/json; charset=utf-8";
export const ERROR_CONTENT_TYPE = "application/json";

/** `MS-CV`: a correlation vector, base64 of 16 bytes (22 chars) plus `.0`, e.g. `lj9cbQSuXEW+e/xiVacRbg.2.0`. */
function correlationVector(): string {
  return `${randomBytesPooled(16).toString("base64").slice(0, 22)}.0`;
}

/** `X-Azure-Ref`: the front door's opaque reference, `0` followed by base64. */
function azureRef(): string {
  return `0${randomBytesPooled(54).toString("base64")}`;
}

/** Headers on every ACS Identity response, errors and 404s included. */
export function setServiceHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const clientRequestId = request.headers["x-ms-client-request-id"];
  reply.header("MS-CV", correlationVector());
  reply.header(
    "x-ms-client-request-id",
    typeof clientRequestId === "string" ? clientRequestId : randomUUID(),
  );
  reply.header("Request-Context", "appId=");
  reply.header("Strict-Transport-Security", "max-age=2592000");
  reply.header("X-Cache", "CONFIG_NOCACHE");
  reply.header("X-Azure-Ref", azureRef());
}

/** Marks the answer as coming from the operation's controller (the real service adds the header there). */
export function setControllerHeaders(request: FastifyRequest, reply: FastifyReply): void {
  const declaration = operationOf(request);
  if (declaration?.service === "acs") {
    reply.header(
      "api-supported-versions",
      supportedVersionsHeader(declaration.name as AcsOperation, request.acsApiVersion),
    );
  }
}

/** Bytes, because fastify appends `; charset=utf-8` to a JSON type when the payload is a string. */
function errorPayload(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body));
}

/** Sends a catalogued error in its wire form, and notes it for the request journal. */
export function sendAcsError(request: FastifyRequest, reply: FastifyReply, error: AcsError): FastifyReply {
  recordOutcome(request, error.code);
  if (error.reason) recordReason(request, error.reason);
  if (error.hint) {
    recordHint(request, error.hint);
    reply.header(SANDBOX_HINT_HEADER, error.hint);
  }
  if (error.fromController) setControllerHeaders(request, reply);
  else reply.removeHeader("api-supported-versions");
  return reply.code(error.status).type(ERROR_CONTENT_TYPE).send(errorPayload(error.body()));
}

/** The answer to the service's own failure (a bug): a 500 in ACS's shape, the error kept for the journal. */
export function sendServerError(request: FastifyRequest, reply: FastifyReply, error: unknown): FastifyReply {
  recordServerError(request, error);
  return sendAcsError(request, reply, new AcsError("InternalServerError"));
}

/** Sends a success body with the controller headers. */
export function sendJson(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  body: unknown,
): FastifyReply {
  setControllerHeaders(request, reply);
  return reply.code(status).type(SUCCESS_CONTENT_TYPE).send(JSON.stringify(body));
}

/** 204: no body, no content type. */
export function sendNoContent(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  setControllerHeaders(request, reply);
  return reply.code(204).send();
}

/**
 * An error body as a stream, so it goes out `Transfer-Encoding: chunked` without `Content-Length`: every
 * recorded error answer with a body is framed so (Azure/azure-sdk-for-net
 * sdk/communication/Azure.Communication.Identity/tests/SessionRecords, e.g.
 * GetTokenForTeamsUserWithInvalidClientIdShouldThrow.json). An empty body keeps its `Content-Length: 0`
 * (the 401 of 2021-03-31-preview1). The journal has read the bytes by now (its hook runs first).
 */
function chunked(payload: unknown): unknown {
  return Buffer.isBuffer(payload) && payload.length > 0 ? Readable.from([payload]) : payload;
}

/**
 * Installs, in the service's own scope, the raw-body parser, the service headers and an error handler
 * that turns anything thrown (including the framework's own body errors) into an ACS error body.
 */
export function installWire(scope: FastifyInstance): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  scope.addHook("onRequest", async (request, reply) => setServiceHeaders(request, reply));
  scope.addHook("onSend", async (_request, reply, payload) => {
    reply.header("X-Processing-Time", `${Math.max(1, Math.round(reply.elapsedTime))}ms`);
    return reply.statusCode >= 400 ? chunked(payload) : payload;
  });

  scope.setErrorHandler((error: Error & { code?: string; statusCode?: number }, request, reply) => {
    if (error instanceof AcsError) return sendAcsError(request, reply, error);
    if (isStoreUnavailable(error)) {
      // The sandbox's store (a team sandbox's database) is down: the service's own 503, which the
      // Identity SDK retries after Retry-After; the reason is journaled and on /_sandbox/health.
      recordReason(request, `store unavailable: ${error.reason}`);
      reply.header("retry-after", "5");
      return sendAcsError(request, reply, new AcsError("ServiceUnavailable"));
    }
    if (error.code === "FST_ERR_CTP_BODY_TOO_LARGE") {
      return sendAcsError(request, reply, new AcsError("RequestEntityTooLarge"));
    }
    if (error.statusCode !== undefined && error.statusCode < 500) {
      return sendAcsError(
        request,
        reply,
        new AcsError("ValidationError", { message: error.message, fromController: false }),
      );
    }
    return sendServerError(request, reply, error);
  });
}

/** The request body bytes as received (empty when there was none). */
export function rawBody(request: FastifyRequest): Buffer {
  return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
}

/**
 * The JSON body, or undefined when there is none. A body in another media type, or text that is not
 * JSON, is a catalogued error; [infer] the real service's wording for malformed JSON is not recorded.
 */
export function jsonBody(request: FastifyRequest): unknown {
  const bytes = rawBody(request);
  if (bytes.length === 0) return undefined;
  const mediaType = (request.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
  if (mediaType !== "application/json" && !mediaType.endsWith("+json")) {
    throw new AcsError("UnsupportedMediaType");
  }
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch (err) {
    throw new AcsError("ValidationError", {
      message: `The request body is not valid JSON: ${(err as Error).message}`,
      target: "$",
      fromController: false,
    });
  }
}
