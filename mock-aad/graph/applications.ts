import { randomUUID } from "node:crypto";
import { randomBase64url } from "../../core/random.js";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { serveOperation } from "../../core/operations.js";
import type { AadContext } from "../context.js";
import type { AppRegistration, Directory, DirectoryDocument, Tenant } from "../directory.js";
import { findResource } from "../scopes.js";
import { authorize } from "./caller.js";
import { GraphError } from "./errors.js";
import { collectionResponse, contextUrl, entityResponse, type GraphObject } from "./odata.js";
import { GRAPH_OPERATIONS as OPS } from "./operations.js";
import { applicationView, federatedCredentialView } from "./views.js";
import { bodyOf, callerOf, editWorld, keyValue, sendJson, sendNoContent, uniqueName } from "./service.js";

/*
 * Graph `applications`: app registrations of the caller's tenant. Changes are world edits of `apps:`, so
 * the next sign-in, consent and token see them at once. Request bodies as the Azure CLI sends them
 * (Azure/azure-cli role/tests/latest/recordings/test_app_scenario.yaml, test_app_permission.yaml,
 * test_app_credential.yaml, test_app_federated_credential.yaml) and the Graph application resource page
 * (https://learn.microsoft.com/en-us/graph/api/resources/application).
 */

type DocApp = DirectoryDocument["apps"][string];
type Params = { id?: string; key?: string; credentialId?: string };

const FILTERABLE = ["appId", "displayName", "id", "identifierUris", "signInAudience", "publisherDomain"];

const AUDIENCES: Record<string, DocApp["signInAudience"]> = {
  AzureADMyOrg: "single",
  AzureADMultipleOrgs: "multitenant",
};

/** The tenant's app registration a request addresses, by object id or `(appId='…')`, or Graph's 404. */
export function addressedApplication(directory: Directory, tenant: Tenant, params: Params): AppRegistration {
  const byKey = params.key !== undefined ? keyValue(params.key).toLowerCase() : undefined;
  const app = directory.apps.find(
    (a) =>
      a.homeTenantId === tenant.id &&
      (byKey !== undefined ? a.clientId === byKey : a.objectId === params.id?.toLowerCase()),
  );
  if (!app) throw new GraphError("notFound", { id: byKey ?? params.id ?? "" });
  return app;
}

function strings(value: unknown, property: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    throw new GraphError("badRequest", {
      reason: `Invalid value for property '${property}': expected a list of strings.`,
    });
  }
  return value as string[];
}

function objects(value: unknown, property: string): Record<string, unknown>[] {
  if (!Array.isArray(value) || value.some((v) => v === null || typeof v !== "object")) {
    throw new GraphError("badRequest", {
      reason: `Invalid value for property '${property}': expected a list of objects.`,
    });
  }
  return value as Record<string, unknown>[];
}

function redirectUrisOf(
  body: Record<string, unknown>,
  platform: "publicClient" | "web" | "spa",
): string[] | undefined {
  const section = body[platform];
  if (section === undefined || section === null) return undefined;
  const uris = (section as Record<string, unknown>).redirectUris;
  return uris === undefined ? undefined : strings(uris, `${platform}.redirectUris`);
}

/** `requiredResourceAccess` ids back to the scope and role names the world keeps. */
function requiredAccessOf(directory: Directory, value: unknown) {
  const scopes: Record<string, string[]> = {};
  const roles: Record<string, string[]> = {};
  for (const entry of objects(value, "requiredResourceAccess")) {
    const resourceAppId = String(entry.resourceAppId ?? "").toLowerCase();
    const resource = findResource(directory, resourceAppId);
    // [infer] Graph takes any resourceAppId; the sandbox needs one it knows to resolve the permissions.
    if (!resource) {
      throw new GraphError("badRequest", {
        reason: `The resourceAppId '${resourceAppId}' in requiredResourceAccess names no application the sandbox knows.`,
      });
    }
    for (const access of objects(entry.resourceAccess ?? [], "requiredResourceAccess.resourceAccess")) {
      const id = String(access.id ?? "").toLowerCase();
      if (access.type === "Role") {
        (roles[resourceAppId] ??= []).push(resource.appRoles.find((r) => r.id === id)?.value ?? id);
      } else {
        (scopes[resourceAppId] ??= []).push(resource.scopes.find((s) => s.id === id)?.name ?? id);
      }
    }
  }
  return { scopes, roles };
}

