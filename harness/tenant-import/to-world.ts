import {
  findFirstParty,
  findFirstPartyClient,
  FIRST_PARTY_CLIENTS,
  FIRST_PARTY_RESOURCES,
  MICROSOFT_SERVICES_TENANT_ID,
} from "../../mock-aad/first-party.js";
import { servicePrincipalObjectId } from "../../mock-aad/directory.js";
import { isGuid } from "../../core/ids.js";
import {
  arr,
  directoryRoleOf,
  exposedRole,
  exposedScope,
  listsEveryServicePrincipal,
  obj,
  str,
} from "./object-readings.js";
import { readPastedDocuments } from "./paste.js";
import { recogniseDocuments, type GraphObject, type RecognisedObject } from "./recognise.js";
import { hasTeamsLicence } from "./teams-licences.js";

/*
 * Maps a customer's directory objects, as Graph and the Azure CLI print them, onto a world document
 * (the schema of mock-aad/directory.ts, composed in harness/sandbox/world.ts). Ids the world can hold are
 * kept: tenant ids, app (client) ids, user and managed identity object ids. Everything the JSON cannot
 * tell gets a sandbox default, and every such choice is listed in `assumed` so the command can say so.
 *
 * Which tenant holds an object: Graph objects do not say, so, in order: the tenant a file is named for
 * (`fabrikam=FILE`); the organization (`GET /organization`) or `az account show` printed earlier in the
 * same file; for users their UPN's domain, for applications their `publisherDomain`; otherwise (service
 * principals and grants) the customer's tenant — the one tenant that is not an imported app's home, or
 * the one named by `customerTenant`.
 *
 * What every tenant holds without the world saying so is recognised and not written back: the service
 * principals of Microsoft Graph and Azure Service Management, of Microsoft's client apps (Azure CLI, Azure
 * PowerShell, Graph Command Line Tools), and an app's own in its home tenant (mock-aad/directory.ts).
 * Permission ids are named through the real ids of mock-aad/first-party.ts, or the pasted apps' own.
 */

/** One pasted file: its text, and the tenant it was taken from when the user said so. */
export interface ImportSource {
  file: string;
  text: string;
  tenant?: string | undefined;
}

export interface ImportOptions {
  /** Names for tenants found in the files, keyed by verified domain or tenant id. */
  tenantNames?: Record<string, string>;
  /** World name of the customer's tenant (where service principals and grants without context go). */
  customerTenant?: string | undefined;
}

/** The imported world and what the import found, assumed and could not keep. */
export interface ImportResult {
  /** A world document (`extends: empty`) for harness/sandbox/world.ts. */
  document: Record<string, unknown>;
  found: string[];
  assumed: string[];
  warnings: string[];
}

/** Input that cannot become a world (ambiguous tenant, contradictions): one line, naming the file. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImportError";
  }
}

/** Microsoft's own tenants: first-party apps' `appOwnerOrganizationId`, never a tenant of the world. */
const MICROSOFT_TENANTS = new Set([
  MICROSOFT_SERVICES_TENANT_ID, // Microsoft Services (Graph's service principal in the recordings)
  "72f988bf-86f1-41af-91ab-2d7cd011db47", // Microsoft corporate
]);

interface TenantDraft {
  name: string;
  id?: string;
  domains: string[];
  displayName?: string;
  users: Record<string, Record<string, unknown>>;
  userUpns: Map<string, string>;
  /** Directory roles by user name, from pasted role member lists. */
  userRoles: Map<string, string[]>;
  /** Whether a directory role's member list was pasted for this tenant. */
  rolesKnown: boolean;
  servicePrincipals: string[];
  grants: Record<string, unknown>[];
  appRoleAssignments: { client: string; resource: string; roles: string[] }[];
  managedIdentities: Record<string, Record<string, unknown>>;
}

interface AppDraft {
  name: string;
  tenant: TenantDraft;
  clientId: string;
  json: GraphObject | undefined;
  entry: Record<string, unknown>;
  /** An empty answer for its service principal in its home tenant: the home tenant has none. */
  noHomeServicePrincipal?: boolean;
}

