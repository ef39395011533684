import { http, type HttpHandler } from "msw";
import type { Sandbox } from "../sandbox/sandbox.js";
import { leaseOf, type Lease } from "./running.js";
import type { RunningSandbox } from "./start.js";
import { DROP_MARKER } from "../operator/faults/drop-marker.js";

/** Requests intercept mode takes over: the real Entra ID host, every ACS resource host, ARM and IMDS. */
export const ENTRA_HOSTS = /^https:\/\/login\.microsoftonline\.com\//i;
export const ACS_HOSTS = /^https:\/\/[^/]+\.communication\.azure\.com\//i;
/** Azure Resource Manager, for the management SDKs and the Azure CLI. */
export const ARM_HOSTS = /^https:\/\/management\.azure\.com\//i;
/**
 * `/{scope}/providers/…` with a scope that starts with `/` (as @azure/arm-authorization documents it) sends
 * `https://management.azure.com//subscriptions/…`; the HTTP interceptor resolves that path as a
 * protocol-relative URL and reports the host `subscriptions`. These handlers put ARM's host back.
 */
export const ARM_DOUBLE_SLASH = /^https:\/\/(subscriptions|providers|tenants)\//i;
/** Microsoft Graph, where the admin tools change the directory. */
export const GRAPH_HOSTS = /^https:\/\/graph\.microsoft\.com\//i;
/** The Instance Metadata Service address every Azure VM reaches its managed identity at (plain HTTP). */
export const IMDS_HOSTS = /^http:\/\/169\.254\.169\.254\//;

/** Hands one fetch-style request to the sandbox's fastify app in-process and returns its answer. */
export async function forward(
  sandbox: Pick<Sandbox, "app">,
  request: Request,
  target = request.url,
): Promise<Response> {
  const url = new URL(target);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  headers.host = url.host;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const payload = hasBody ? Buffer.from(await request.arrayBuffer()) : undefined;
  const res = await sandbox.app.inject({
    method: request.method as "GET",
    // Keep the path exactly as sent: ACS signs the raw, percent-encoded path and query.
    url: url.pathname + url.search,
    headers,
    ...(payload && payload.length > 0 ? { payload } : {}),
  });
  // A fault dropped the connection: the client sees a network error, as from a reset socket.
  if (res.headers[DROP_MARKER] !== undefined) return Response.error();
  const responseHeaders = new Headers();
  for (const [key, value] of Object.entries(res.headers)) {
    // Content-Length is kept when it is the body's own length: some answers are recorded by it (the
    // empty 401 of 2021-03-31-preview1 says `Content-Length: 0`), and server mode sends it too.
    const staleLength = key === "content-length" && Number(value) !== res.rawPayload.length;
    if (value === undefined || staleLength || key === "transfer-encoding" || key === "connection") continue;
    for (const v of Array.isArray(value) ? value : [value]) responseHeaders.append(key, String(v));
  }
  const noBody = res.statusCode === 204 || res.statusCode === 304 || request.method === "HEAD";
  return new Response(noBody ? null : new Uint8Array(res.rawPayload), {
    status: res.statusCode,
    headers: responseHeaders,
  });
}

/**
 * msw handlers that route the real Entra ID and ACS hosts to a sandbox, for a test suite that runs its
 * own msw server.
 *
 * @example
 * const sb = await startSandbox({ mode: "handlers" });
 * const server = setupServer(...sandboxHandlers(sb), ...myOwnHandlers);
 * server.listen({ onUnhandledRequest: "bypass" });
 */
export function sandboxHandlers(
  sandbox: RunningSandbox | Sandbox | (() => Lease | undefined),
): HttpHandler[] {
  const target = answering(sandbox);
  // A closed handle's lease refuses (msw answers its error as a 500): never the real host instead.
  const handle = async ({ request }: { request: Request }) =>
    target()?.answer((current) => forward(current, request));
  const armDoubleSlash = async ({ request }: { request: Request }) => {
    const mangled = new URL(request.url);
    const original = `https://management.azure.com//${mangled.host}${mangled.pathname}${mangled.search}`;
    return target()?.answer((current) => forward(current, request, original));
  };
  return [
    http.all(ENTRA_HOSTS, handle),
    http.all(ACS_HOSTS, handle),
    http.all(ARM_HOSTS, handle),
    http.all(ARM_DOUBLE_SLASH, armDoubleSlash),
    http.all(GRAPH_HOSTS, handle),
    http.all(IMDS_HOSTS, handle),
  ];
}

/** Whatever was given, as the lease that answers now: a started sandbox's own, or one for a bare Sandbox. */
function answering(sandbox: RunningSandbox | Sandbox | (() => Lease | undefined)): () => Lease | undefined {
  if (typeof sandbox === "function") return sandbox;
  const lease = leaseOf(sandbox);
  if (lease) return () => lease;
  const bare: Pick<Lease, "answer"> = { answer: (work) => work(sandbox as Sandbox) };
  return () => bare as Lease;
}
