import type { FastifyInstance } from "fastify";
import { mayPerform, authorize, callersSubscription, type ArmCaller } from "../auth.js";
import { COMMUNICATION, ROLE_ASSIGNMENTS, ROLE_DEFINITIONS } from "../api-versions.js";
import { ArmError } from "../errors.js";
import { resourceGroupScope, sameId, subscriptionScope } from "../model.js";
import { ARM_OPERATIONS as OPS } from "../operations.js";
import type { ArmService } from "../service.js";
import { serveArm } from "../service.js";
import { genericResourceShape, providerShape } from "../shapes.js";
import { resourceGroupOf } from "./subscriptions.js";
import type { AcsResource } from "../../resources.js";

/*
 * Microsoft.Resources' generic views the Azure CLI reads before the resource's own provider:
 * `az resource list` (Resources_List, Resources_ListByResourceGroup) and the provider registration
 * `az resource show --ids` reads to choose an api-version (Providers_Get; Azure/azure-cli
 * src/azure-cli/azure/cli/command_modules/resource/custom.py `_ResourceUtils.resolve_api_version` takes
 * the newest non-preview version the provider lists for the type). Spec: Azure/azure-rest-api-specs
 * specification/resources/resource-manager/Microsoft.Resources/resources/stable/2024-11-01/resources.json.
 */

const READ_RESOURCES = "Microsoft.Resources/subscriptions/resources/read";
const READ_GROUP_RESOURCES = "Microsoft.Resources/subscriptions/resourceGroups/resources/read";
const READ_PROVIDERS = "Microsoft.Resources/subscriptions/providers/read";
const COMMUNICATION_READ = "Microsoft.Communication/CommunicationServices/read";

/** The resource providers the sandbox serves, with their types and api-versions. */
const PROVIDERS = [
  {
    namespace: "Microsoft.Communication",
    resourceTypes: [
      { resourceType: "CommunicationServices", locations: ["global"], apiVersions: COMMUNICATION.versions },
      {
        resourceType: "locations/operationStatuses",
        locations: ["global"],
        apiVersions: COMMUNICATION.versions,
      },
    ],
  },
  {
    namespace: "Microsoft.Authorization",
    resourceTypes: [
      { resourceType: "roleAssignments", locations: [], apiVersions: ROLE_ASSIGNMENTS.versions },
      { resourceType: "roleDefinitions", locations: [], apiVersions: ROLE_DEFINITIONS.versions },
    ],
  },
] as const;

export type SandboxProvider = (typeof PROVIDERS)[number];

/** One `name eq 'value'` clause of a resource list's `$filter`. */
interface Clause {
  property: "resourcetype" | "name" | "location" | "resourcegroup";
  value: string;
}

/**
 * `$filter` as `az resource list` writes it: `resourceType eq '…'`, `name eq '…'`, `location eq '…'`,
 * `resourceGroup eq '…'`, joined by `and` (any case). [infer] Other forms ARM takes (`substringof`,
 * `tagName`) are refused with ARM's filter error rather than ignored.
 */
function parseFilter(filter: string | undefined): Clause[] {
  if (filter === undefined || filter.trim() === "") return [];
  return filter.split(/\s+and\s+/i).map((part) => {
    const match = /^\s*(resourceType|name|location|resourceGroup)\s+eq\s+'((?:[^']|'')*)'\s*$/i.exec(part);
    if (!match) throw new ArmError("InvalidFilterInQueryString", { filter });
    return {
      property: match[1]!.toLowerCase() as Clause["property"],
      value: match[2]!.replace(/''/g, "'"),
    };
  });
}

function matches(r: AcsResource, clauses: Clause[]): boolean {
  const values = {
    resourcetype: "Microsoft.Communication/communicationServices",
    name: r.name,
    location: "global",
    resourcegroup: r.resourceGroup,
  };
  return clauses.every((c) => sameId(values[c.property], c.value));
}

function topOf(top: string | undefined): number | undefined {
  if (top === undefined) return undefined;
  const n = Number(top);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

export function resourceRoutes(service: ArmService) {
  const { ctx } = service;

  /** The resources a list answers: in the scope, matching the filter, readable by the caller. */
  const listed = (
    caller: ArmCaller,
    query: Record<string, string | undefined>,
    inScope: (r: AcsResource) => boolean,
  ) => {
    const clauses = parseFilter(query.$filter);
    const expand = (query.$expand ?? "").toLowerCase().split(",");
    const value = ctx
      .resources()
      .filter((r) => inScope(r) && matches(r, clauses))
      .filter((r) => mayPerform(ctx, caller, COMMUNICATION_READ, r.armId))
      .map((r) => genericResourceShape(r, expand.includes("provisioningstate")));
    const top = topOf(query.$top);
    return top === undefined ? value : value.slice(0, top);
  };

  return async (app: FastifyInstance) => {
    serveArm(app, service, OPS.listResources, ({ caller, params, query }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const value = listed(caller, query, (r) => sameId(r.subscriptionId, subscription.id));
      if (value.length === 0) authorize(ctx, caller, READ_RESOURCES, subscriptionScope(subscription.id));
      return { value };
    });

    serveArm(app, service, OPS.listResourcesByResourceGroup, ({ caller, params, query }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const group = params.resourceGroupName!;
      authorize(ctx, caller, READ_GROUP_RESOURCES, resourceGroupScope(subscription.id, group));
      resourceGroupOf(subscription, group);
      const value = listed(
        caller,
        query,
        (r) => sameId(r.subscriptionId, subscription.id) && sameId(r.resourceGroup, group),
      );
      return { value };
    });

    serveArm(app, service, OPS.getProvider, ({ caller, params }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const provider = PROVIDERS.find((p) => sameId(p.namespace, params.resourceProviderNamespace!));
      if (!provider) {
        throw new ArmError("InvalidResourceNamespace", { namespace: params.resourceProviderNamespace! });
      }
      // [infer] Reading a provider's registration needs only read access somewhere in the subscription;
      // ARM refuses a caller with no role in it.
      const anywhere =
        mayPerform(ctx, caller, READ_PROVIDERS, subscriptionScope(subscription.id)) ||
        ctx
          .resources()
          .some(
            (r) =>
              sameId(r.subscriptionId, subscription.id) &&
              mayPerform(ctx, caller, COMMUNICATION_READ, r.armId),
          );
      if (!anywhere) authorize(ctx, caller, READ_PROVIDERS, subscriptionScope(subscription.id));
      return providerShape(subscription.id, provider);
    });
  };
}
