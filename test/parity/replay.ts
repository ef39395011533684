import { createHash, createHmac, randomUUID } from "node:crypto";
import type { RunningSandbox } from "../../harness/index.js";
import { clientId, tenantId, user } from "../support/modes.js";

/*
 * Replays one transcribed interaction (test/parity/recorded.json) over HTTP, as a client in any
 * language would send it: ACS requests HMAC-signed with the resource's access key (reference §2.1),
 * Entra requests as plain form posts. Placeholders are filled from the sandbox's descriptor.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface Interaction {
  id: string;
  source: string;
  service?: "acs" | "entra";
  request: {
    method: "GET" | "POST" | "DELETE";
    path: string;
    apiVersion?: string;
    replayApiVersion?: string;
    /** `bearer`: an Entra token of contoso-backend instead of the HMAC signature. */
    auth?: "hmac" | "bearer";
    body?: Json;
    form?: Record<string, string>;
  };
  response: {
    status: number;
    headers?: Record<string, string | boolean>;
    body?: Json;
    emptyBody?: boolean;
    expiresOn?: { at: string; secondsAfterRequest?: number; followsEntraToken?: boolean };
    fields?: Record<string, Json>;
    keys?: string[];
    scopeEndsWith?: string;
    extExpiresInEqualsExpiresIn?: boolean;
    idTokenLifetimeSeconds?: number;
    descriptionPattern?: string;
  };
  sandboxFollows?: { body: Json; because: string };
}

export interface Recorded {
  sources: Record<string, { repo: string; path: string; recorded: string }>;
  interactions: Interaction[];
  disagreements: { id: string }[];
}

/** What a replay sees: the answer, and the values the placeholders stood for. */
export interface Replayed {
  status: number;
  headers: Headers;
  text: string;
  values: Record<string, string>;
  sentAtMs: number;
}

/** The ACS Teams scopes contoso-teams holds, as a client asks for them. */
export const TEAMS_SCOPES =
  "https://auth.msft.communication.azure.com/Teams.ManageCalls https://auth.msft.communication.azure.com/Teams.ManageChats";
/** contoso-backend's secret in the bundled default world (harness/sandbox/default-world.yaml). */
const BACKEND_SECRET = "contoso-backend-secret";
const FOREIGN_IDENTITY = "8:acs:00000000-0000-0000-0000-000000000000_00000000-0000-0000-0000-000000000000";

/** Where Entra answers: the real host when intercepting, the sandbox's own origin on a port. */
export function entraOrigin(sb: RunningSandbox): string {
  return sb.descriptor.mode === "server" ? sb.descriptor.baseUrl : "https://login.microsoftonline.com";
}

export function acsEndpoint(sb: RunningSandbox): URL {
  return new URL(sb.descriptor.acs[0]!.endpoint);
}

/** The placeholder values that do not need a request. */
export function staticValues(sb: RunningSandbox): Record<string, string> {
  const alice = user(sb, "alice");
  return {
    entraOrigin: entraOrigin(sb),
    tenantId: tenantId(sb, "fabrikam"),
    contosoTenantId: tenantId(sb, "contoso"),
    appId: clientId(sb, "contoso-teams"),
    backendId: clientId(sb, "contoso-backend"),
    backendSecret: BACKEND_SECRET,
    userId: alice.objectId,
    upn: alice.upn,
    password: alice.password,
    otherGuid: user(sb, "bob").objectId,
    foreignIdentity: FOREIGN_IDENTITY,
    clientRequestId: randomUUID(),
  };
}

/** Fills `$name` placeholders in a string (longest names first, so `$entraToken` beats `$entra…`). */
export function fill(text: string, values: Record<string, string>, encode = (v: string) => v): string {
  const names = Object.keys(values).sort((a, b) => b.length - a.length);
  return names.reduce((out, name) => out.split(`$${name}`).join(encode(values[name]!)), text);
}

export function fillJson(value: Json, values: Record<string, string>): Json {
  if (typeof value === "string") return fill(value, values);
  if (Array.isArray(value)) return value.map((v) => fillJson(v, values));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillJson(v, values)]));
  }
  return value;
}

