import type { FastifyReply, FastifyRequest } from "fastify";
import { ZodError } from "zod";
import type { AadContext } from "../context.js";
import { WorldReferenceError, type DirectoryDocument } from "../directory.js";
import type { Caller } from "./caller.js";
import { GraphError } from "./errors.js";

/*
 * What every Graph route needs: its caller (set by the plugin's hook once the token is checked), the
 * origin clients address Graph at, answers with Graph's headers, and changes to the world made through
 * the one directory edit the YAML, the admin API and consent use.
 */

declare module "fastify" {
  interface FastifyRequest {
    /** The authenticated caller of a Microsoft Graph request. */
    graphCaller?: Caller;
  }
}

/** The caller the plugin's authentication hook found. */
export function callerOf(request: FastifyRequest): Caller {
  const caller = request.graphCaller;
  if (!caller) throw new Error("Graph route reached without an authenticated caller");
  return caller;
}

/** Graph's JSON content type for OData answers (as recorded). */
export const ODATA_JSON =
  "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8";

/** Answers with a Graph JSON body. */
export function sendJson(reply: FastifyReply, status: number, body: unknown): FastifyReply {
  return reply.code(status).header("content-type", ODATA_JSON).send(body);
}

/** Answers 204 No Content, as Graph does for PATCH and DELETE. */
export function sendNoContent(reply: FastifyReply): FastifyReply {
  return reply.code(204).send();
}

/**
 * Changes the world through the directory edit everything else uses. A change the world cannot hold (a
 * reference to nothing) is the client's mistake: Graph's 400, with what was wrong.
 */
export async function editWorld(ctx: AadContext, change: (doc: DirectoryDocument) => void): Promise<void> {
  try {
    await ctx.editDirectory(change);
  } catch (err) {
    if (err instanceof WorldReferenceError) throw new GraphError("badRequest", { reason: err.message });
    if (err instanceof ZodError) {
      const issue = err.issues[0];
      throw new GraphError("badRequest", {
        reason: `Invalid value for '${issue?.path.join(".") ?? ""}': ${issue?.message ?? "invalid"}.`,
      });
    }
    throw err;
  }
}

/** A JSON request body as an object, or Graph's 400. */
export function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new GraphError("badRequest", { reason: "The request body must be a JSON object." });
  }
  return body as Record<string, unknown>;
}

/** The value of a key-addressed segment (`applications(appId='…')`): fastify hands it as `'…')`. */
export function keyValue(raw: string): string {
  const decoded = decodeURIComponent(raw);
  const match = /^'(.*)'\)$/.exec(decoded);
  if (!match) throw new GraphError("badRequest", { reason: `Invalid key segment '${decoded}'.` });
  return match[1]!.replace(/''/g, "'");
}

/** A world-file name for a new object: its display name, lower-case and dashed, unique among `taken`. */
export function uniqueName(displayName: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  const base =
    displayName
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-|-$/g, "") || "app";
  let name = base;
  for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
  return name;
}