function certificateOf(credential: Record<string, unknown>): string {
  const key = credential.key;
  if (typeof key !== "string" || key === "") {
    throw new GraphError("badRequest", {
      reason: "A keyCredential needs its certificate in 'key' (base64 DER).",
    });
  }
  const base64 = Buffer.from(key, "base64").toString("base64");
  return `-----BEGIN CERTIFICATE-----\n${base64.match(/.{1,64}/g)!.join("\n")}\n-----END CERTIFICATE-----\n`;
}

/** Applies the writable properties of a Graph application body to the world's app; others are ignored. */
function applyApplicationBody(directory: Directory, app: DocApp, body: Record<string, unknown>): void {
  if (body.displayName !== undefined) {
    if (typeof body.displayName !== "string")
      throw new GraphError("badRequest", { reason: "Invalid value for property 'displayName'." });
    app.displayName = body.displayName;
  }
  if (body.signInAudience !== undefined) {
    const audience = AUDIENCES[String(body.signInAudience)];
    // [infer] Personal Microsoft accounts are outside the sandbox: such audiences are refused.
    if (!audience) {
      throw new GraphError("badRequest", {
        reason: `The sandbox supports signInAudience AzureADMyOrg and AzureADMultipleOrgs, not '${String(body.signInAudience)}'.`,
      });
    }
    app.signInAudience = audience;
  }
  if (body.isFallbackPublicClient !== undefined) app.publicClientFlows = body.isFallbackPublicClient === true;
  for (const platform of ["publicClient", "web", "spa"] as const) {
    const uris = redirectUrisOf(body, platform);
    if (uris !== undefined) app.redirectUris = { ...app.redirectUris, [platform]: uris };
  }
  if (body.identifierUris !== undefined) app.identifierUris = strings(body.identifierUris, "identifierUris");
  if (body.requiredResourceAccess !== undefined) {
    const { scopes, roles } = requiredAccessOf(directory, body.requiredResourceAccess);
    app.requiredResourceAccess = scopes;
    app.requiredAppRoles = roles;
  }
  const api = body.api as Record<string, unknown> | undefined;
  if (api?.oauth2PermissionScopes !== undefined) {
    app.exposedScopes = objects(api.oauth2PermissionScopes, "api.oauth2PermissionScopes").map((s) => ({
      value: String(s.value ?? ""),
      ...(typeof s.id === "string" ? { id: s.id } : {}),
      ...(typeof s.adminConsentDisplayName === "string" ? { displayName: s.adminConsentDisplayName } : {}),
      adminConsentRequired: s.type === "Admin",
    }));
  }
  if (body.appRoles !== undefined) {
    app.appRoles = objects(body.appRoles, "appRoles").map((r) => ({
      value: String(r.value ?? ""),
      ...(typeof r.id === "string" ? { id: r.id } : {}),
      ...(typeof r.displayName === "string" ? { displayName: r.displayName } : {}),
      ...(typeof r.description === "string" ? { description: r.description } : {}),
      allowedMemberTypes: Array.isArray(r.allowedMemberTypes)
        ? (r.allowedMemberTypes as ("Application" | "User")[])
        : ["Application"],
    }));
  }
  if (body.keyCredentials !== undefined) {
    app.certificates = objects(body.keyCredentials, "keyCredentials").map(certificateOf);
  }
}

/** Entra's client secret form: 40 characters with `8Q~` after a three-character hint. [infer] */
function newSecretText(): string {
  return `${randomBase64url(3).slice(0, 3)}8Q~${randomBase64url(30).slice(0, 34)}`;
}

/** Removes an app and everything in any tenant that names it, so the world still resolves. */
function removeApp(doc: DirectoryDocument, app: AppRegistration): void {
  const names = new Set([app.name, app.clientId]);
  delete doc.apps[app.name];
  for (const tenant of Object.values(doc.tenants)) {
    tenant.servicePrincipals = tenant.servicePrincipals.filter((sp) => !names.has(sp));
    tenant.grants = tenant.grants.filter((g) => !names.has(g.client) && !names.has(g.resource));
    tenant.appRoleAssignments = tenant.appRoleAssignments.filter(
      (a) => !names.has(a.client) && !names.has(a.resource),
    );
  }
}