/** A world-file name from a display name: `Contoso Teams` → `contoso-teams`. */
export function worldName(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

function unique(name: string, taken: (n: string) => boolean): string {
  if (!taken(name)) return name;
  for (let i = 2; ; i++) if (!taken(`${name}-${i}`)) return `${name}-${i}`;
}

const where = (o: { file: string; line: number }) => `${o.file}:${o.line}`;

/** Reads pasted files and maps their objects onto a world document. */
export function importTenant(sources: ImportSource[], options: ImportOptions = {}): ImportResult {
  const found: string[] = [];
  const assumed: string[] = [];
  const warnings: string[] = [];
  const tenants: TenantDraft[] = [];
  const names = new Map(Object.entries(options.tenantNames ?? {}).map(([k, v]) => [k.toLowerCase(), v]));

  const newTenant = (name: string): TenantDraft => {
    const tenant: TenantDraft = {
      name: unique(name, (n) => tenants.some((t) => t.name === n)),
      domains: [],
      users: {},
      userUpns: new Map(),
      userRoles: new Map(),
      rolesKnown: false,
      servicePrincipals: [],
      grants: [],
      appRoleAssignments: [],
      managedIdentities: {},
    };
    tenants.push(tenant);
    return tenant;
  };
  const byName = (name: string) => tenants.find((t) => t.name === name) ?? newTenant(name);
  const byDomain = (domain: string): TenantDraft => {
    const key = domain.toLowerCase();
    const existing = tenants.find((t) => t.domains.includes(key));
    if (existing) return existing;
    const tenant = newTenant(names.get(key) ?? (worldName(key.split(".")[0]!) || "tenant"));
    tenant.domains.push(key);
    return tenant;
  };
  const byId = (id: string, nameHint: string | undefined): TenantDraft => {
    const key = id.toLowerCase();
    const existing = tenants.find((t) => t.id === key);
    if (existing) return existing;
    const tenant = newTenant(
      names.get(key) ?? ((nameHint ? worldName(nameHint) : "") || `tenant-${key.slice(0, 8)}`),
    );
    tenant.id = key;
    return tenant;
  };
  /** An organization or account object: the tenant it describes, created or completed. */
  const describeTenant = (
    into: TenantDraft | undefined,
    id: string | undefined,
    domains: string[],
    displayName: string | undefined,
  ) => {
    const lower = domains.map((d) => d.toLowerCase());
    let tenant =
      into ??
      tenants.find((t) => (id && t.id === id.toLowerCase()) || t.domains.some((d) => lower.includes(d)));
    if (!tenant) {
      const named = [id, ...lower].map((k) => k && names.get(k.toLowerCase())).find(Boolean);
      tenant = newTenant(
        named ??
          (worldName((lower[0] ?? "").split(".")[0] ?? "") || worldName(displayName ?? "") || "tenant"),
      );
    }
    if (id && isGuid(id)) {
      if (tenant.id && tenant.id !== id.toLowerCase()) {
        throw new ImportError(`tenant "${tenant.name}" is given two ids, ${tenant.id} and ${id}`);
      }
      tenant.id = id.toLowerCase();
    }
    for (const d of lower) if (!tenant.domains.includes(d)) tenant.domains.push(d);
    tenant.displayName ??= displayName;
    return tenant;
  };

  // Pass 1: read every file, and work out each object's tenant context (file's name, or an organization
  // or account printed earlier in the same file).
  const placed: { object: RecognisedObject; context: TenantDraft | undefined }[] = [];
  const emptyAnswers: {
    command: string | undefined;
    context: TenantDraft | undefined;
    file: string;
    line: number;
    collection: string | undefined;
  }[] = [];
  /** Objects of documents that list every service principal of a tenant. */
  const completeListing = new Set<GraphObject>();
  for (const source of sources) {
    const documents = readPastedDocuments(source.text, source.file);
    const { objects, empty } = recogniseDocuments(documents);
    for (const o of objects) {
      if (o.kind === "servicePrincipal" && listsEveryServicePrincipal(documents[o.document]!)) {
        completeListing.add(o.json);
      }
    }
    let context = source.tenant ? byName(source.tenant) : undefined;
    const byDocument = [
      ...objects.map((o) => ({ at: o.document, o })),
      ...empty.map((e) => ({ at: e.document, e })),
    ];
    byDocument.sort((a, b) => a.at - b.at);
    for (const item of byDocument) {
      if ("e" in item) {
        emptyAnswers.push({ ...item.e, context });
        continue;
      }
      const o = item.o;
      if (o.kind === "organization") {
        const domains = arr(o.json.verifiedDomains).map(obj);
        const ordered = [
          ...domains.filter((d) => d.isDefault === true),
          ...domains.filter((d) => d.isDefault !== true),
        ];
        context = describeTenant(
          source.tenant ? context : undefined,
          str(o.json.id),
          ordered.map((d) => str(d.name)).filter((d): d is string => d !== undefined),
          str(o.json.displayName),
        );
        found.push(`tenant ${context.name} (${context.id ?? "id unknown"}) from ${where(o)}`);
      } else if (o.kind === "account") {
        const domain = str(o.json.tenantDefaultDomain);
        context = describeTenant(
          source.tenant ? context : undefined,
          str(o.json.tenantId),
          domain ? [domain] : [],
          str(o.json.tenantDisplayName),
        );
        found.push(`tenant ${context.name} (${context.id ?? "id unknown"}) from ${where(o)}`);
      } else placed.push({ object: o, context });
    }
  }

  // Pass 2: applications and users, whose own properties name their tenant.
  const apps: AppDraft[] = [];
  const appNameTaken = (n: string) => apps.some((a) => a.name === n);
  const pendingApps: { o: RecognisedObject; context: TenantDraft | undefined }[] = [];
  for (const { object: o, context } of placed) {
    if (o.kind === "application") {
      const publisher = str(o.json.publisherDomain);
      // An application lives in its home tenant, which its publisherDomain names; a file's tenant
      // counts when it owns that domain or its domains are unknown.
      const ownsPublisher =
        context && (context.domains.length === 0 || context.domains.includes(publisher?.toLowerCase() ?? ""));
      const tenant = publisher && !ownsPublisher ? byDomain(publisher) : context;
      if (
        tenant &&
        publisher &&
        !tenant.domains.includes(publisher.toLowerCase()) &&
        tenant.domains.length === 0
      ) {
        tenant.domains.push(publisher.toLowerCase());
      }
      if (tenant) addApplication(o, tenant);
      else pendingApps.push({ o, context });
    } else if (o.kind === "user") addUser(o, context);
  }

  function addApplication(o: RecognisedObject, tenant: TenantDraft): void {
    const appId = str(o.json.appId)!.toLowerCase();
    if (apps.some((a) => a.clientId === appId)) return; // the same app pasted twice
    const displayName = str(o.json.displayName) ?? appId;
    const name = unique(worldName(displayName) || `app-${appId.slice(0, 8)}`, appNameTaken);
    apps.push({ name, tenant, clientId: appId, json: o.json, entry: {} });
    found.push(`application "${displayName}" (appId ${appId}) of ${tenant.name}, from ${where(o)}`);
  }

  function addUser(o: RecognisedObject, context: TenantDraft | undefined): void {
    const upn = str(o.json.userPrincipalName)!;
    const [local, domain] = upn.split("@") as [string, string | undefined];
    if (!domain && !context) {
      throw new ImportError(
        `${where(o)}: user "${upn}" has no domain in its userPrincipalName, and no tenant was named for ${o.file}`,
      );
    }
    const tenant = context ?? byDomain(domain!);
    if (domain && tenant.domains.length === 0) tenant.domains.push(domain.toLowerCase());
    const id = str(o.json.id);
    const role = directoryRoleOf(o.command);
    if (role) tenant.rolesKnown = true;
    // The same user pasted again (as a directory role's member, say): one user, with the role.
    const known = Object.entries(tenant.users).find(
      ([n, u]) =>
        (id && u.objectId === id.toLowerCase()) ||
        tenant.userUpns.get(n)?.toLowerCase() === upn.toLowerCase(),
    )?.[0];
    if (known) {
      if (role) addRole(tenant, known, role.displayName, o);
      return;
    }
    const name = unique(worldName(local.replace(/#EXT#.*$/i, "")) || "user", (n) => n in tenant.users);
    const user: Record<string, unknown> = {};
    if (id && isGuid(id)) user.objectId = id.toLowerCase();
    const displayName = str(o.json.displayName);
    if (displayName) user.displayName = displayName;
    tenant.userUpns.set(name, upn);
    if (o.json.accountEnabled === false) user.enabled = false;
    const teams = hasTeamsLicence(o.json);
    if (teams === undefined) {
      assumed.push(`${tenant.name}/${name} has a Teams licence (the JSON lists no assignedLicenses)`);
    } else user.teamsLicense = teams;
    const validFrom = str(o.json.signInSessionsValidFromDateTime);
    if (validFrom && !Number.isNaN(Date.parse(validFrom))) user.signInSessionsValidFrom = validFrom;
    if (/#EXT#/i.test(upn))
      warnings.push(`${where(o)}: ${upn} is a guest; imported as a member of ${tenant.name}`);
    tenant.users[name] = user;
    found.push(
      `user ${upn} (${tenant.name}/${name}${teams === undefined ? "" : teams ? ", Teams licence" : ", no Teams licence"}), from ${where(o)}`,
    );
    if (role) addRole(tenant, name, role.displayName, o);
  }

  function addRole(tenant: TenantDraft, user: string, role: string, o: RecognisedObject): void {
    const roles = tenant.userRoles.get(user) ?? [];
    if (!roles.includes(role)) roles.push(role);
    tenant.userRoles.set(user, roles);
    found.push(`${tenant.name}/${user} holds ${role}, from ${where(o)}`);
  }

  /** Where service principals and grants go when nothing names their tenant. */
  let customer: TenantDraft | undefined;
  const customerTenant = (o: { file: string; line: number }): TenantDraft => {
    if (customer) return customer;
    if (options.customerTenant) return (customer = byName(options.customerTenant));
    const homes = new Set(apps.filter((a) => a.json).map((a) => a.tenant));
    const candidates = tenants.filter((t) => !homes.has(t));
    if (candidates.length === 1) customer = candidates[0]!;
    else if (candidates.length === 0 && tenants.length === 1) customer = tenants[0]!;
    else if (tenants.length === 0) {
      customer = newTenant("customer");
      assumed.push(
        `the pasted objects belong to one tenant, named "customer" (name it with --tenant-name NAME)`,
      );
    } else {
      throw new ImportError(
        `${where(o)}: cannot tell which tenant this object belongs to ` +
          `(${tenants.map((t) => t.name).join(", ")}): name the file's tenant (fabrikam=${o.file}), pass ` +
          `--tenant-name NAME, or paste "az account show" above it`,
      );
    }
    return customer;
  };
  for (const { o, context } of pendingApps) addApplication(o, context ?? customerTenant(o));

  // Pass 3: service principals (they resolve grants' object ids) and grants.
  const spIndex = new Map<string, { ref: string; tenant: TenantDraft }>();
  const addSp = (tenant: TenantDraft, ref: string) => {
    if (!tenant.servicePrincipals.includes(ref)) tenant.servicePrincipals.push(ref);
  };
  /** Tenants whose every service principal was pasted, and the app ids of those seen in each. */
  const listed = new Map<TenantDraft, { at: string; appIds: Set<string> }>();
  for (const { object: o, context } of placed) {
    if (o.kind !== "servicePrincipal") continue;
    const tenant = context ?? customerTenant(o);
    if (completeListing.has(o.json) && !listed.has(tenant))
      listed.set(tenant, { at: where(o), appIds: new Set() });
    const seen = str(o.json.appId)?.toLowerCase();
    if (seen) listed.get(tenant)?.appIds.add(seen);
    const appId = str(o.json.appId)?.toLowerCase();
    const objectId = str(o.json.id)?.toLowerCase();
    const displayName = str(o.json.displayName) ?? appId ?? "service principal";
    if (o.json.servicePrincipalType === "ManagedIdentity") {
      const name = unique(worldName(displayName) || "managed-identity", (n) => n in tenant.managedIdentities);
      const userAssigned = arr(o.json.alternativeNames).some(
        (n) => String(n).toLowerCase() === "isexplicit=true",
      );
      tenant.managedIdentities[name] = {
        type: userAssigned ? "userAssigned" : "systemAssigned",
        ...(appId ? { clientId: appId } : {}),
        ...(objectId ? { objectId } : {}),
      };
      assumed.push(`managed identity ${tenant.name}/${name} is assigned to the machine the sandbox plays`);
      found.push(`managed identity "${displayName}" in ${tenant.name}, from ${where(o)}`);
      continue;
    }
    if (!appId) {
      warnings.push(`${where(o)}: service principal "${displayName}" has no appId: left out`);
      continue;
    }
    const firstParty = findFirstParty(appId);
    const client = findFirstPartyClient(appId);
    let ref: string;
    /** Every tenant holds it, or it is an app's own in its home tenant: the world does not list it. */
    let implicit: string | undefined;
    if (firstParty) {
      ref = firstParty.key;
      if (firstParty.inEveryTenant) implicit = "every tenant has it";
    } else if (client) {
      ref = client.key;
      implicit = "Microsoft's client apps are in every tenant";
    } else {
      let app = apps.find((a) => a.clientId === appId);
      const owner = str(o.json.appOwnerOrganizationId)?.toLowerCase();
      if (!app && owner && MICROSOFT_TENANTS.has(owner)) {
        warnings.push(
          `${where(o)}: "${displayName}" (${appId}) is a Microsoft service the sandbox does not play: left out`,
        );
        continue;
      }
      if (!app) app = applicationFromServicePrincipal(o, tenant, owner);
      // The app's service principal elsewhere names its home tenant's id, which the app object does not.
      else if (owner && !app.tenant.id && isGuid(owner) && !tenants.some((t) => t.id === owner)) {
        app.tenant.id = owner;
      }
      ref = app.name;
      if (app.tenant === tenant) implicit = "its home tenant has it";
    }
    if (!implicit) addSp(tenant, ref);
    if (objectId) spIndex.set(objectId, { ref, tenant });
    found.push(
      `service principal "${displayName}" (appId ${appId}) in ${tenant.name}${implicit ? ` (${implicit})` : ""}, from ${where(o)}`,
    );
  }

  // An app registered through Graph has no service principal in its home tenant until one is made: a
  // complete list of the home tenant's service principals without it says so.
  for (const app of apps) {
    const list = listed.get(app.tenant);
    if (!app.json || !list || list.appIds.has(app.clientId)) continue;
    app.noHomeServicePrincipal = true;
    found.push(
      `no service principal of ${app.name} in its home tenant ${app.tenant.name}, from the list at ${list.at}`,
    );
  }

  /** An app known only by its service principal in another tenant: registered in its owner's tenant. */
  function applicationFromServicePrincipal(
    o: RecognisedObject,
    spTenant: TenantDraft,
    owner: string | undefined,
  ): AppDraft {
    const appId = str(o.json.appId)!.toLowerCase();
    const displayName = str(o.json.appDisplayName) ?? str(o.json.displayName) ?? appId;
    const home = owner ? byId(owner, str(o.json.publisherName)) : spTenant;
    const name = unique(worldName(displayName) || `app-${appId.slice(0, 8)}`, appNameTaken);
    const draft: AppDraft = { name, tenant: home, clientId: appId, json: undefined, entry: {} };
    draft.entry = {
      tenant: home.name,
      clientId: appId,
      displayName,
      ...audienceOf(o, str(o.json.signInAudience), name),
      publicClientFlows: true,
      ...(arr(o.json.replyUrls).length > 0
        ? { redirectUris: { publicClient: arr(o.json.replyUrls).map(String) } }
        : {}),
      ...(str(obj(o.json.verifiedPublisher).verifiedPublisherId) ? { verifiedPublisher: true } : {}),
    };
    apps.push(draft);
    assumed.push(
      `app "${displayName}" is known only by its service principal: registered in ${home.name} with public client ` +
        `flows on, its replyUrls as public client redirect URIs and no required permissions (paste "az ad app show --id ${appId}" from its home tenant to know them)`,
    );
    return draft;
  }

  for (const e of emptyAnswers) {
    const appId =
      /appId\s+eq\s+'([0-9a-f-]{36})'/i.exec(e.command ?? "")?.[1] ??
      /--id\s+([0-9a-f-]{36})/i.exec(e.command ?? "")?.[1];
    const isSpQuery =
      /\bsp\b|servicePrincipals/i.test(e.command ?? "") || e.collection === "servicePrincipals";
    if (!appId || !isSpQuery) continue;
    const tenant = e.context ?? customerTenant(e);
    const firstParty = findFirstParty(appId.toLowerCase());
    const label = firstParty?.displayName ?? appId;
    const home = apps.find((a) => a.clientId === appId.toLowerCase() && a.tenant === tenant);
    const present =
      tenant.servicePrincipals.includes(firstParty?.key ?? "") ||
      apps.some((a) => a.clientId === appId.toLowerCase() && tenant.servicePrincipals.includes(a.name)) ||
      (home !== undefined && [...spIndex.values()].some((v) => v.ref === home.name && v.tenant === tenant));
    if (present)
      warnings.push(
        `${e.file}:${e.line}: an empty answer for ${label}, but its service principal was pasted too: kept`,
      );
    else if (firstParty?.inEveryTenant || findFirstPartyClient(appId)) {
      warnings.push(
        `${e.file}:${e.line}: an empty answer for ${label}, which every tenant has: the sandbox keeps it`,
      );
    } else {
      // An app registered through Graph has no service principal in its home tenant until one is made.
      if (home) home.noHomeServicePrincipal = true;
      found.push(`no service principal of ${label} (${appId}) in ${tenant.name}, from ${e.file}:${e.line}`);
    }
  }

  /**
   * A service principal object id the sandbox derived (what `export-graph` prints for a grant whose
   * service principal the world does not list): it names its app without the principal being present.
   */
  const derivedSpRef = (tenant: TenantDraft, objectId: string): string | undefined => {
    if (!tenant.id) return undefined;
    const derived = (appId: string) => servicePrincipalObjectId(tenant.id!, appId) === objectId;
    return (
      FIRST_PARTY_RESOURCES.find((r) => derived(r.appId))?.key ??
      FIRST_PARTY_CLIENTS.find((c) => derived(c.appId))?.key ??
      apps.find((a) => derived(a.clientId))?.name
    );
  };

  for (const { object: o, context } of placed) {
    if (o.kind !== "oauth2PermissionGrant") continue;
    const tenant = context ?? customerTenant(o);
    const scopes = String(o.json.scope ?? "")
      .split(/\s+/)
      .filter(Boolean);
    if (scopes.length === 0) {
      warnings.push(`${where(o)}: a grant with no scopes: left out`);
      continue;
    }
    let client =
      spIndex.get(String(o.json.clientId).toLowerCase())?.ref ??
      derivedSpRef(tenant, String(o.json.clientId).toLowerCase());
    if (!client) {
      if (apps.length === 1) {
        client = apps[0]!.name;
        assumed.push(
          `${where(o)}: the grant's client (service principal ${String(o.json.clientId)}) is ${client}, the only app imported`,
        );
        if (apps[0]!.tenant !== tenant) addSp(tenant, client);
      } else {
        warnings.push(
          `${where(o)}: the grant's client service principal ${String(o.json.clientId)} was not pasted: grant left out (paste "az ad sp show" for it)`,
        );
        continue;
      }
    }
    let resource =
      spIndex.get(String(o.json.resourceId).toLowerCase())?.ref ??
      derivedSpRef(tenant, String(o.json.resourceId).toLowerCase());
    if (!resource) {
      const owners = FIRST_PARTY_RESOURCES.filter((r) =>
        scopes.every((s) => r.scopes.some((x) => x.name === s)),
      );
      if (owners.length !== 1) {
        warnings.push(
          `${where(o)}: the grant's resource service principal ${String(o.json.resourceId)} was not pasted and its scopes (${scopes.join(" ")}) do not name one: grant left out`,
        );
        continue;
      }
      resource = owners[0]!.key;
      if (!owners[0]!.inEveryTenant) addSp(tenant, resource);
      assumed.push(
        `${where(o)}: the grant's resource (service principal ${String(o.json.resourceId)}) is ${owners[0]!.displayName}, whose scopes it names; its service principal exists in ${tenant.name}`,
      );
    }
    const grant: Record<string, unknown> = { client, resource, scopes };
    if (o.json.consentType === "Principal") {
      const principal = String(o.json.principalId).toLowerCase();
      const user = Object.entries(tenant.users).find(([, u]) => u.objectId === principal)?.[0];
      if (!user) {
        warnings.push(
          `${where(o)}: a user's own consent (principalId ${principal}) for a user not pasted: left out (paste "az ad user show --id ${principal}")`,
        );
        continue;
      }
      grant.user = user;
    }
    tenant.grants.push(grant);
    found.push(
      `${grant.user ? `${String(grant.user)}'s own` : "tenant-wide"} consent of ${client} to ${resource} (${scopes.join(" ")}) in ${tenant.name}, from ${where(o)}`,
    );
  }

  /**
   * The name (scope value, role value) of a permission id of a resource (a world reference): the real ids
   * of Microsoft's APIs (mock-aad/first-party.ts), or those the pasted app exposing it lists.
   */
  function permissionName(ref: string, id: string, type: "Scope" | "Role"): string | undefined {
    const firstParty = FIRST_PARTY_RESOURCES.find((r) => r.key === ref);
    if (firstParty) {
      return type === "Scope"
        ? firstParty.scopes.find((s) => s.id.toLowerCase() === id)?.name
        : firstParty.appRoles.find((r) => r.id.toLowerCase() === id)?.value;
    }
    const json = apps.find((a) => a.name === ref)?.json;
    const listed = type === "Scope" ? arr(obj(json?.api).oauth2PermissionScopes) : arr(json?.appRoles);
    return str(listed.map(obj).find((p) => str(p.id)?.toLowerCase() === id)?.value);
  }

  // App role assignments: application permissions an admin granted a service principal.
  for (const { object: o, context } of placed) {
    if (o.kind !== "appRoleAssignment") continue;
    const tenant = context ?? customerTenant(o);
    if (o.json.principalType !== undefined && o.json.principalType !== "ServicePrincipal") {
      warnings.push(
        `${where(o)}: an app role assigned to a ${String(o.json.principalType)} (${String(o.json.principalDisplayName ?? o.json.principalId)}): left out (the world keeps application permissions of service principals)`,
      );
      continue;
    }
    const principalId = String(o.json.principalId).toLowerCase();
    const resourceId = String(o.json.resourceId).toLowerCase();
    const client = spIndex.get(principalId)?.ref ?? derivedSpRef(tenant, principalId);
    const resource = spIndex.get(resourceId)?.ref ?? derivedSpRef(tenant, resourceId);
    if (!client || !resource) {
      warnings.push(
        `${where(o)}: the app role assignment's ${client ? "resource" : "client"} service principal ${client ? resourceId : principalId} was not pasted: left out (paste "az ad sp show" for it)`,
      );
      continue;
    }
    const appRoleId = String(o.json.appRoleId).toLowerCase();
    let role = permissionName(resource, appRoleId, "Role");
    if (!role) {
      warnings.push(
        `${where(o)}: ${client}'s app role ${appRoleId} of ${resource}, unknown to the sandbox: kept by id`,
      );
      role = appRoleId;
    }
    const existing = tenant.appRoleAssignments.find((a) => a.client === client && a.resource === resource);
    if (existing) {
      if (!existing.roles.includes(role)) existing.roles.push(role);
    } else tenant.appRoleAssignments.push({ client, resource, roles: [role] });
    found.push(
      `${client}'s application permission ${role} of ${resource} in ${tenant.name}, from ${where(o)}`,
    );
  }

  // Applications' own properties, now that every app and resource has its world name.
  for (const app of apps) if (app.json) app.entry = applicationEntry(app);

  function audienceOf(
    o: RecognisedObject,
    audience: string | undefined,
    name: string,
  ): Record<string, unknown> {
    switch (audience) {
      case "AzureADMyOrg":
        return { signInAudience: "single" };
      case "AzureADMultipleOrgs":
        return { signInAudience: "multitenant" };
      case "AzureADandPersonalMicrosoftAccount":
        warnings.push(
          `${where(o)}: ${name} also signs in personal Microsoft accounts, which the sandbox does not have: imported as multitenant`,
        );
        return { signInAudience: "multitenant" };
      case "PersonalMicrosoftAccount":
        warnings.push(
          `${where(o)}: ${name} signs in personal Microsoft accounts only, which the sandbox does not have: imported as single tenant`,
        );
        return { signInAudience: "single" };
      default:
        assumed.push(`${name} is multitenant (the JSON gives no signInAudience)`);
        return { signInAudience: "multitenant" };
    }
  }

  function applicationEntry(app: AppDraft): Record<string, unknown> {
    const json = app.json!;
    const o = placed.find((p) => p.object.json === json)!.object;
    const entry: Record<string, unknown> = {
      tenant: app.tenant.name,
      clientId: app.clientId,
      displayName: str(json.displayName) ?? app.name,
      ...audienceOf(o, str(json.signInAudience), app.name),
      publicClientFlows: json.isFallbackPublicClient === true,
    };
    const redirects: Record<string, string[]> = {};
    for (const kind of ["publicClient", "web", "spa"] as const) {
      const uris = arr(obj(json[kind]).redirectUris).map(String);
      if (uris.length > 0) redirects[kind] = uris;
    }
    if (Object.keys(redirects).length > 0) entry.redirectUris = redirects;
    if (str(obj(json.verifiedPublisher).verifiedPublisherId)) entry.verifiedPublisher = true;
    const required: Record<string, string[]> = {};
    const requiredRoles: Record<string, string[]> = {};
    for (const access of arr(json.requiredResourceAccess).map(obj)) {
      const resourceAppId = str(access.resourceAppId)?.toLowerCase() ?? "";
      const firstParty = findFirstParty(resourceAppId);
      const other = apps.find((a) => a.clientId === resourceAppId);
      if (!firstParty && !other) {
        warnings.push(
          `${where(o)}: ${app.name} asks for permissions of ${resourceAppId}, an API the sandbox does not know: left out`,
        );
        continue;
      }
      const key = firstParty?.key ?? other!.name;
      for (const permission of arr(access.resourceAccess).map(obj)) {
        const id = str(permission.id)?.toLowerCase() ?? "";
        const role = permission.type === "Role";
        const name = permissionName(key, id, role ? "Role" : "Scope");
        if (!name) {
          warnings.push(
            `${where(o)}: ${app.name} asks for ${role ? "application permission" : "scope"} ${id} of ${key}, ` +
              `unknown to the sandbox${firstParty ? ` (it models ${firstParty.displayName}'s permissions the admin tools and the quickstart use)` : ""}: kept by id`,
          );
        }
        ((role ? requiredRoles : required)[key] ??= []).push(name ?? id);
      }
    }
    if (Object.keys(required).length > 0) entry.requiredResourceAccess = required;
    if (Object.keys(requiredRoles).length > 0) entry.requiredAppRoles = requiredRoles;
    const exposed = arr(obj(json.api).oauth2PermissionScopes)
      .map(obj)
      .filter((x) => str(x.value))
      .map((x) => exposedScope(app.clientId, x));
    if (exposed.length > 0) entry.exposedScopes = exposed;
    const roles = arr(json.appRoles)
      .map(obj)
      .filter((x) => str(x.value))
      .map((x) => exposedRole(app.clientId, x));
    if (roles.length > 0) entry.appRoles = roles;
    // The world's default identifier URI is api://<clientId> for an app exposing an API, else none.
    const uris = arr(json.identifierUris).map(String);
    const defaultUris = exposed.length > 0 || roles.length > 0 ? [`api://${app.clientId}`] : [];
    if ("identifierUris" in json && uris.join(" ") !== defaultUris.join(" ")) entry.identifierUris = uris;
    if (app.noHomeServicePrincipal) entry.homeServicePrincipal = false;
    const secrets = arr(json.passwordCredentials).length;
    if (secrets > 0) {
      assumed.push(
        `${app.name} has ${secrets} client secret(s) in Entra, whose values Graph never returns: add "secrets:" to the world to use one`,
      );
    }
    if (arr(json.keyCredentials).length > 0) {
      assumed.push(
        `${app.name}'s certificates are not imported (Graph lists their thumbprints, not the PEM): add "certificates:" to use one`,
      );
    }
    return entry;
  }

  // A Communication Services resource for each home tenant of an app asking for ACS scopes: the ISV's
  // resource is not a directory object, yet the exchange needs one.
  const acs: Record<string, unknown> = {};
  for (const app of apps) {
    const asks = obj(app.entry.requiredResourceAccess);
    if (!("acs" in asks)) continue;
    const name = `${app.tenant.name}-acs`;
    if (name in acs) continue;
    acs[name] = { tenant: app.tenant.name };
    assumed.push(
      `${app.tenant.name} owns a Communication Services resource "${name}" (not a directory object; the exchange needs one)`,
    );
  }

  const document: Record<string, unknown> = {
    extends: "empty",
    tenants: Object.fromEntries(tenants.map((t) => [t.name, tenantEntry(t)])),
    apps: Object.fromEntries(apps.map((a) => [a.name, a.entry])),
    ...(Object.keys(acs).length > 0 ? { acs } : {}),
  };
  for (const t of tenants) {
    if (!t.id) assumed.push(`${t.name}'s tenant id is derived from its name (the JSON does not give it)`);
  }
  if (tenants.some((t) => Object.keys(t.users).length > 0)) {
    assumed.push(`users' passwords are the sandbox default Passw0rd!; none needs MFA`);
  }
  for (const t of tenants) {
    if (Object.keys(t.users).length > 0 && !t.rolesKnown) {
      assumed.push(
        `no user of ${t.name} holds a directory role (paste \`az rest --url "https://graph.microsoft.com/v1.0/directoryRoles(roleTemplateId='62e90394-69f5-4237-9190-012177145e10')/members"\` to name its Global Administrators)`,
      );
    }
  }
  assumed.push(`user consent policy: verifiedPublishersOnly (Entra's default)`);
  assumed.push(
    `service principal object ids and grant ids are derived by the sandbox (the world has no field for them)`,
  );
  return { document, found, assumed, warnings };

  function tenantEntry(t: TenantDraft): Record<string, unknown> {
    const domain = t.domains[0];
    const users = Object.fromEntries(
      Object.entries(t.users).map(([name, u]) => {
        const upn = t.userUpns.get(name)!;
        const implied = `${name}@${domain ?? `${t.name}.onmicrosoft.com`}`;
        // Global Administrator is the world's `isAdmin`; other roles are listed by name.
        const held = t.userRoles.get(name) ?? [];
        const roles = held.filter((r) => r !== "Global Administrator");
        return [
          name,
          {
            ...u,
            ...(upn.toLowerCase() === implied.toLowerCase() ? {} : { upn }),
            ...(held.includes("Global Administrator") ? { isAdmin: true } : {}),
            ...(roles.length > 0 ? { roles } : {}),
          },
        ];
      }),
    );
    return {
      ...(t.id ? { id: t.id } : {}),
      ...(t.displayName ? { displayName: t.displayName } : {}),
      ...(domain ? { domain } : {}),
      ...(Object.keys(users).length > 0 ? { users } : {}),
      ...(t.servicePrincipals.length > 0 ? { servicePrincipals: t.servicePrincipals } : {}),
      ...(t.grants.length > 0 ? { grants: t.grants } : {}),
      ...(t.appRoleAssignments.length > 0 ? { appRoleAssignments: t.appRoleAssignments } : {}),
      ...(Object.keys(t.managedIdentities).length > 0 ? { managedIdentities: t.managedIdentities } : {}),
    };
  }
}