/** Alice's Entra token for the Teams scopes, from the sandbox's token endpoint (ROPC, as MSAL sends it). */
export async function entraToken(sb: RunningSandbox): Promise<string> {
  const v = staticValues(sb);
  const res = await fetch(`${v.entraOrigin}/${v.tenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: v.appId!,
      username: v.upn!,
      password: v.password!,
      scope: `${TEAMS_SCOPES} openid profile offline_access`,
      grant_type: "password",
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`No Entra token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** An ACS request signed as the SDKs sign it, with the client's own clock. */
async function signedAcsRequest(
  sb: RunningSandbox,
  method: string,
  pathAndQuery: string,
  clientRequestId: string,
  body?: string,
) {
  const url = new URL(pathAndQuery, acsEndpoint(sb));
  const payload = body ?? "";
  const date = new Date().toUTCString();
  const hash = createHash("sha256").update(payload).digest("base64");
  const key = sb.descriptor.acs[0]!.connectionString.split("accesskey=")[1]!;
  const toSign = `${method}\n${url.pathname}${url.search}\n${date};${url.host};${hash}`;
  const signature = createHmac("sha256", Buffer.from(key, "base64")).update(toSign).digest("base64");
  return fetch(url, {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      "x-ms-client-request-id": clientRequestId,
      "x-ms-date": date,
      "x-ms-content-sha256": hash,
      authorization: `HMAC-SHA256 SignedHeaders=x-ms-date;host;x-ms-content-sha256&Signature=${signature}`,
    },
    ...(body !== undefined ? { body } : {}),
  });
}

/** contoso-backend's client-credentials token for the ACS data plane (`https://communication.azure.com//.default`). */
async function backendToken(values: Record<string, string>): Promise<string> {
  const res = await fetch(`${values.entraOrigin}/${values.contosoTenantId}/oauth2/v2.0/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      client_id: values.backendId!,
      client_secret: values.backendSecret!,
      scope: "https://communication.azure.com//.default",
      grant_type: "client_credentials",
    }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`No client-credentials token: ${JSON.stringify(body)}`);
  return body.access_token;
}

/** An ACS request with an Entra bearer token, as the SDKs send it with a TokenCredential. */
async function bearerAcsRequest(
  sb: RunningSandbox,
  method: string,
  pathAndQuery: string,
  values: Record<string, string>,
  clientRequestId: string,
  body?: string,
) {
  return fetch(new URL(pathAndQuery, acsEndpoint(sb)), {
    method,
    headers: {
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      "x-ms-client-request-id": clientRequestId,
      authorization: `Bearer ${await backendToken(values)}`,
    },
    ...(body !== undefined ? { body } : {}),
  });
}

/** Sends one interaction's request with `values` filled in. */
export async function replay(
  sb: RunningSandbox,
  interaction: Interaction,
  values: Record<string, string>,
): Promise<Replayed> {
  const { request } = interaction;
  const sentAtMs = Date.now();
  let res: Response;
  const all = { ...values };
  if (interaction.service === "entra") {
    res = await fetch(entraUrl(request.path, values), {
      method: request.method,
      ...(request.form
        ? {
            headers: { "content-type": "application/x-www-form-urlencoded" },
            body: new URLSearchParams(
              Object.fromEntries(Object.entries(request.form).map(([k, v]) => [k, fill(v, values)])),
            ),
          }
        : {}),
    });
  } else {
    const apiVersion = request.replayApiVersion ?? request.apiVersion ?? "";
    const path = fill(request.path, values, encodeURIComponent);
    const pathAndQuery = `${path}?api-version=${apiVersion}`;
    all.apiVersion = apiVersion;
    all.requestUri = new URL(path, acsEndpoint(sb)).href;
    const body = request.body === undefined ? undefined : JSON.stringify(fillJson(request.body, values));
    all.sentClientRequestId = randomUUID();
    res =
      request.auth === "bearer"
        ? await bearerAcsRequest(sb, request.method, pathAndQuery, values, all.sentClientRequestId, body)
        : await signedAcsRequest(sb, request.method, pathAndQuery, all.sentClientRequestId, body);
  }
  return { status: res.status, headers: res.headers, text: await res.text(), values: all, sentAtMs };
}

/** An Entra URL: the path filled in, the query's values percent-encoded as a client sends them. */
function entraUrl(template: string, values: Record<string, string>): URL {
  const [path, query] = fill(template, values).split("?");
  const url = new URL(`${values.entraOrigin}${path}`);
  for (const pair of query ? query.split("&") : []) {
    const at = pair.indexOf("=");
    url.searchParams.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return url;
}