/** Registers the `applications` routes. */
export function applicationRoutes(
  app: FastifyInstance,
  ctx: AadContext,
  origin: (r: FastifyRequest) => string,
): void {
  const view = (request: FastifyRequest, found: AppRegistration) =>
    applicationView(ctx.directory(), found, callerOf(request).tenant);
  const current = (request: FastifyRequest) =>
    addressedApplication(ctx.directory(), callerOf(request).tenant, request.params as Params);

  serveOperation(app, OPS.graphListApplications, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "readApplications");
    const directory = ctx.directory();
    const apps = directory.apps.filter((a) => a.homeTenantId === caller.tenant.id);
    return sendJson(
      reply,
      200,
      collectionResponse(
        origin(request),
        request,
        "applications",
        apps.map((a) => view(request, a)),
        FILTERABLE,
      ),
    );
  });

  serveOperation(app, OPS.graphGetApplication, async (request, reply) => {
    authorize(callerOf(request), "readApplications");
    return sendJson(
      reply,
      200,
      entityResponse(origin(request), request, "applications", view(request, current(request))),
    );
  });

  serveOperation(app, OPS.graphCreateApplication, async (request, reply) => {
    const caller = callerOf(request);
    authorize(caller, "writeApplications");
    const body = bodyOf(request);
    if (typeof body.displayName !== "string" || body.displayName === "") {
      throw new GraphError("badRequest", { reason: "Property 'displayName' is required." });
    }
    const clientId = randomUUID();
    await editWorld(ctx, (doc) => {
      const name = uniqueName(body.displayName as string, Object.keys(doc.apps));
      const created: DocApp = {
        tenant: caller.tenant.name,
        clientId,
        signInAudience: "single",
        publicClientFlows: false,
        redirectUris: { publicClient: [], web: [], spa: [] },
        secrets: [],
        certificates: [],
        federatedCredentials: [],
        verifiedPublisher: false,
        requiredResourceAccess: {},
        requiredAppRoles: {},
        exposedScopes: [],
        appRoles: [],
        identifierUris: [],
        homeServicePrincipal: false,
      };
      applyApplicationBody(ctx.directory(), created, body);
      doc.apps[name] = created;
    });
    const created = ctx.directory().apps.find((a) => a.clientId === clientId)!;
    // [infer] The Location Graph sends for a new directory object.
    reply.header(
      "location",
      `${origin(request)}/v2/${caller.tenant.id}/directoryObjects/${created.objectId}/Microsoft.DirectoryServices.Application`,
    );
    return sendJson(
      reply,
      201,
      entityResponse(origin(request), request, "applications", view(request, created)),
    );
  });

  serveOperation(app, OPS.graphUpdateApplication, async (request, reply) => {
    authorize(callerOf(request), "writeApplications");
    const found = current(request);
    const body = bodyOf(request);
    await editWorld(ctx, (doc) => applyApplicationBody(ctx.directory(), doc.apps[found.name]!, body));
    return sendNoContent(reply);
  });

  serveOperation(app, OPS.graphDeleteApplication, async (request, reply) => {
    authorize(callerOf(request), "writeApplications");
    const found = current(request);
    await editWorld(ctx, (doc) => removeApp(doc, found));
    return sendNoContent(reply);
  });

  serveOperation(app, OPS.graphAddPassword, async (request, reply) => {
    authorize(callerOf(request), "writeApplications");
    const found = current(request);
    const credential = (bodyOf(request).passwordCredential ?? {}) as Record<string, unknown>;
    const now = ctx.clock.now();
    // Graph's default lifetime for a new secret is two years (application-addpassword docs).
    const end =
      typeof credential.endDateTime === "string"
        ? new Date(credential.endDateTime)
        : new Date(
            Date.UTC(
              now.getUTCFullYear() + 2,
              now.getUTCMonth(),
              now.getUTCDate(),
              now.getUTCHours(),
              now.getUTCMinutes(),
              now.getUTCSeconds(),
            ),
          );
    if (Number.isNaN(end.getTime()))
      throw new GraphError("badRequest", { reason: "Invalid value for property 'endDateTime'." });
    const secretText = newSecretText();
    const keyId = randomUUID();
    const displayName = typeof credential.displayName === "string" ? credential.displayName : undefined;
    await editWorld(ctx, (doc) => {
      doc.apps[found.name]!.secrets.push({
        value: secretText,
        expires: end.toISOString(),
        keyId,
        ...(displayName !== undefined ? { displayName } : {}),
      });
    });
    return sendJson(reply, 200, {
      "@odata.context": `${origin(request)}/v1.0/$metadata#microsoft.graph.passwordCredential`,
      customKeyIdentifier: null,
      displayName: displayName ?? null,
      endDateTime: end.toISOString(),
      hint: secretText.slice(0, 3),
      keyId,
      secretText,
      startDateTime: now.toISOString(),
    });
  });

  serveOperation(app, OPS.graphRemovePassword, async (request, reply) => {
    authorize(callerOf(request), "writeApplications");
    const found = current(request);
    const keyId = String(bodyOf(request).keyId ?? "").toLowerCase();
    const index = found.secrets.findIndex((s) => s.keyId === keyId);
    // [infer] The wording for a keyId the app does not have.
    if (index < 0)
      throw new GraphError("badRequest", {
        reason: `No password credential with keyId '${keyId}' was found.`,
      });
    await editWorld(ctx, (doc) => {
      const secrets = doc.apps[found.name]!.secrets;
      // World secrets without a keyId have it derived from their position: pin the others' before removing.
      found.secrets.forEach((s, i) => (secrets[i]!.keyId = s.keyId));
      secrets.splice(index, 1);
    });
    return sendNoContent(reply);
  });

  const credentialsContext = (request: FastifyRequest, found: AppRegistration) =>
    contextUrl(origin(request), request, `applications('${found.objectId}')/federatedIdentityCredentials`);

  serveOperation(app, OPS.graphListFederatedCredentials, async (request, reply) => {
    authorize(callerOf(request), "readApplications");
    const found = current(request);
    return sendJson(reply, 200, {
      "@odata.context": credentialsContext(request, found),
      value: found.federatedCredentials.map((f) => federatedCredentialView(found, f)),
    });
  });

  serveOperation(app, OPS.graphGetFederatedCredential, async (request, reply) => {
    authorize(callerOf(request), "readApplications");
    const found = current(request);
    const { credentialId = "" } = request.params as Params;
    const credential = found.federatedCredentials
      .map((f) => federatedCredentialView(found, f))
      .find((f) => f.id === credentialId.toLowerCase() || f.name === credentialId);
    if (!credential) throw new GraphError("notFound", { id: credentialId });
    return sendJson(reply, 200, {
      "@odata.context": `${credentialsContext(request, found)}/$entity`,
      ...credential,
    });
  });

  serveOperation(app, OPS.graphCreateFederatedCredential, async (request, reply) => {
    authorize(callerOf(request), "writeApplications");
    const found = current(request);
    const body = bodyOf(request);
    const { name, issuer, subject } = body;
    if (typeof name !== "string" || typeof issuer !== "string" || typeof subject !== "string") {
      throw new GraphError("badRequest", {
        reason: "Properties 'name', 'issuer' and 'subject' are required.",
      });
    }
    if (found.federatedCredentials.some((f) => f.name === name)) {
      // [infer] Graph's answer to a second credential of the same name.
      throw new GraphError("badRequest", {
        reason: `FederatedIdentityCredential with name ${name} already exists.`,
      });
    }
    const audiences =
      body.audiences === undefined ? ["api://AzureADTokenExchange"] : strings(body.audiences, "audiences");
    await editWorld(ctx, (doc) => {
      doc.apps[found.name]!.federatedCredentials.push({ name, issuer, subject, audiences });
    });
    const created = federatedCredentialView(found, { name, issuer, subject, audiences });
    return sendJson(reply, 201, {
      "@odata.context": `${credentialsContext(request, found)}/$entity`,
      ...created,
    });
  });

  serveOperation(app, OPS.graphDeleteFederatedCredential, async (request, reply) => {
    authorize(callerOf(request), "writeApplications");
    const found = current(request);
    const { credentialId = "" } = request.params as Params;
    const index = found.federatedCredentials.findIndex((f) => {
      const v = federatedCredentialView(found, f);
      return v.id === credentialId.toLowerCase() || v.name === credentialId;
    });
    if (index < 0) throw new GraphError("notFound", { id: credentialId });
    await editWorld(ctx, (doc) => {
      doc.apps[found.name]!.federatedCredentials.splice(index, 1);
    });
    return sendNoContent(reply);
  });
}

export type { GraphObject };
