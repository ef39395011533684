import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import type { Tenant, User } from "../directory.js";
import { authorize, type Caller } from "./caller.js";
import { GraphError } from "./errors.js";
import { collectionResponse, entityResponse, project, type GraphObject, type Query } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { bodyOf, callerOf, editWorld, sendJson, uniqueName } from "./service.js";
import { directoryRolesOf, licenceDetailsOf, USER_DEFAULT_PROPERTIES, userView } from "./views.js";

/*
 * Graph `users`, `/me` and what the quickstart asks of a user: the Teams licence (`assignedLicenses`,
 * `licenseDetails`) and the directory roles they hold (`memberOf`). Users are the world's `users:`; one
 * created here signs in at once. Resource page: https://learn.microsoft.com/en-us/graph/api/resources/user.
 */

const FILTERABLE = [
  "id",
  "displayName",
  "userPrincipalName",
  "mail",
  "accountEnabled",
  "userType",
  "mailNickname",
  "assignedLicenses",
];

/** A user as Graph returns it: the default properties, or those `$select` names. */
export function userResponse(user: User, query: Query): GraphObject {
  const full = userView(user);
  if (query.$select !== undefined) return full;
  return Object.fromEntries(USER_DEFAULT_PROPERTIES.map((k) => [k, full[k]]));
}

function addressedUser(tenant: Tenant, id: string): User {
  const key = decodeURIComponent(id).toLowerCase();
  const user = tenant.users.find((u) => u.objectId === key || u.upn.toLowerCase() === key);
  if (!user) throw new GraphError("notFound", { id: decodeURIComponent(id) });
  return user;
}

/** `/me/…` is the signed-in user; an app-only token has none (Graph's 400 for `/me` without a user). */
function subjectOf(request: FastifyRequest, caller: Caller): User {
  const { id } = request.params as { id?: string };
  if (id !== undefined) return addressedUser(caller.tenant, id);
  if (!caller.user) {
    throw new GraphError("badRequest", {
      reason: "/me request is only valid with delegated authentication flow.",
    });
  }
  return caller.user;
}

/** Registers the `users` and `/me` routes. */
export function userRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  origin: (r: FastifyRequest) => string,
): void {
  serveOperation(app, OPS.graphMe, async (request, reply) => {
    const caller = callerOf(request);
    const me = subjectOf(request, caller);
    authorize(caller, "readMe");
    return sendJson(
      reply,
      200,
      entityResponse(origin(request), request, "users", userResponse(me, request.query as Query)),
    );
  });

  serveOperation(app, OPS.graphListUsers, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readUsers");
    const query = request.query as Query;
    const all = caller.tenant.users.map((u) => userView(u));
    const body = collectionResponse(origin(request), request, "users", all, FILTERABLE);
    if (query.$select === undefined) {
      body.value = (body.value as GraphObject[]).map((u) =>
        project(u, { $select: USER_DEFAULT_PROPERTIES.join(",") }),
      );
    }
    return sendJson(reply, 200, body);
  });

  serveOperation(app, OPS.graphGetUser, async (request, reply) => {
    const caller = callerOf(request);
    const { id = "" } = request.params as { id?: string };
    const user = addressedUser(caller.tenant, id);
    // Reading oneself needs only User.Read, as at /me.
    authorize(caller, caller.user?.objectId === user.objectId ? "readMe" : "readUsers");
    return sendJson(
      reply,
      200,
      entityResponse(origin(request), request, "users", userResponse(user, request.query as Query)),
    );
  });

  serveOperation(app, OPS.graphCreateUser, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeUsers");
    const body = bodyOf(request);
    const upn = body.userPrincipalName;
    const password = (body.passwordProfile as Record<string, unknown> | undefined)?.password;
    for (const [property, value] of [
      ["displayName", body.displayName],
      ["userPrincipalName", upn],
      ["mailNickname", body.mailNickname],
      ["passwordProfile.password", password],
    ] as const) {
      if (typeof value !== "string" || value === "")
        throw new GraphError("badRequest", { reason: `Property '${property}' is required.` });
    }
    const domain = String(upn).split("@")[1]?.toLowerCase();
    if (domain !== caller.tenant.domain.toLowerCase()) {
      // [infer] Graph's wording when the UPN's domain is not a verified domain of the tenant.
      throw new GraphError("badRequest", {
        reason:
          "Property userPrincipalName is invalid. The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.",
      });
    }
    if (caller.tenant.users.some((u) => u.upn.toLowerCase() === String(upn).toLowerCase())) {
      throw new GraphError("badRequest", {
        reason: "Another object with the same value for property userPrincipalName already exists.",
      });
    }
    const objectId = randomUUID();
    await editWorld(ctx, (doc) => {
      const users = doc.tenants[caller.tenant.name]!.users;
      const name = uniqueName(String(body.mailNickname), Object.keys(users));
      users[name] = {
        objectId,
        displayName: String(body.displayName),
        upn: String(upn),
        password: String(password),
        teamsLicense: false,
        enabled: body.accountEnabled !== false,
        mfaRequired: false,
        isAdmin: false,
        roles: [],
      };
    });
    const created = ctx
      .directory()
      .tenants.find((t) => t.id === caller.tenant.id)!
      .users.find((u) => u.objectId === objectId)!;
    return sendJson(reply, 201, entityResponse(origin(request), request, "users", userResponse(created, {})));
  });

  serveOperation(app, OPS.graphUserLicenseDetails, async (request, reply) => {
    const caller = callerOf(request);
    const user = subjectOf(request, caller);
    authorize(caller, caller.user?.objectId === user.objectId ? "readMe" : "readUsers");
    const set = request.url.includes("/me/")
      ? "users('me')/licenseDetails"
      : `users('${user.objectId}')/licenseDetails`;
    return sendJson(
      reply,
      200,
      collectionResponse(origin(request), request, set, licenceDetailsOf(user), ["skuId", "skuPartNumber"]),
    );
  });

  serveOperation(app, OPS.graphUserMemberOf, async (request, reply) => {
    const caller = callerOf(request);
    const user = subjectOf(request, caller);
    authorize(caller, caller.user?.objectId === user.objectId ? "readMe" : "readUsers");
    const roles = directoryRolesOf(caller.tenant).filter((r) => user.roles.includes(r.displayName as never));
    return sendJson(
      reply,
      200,
      collectionResponse(origin(request), request, "directoryObjects", roles, [
        "displayName",
        "roleTemplateId",
        "id",
      ]),
    );
  });
}
