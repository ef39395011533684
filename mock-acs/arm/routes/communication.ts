import { randomBytesPooled } from "../../../core/random.js";
import type { FastifyInstance } from "fastify";
import { communicationServiceId, type AcsResource } from "../../resources.js";
import { authorize, callersSubscription } from "../auth.js";
import { ArmError } from "../errors.js";
import { resourceGroupScope, sameId, subscriptionScope } from "../model.js";
import { ARM_OPERATIONS as OPS } from "../operations.js";
import type { ArmService } from "../service.js";
import { serveArm } from "../service.js";
import { communicationServiceShape, dataLocationKey, keysShape, regionOf } from "../shapes.js";
import { resourceGroupOf } from "./subscriptions.js";

/*
 * Microsoft.Communication/communicationServices: the resource, its keys and their rotation. Changes go
 * through the world's edit path, so a regenerated key fails HMAC on the data plane at once and the
 * descriptor's connection string follows.
 */

const TYPE = "Microsoft.Communication/CommunicationServices";
const READ = `${TYPE}/read`;
const WRITE = `${TYPE}/write`;
const DELETE = `${TYPE}/delete`;
const LIST_KEYS = `${TYPE}/ListKeys/action`;
const REGENERATE_KEY = `${TYPE}/RegenerateKey/action`;

/** A new access key: 64 random bytes, base64, as the portal's keys are. */
function newKey(): string {
  return randomBytesPooled(64).toString("base64");
}

function tagsOf(value: unknown): Record<string, string> | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === "string")) as Record<
    string,
    string
  >;
}

export function communicationRoutes(service: ArmService) {
  const { ctx } = service;

  /** The resource a path names, after the caller's tenant and permission are checked. */
  const addressed = (
    call: { caller: Parameters<typeof authorize>[1]; params: Record<string, string> },
    action: string,
  ): { resource: AcsResource | undefined; scope: string; subscriptionId: string; group: string } => {
    const subscription = callersSubscription(ctx, call.caller, call.params.subscriptionId!);
    const group = call.params.resourceGroupName!;
    const name = call.params.communicationServiceName!;
    const scope = communicationServiceId(subscription.id, group, name);
    authorize(ctx, call.caller, action, scope);
    const resource = ctx.resources().find((r) => sameId(r.armId, scope));
    return { resource, scope, subscriptionId: subscription.id, group };
  };
  const existing = (call: Parameters<typeof addressed>[0], action: string): AcsResource => {
    const { resource, subscriptionId, group } = addressed(call, action);
    const subscription = callersSubscription(ctx, call.caller, subscriptionId);
    resourceGroupOf(subscription, group);
    if (!resource) {
      throw new ArmError("ResourceNotFound", {
        type: "Microsoft.Communication/communicationServices",
        name: call.params.communicationServiceName!,
        resourceGroup: group,
      });
    }
    return resource;
  };
  const current = (name: string) => ctx.resources().find((r) => r.name === name)!;

  return async (app: FastifyInstance) => {
    serveArm(app, service, OPS.listCommunicationServicesBySubscription, ({ caller, params }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      authorize(ctx, caller, READ, subscriptionScope(subscription.id));
      const value = ctx
        .resources()
        .filter((r) => sameId(r.subscriptionId, subscription.id))
        .map((r) => communicationServiceShape(r));
      return { value };
    });

    serveArm(app, service, OPS.listCommunicationServicesByResourceGroup, ({ caller, params }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const group = params.resourceGroupName!;
      authorize(ctx, caller, READ, resourceGroupScope(subscription.id, group));
      resourceGroupOf(subscription, group);
      const value = ctx
        .resources()
        .filter((r) => sameId(r.subscriptionId, subscription.id) && sameId(r.resourceGroup, group))
        .map((r) => communicationServiceShape(r));
      return { value };
    });

    serveArm(app, service, OPS.getCommunicationService, (call) =>
      communicationServiceShape(existing(call, READ)),
    );

    serveArm(app, service, OPS.createOrUpdateCommunicationService, async (call, request, reply) => {
      const { resource, subscriptionId, group } = addressed(call, WRITE);
      const subscription = callersSubscription(ctx, call.caller, subscriptionId);
      const resourceGroup = resourceGroupOf(subscription, group);
      const name = call.params.communicationServiceName!;
      const body = (request.body ?? {}) as {
        location?: unknown;
        tags?: unknown;
        properties?: { dataLocation?: unknown };
      };
      if (typeof body.location !== "string") {
        throw new ArmError("InvalidRequestContent", { detail: "location is required" });
      }
      if (body.location.toLowerCase() !== "global") {
        throw new ArmError("InvalidResourceLocation", { location: body.location });
      }
      const dataLocation = body.properties?.dataLocation;
      if (!resource && typeof dataLocation !== "string") {
        throw new ArmError("InvalidRequestContent", { detail: "properties.dataLocation is required" });
      }
      // Names are host names: unique across every subscription.
      if (!resource && ctx.resources().some((r) => r.name.toLowerCase() === name.toLowerCase())) {
        throw new ArmError("NameUnavailable", { name });
      }
      const tags = tagsOf(body.tags);
      if (resource) {
        await ctx.editResources((doc) => {
          if (tags) doc.acs[resource.name]!.tags = tags;
        });
        return communicationServiceShape(current(resource.name));
      }
      const tenant = ctx.arm().tenants.find((t) => t.id === subscription.tenantId);
      const location = dataLocationKey(dataLocation as string);
      await ctx.editResources((doc) => {
        doc.acs[name] = {
          ...(tenant ? { tenant: tenant.name } : {}),
          subscription: subscription.id,
          resourceGroup: resourceGroup.name,
          tags: tags ?? {},
          location,
          region: regionOf(location),
          primaryKey: newKey(),
          secondaryKey: newKey(),
          roleAssignments: [],
          teamsExtensionAssignments: [],
          entraAssignments: [],
        };
      });
      // Long-running as the provider answers it (recording_communicationservice_create_test.json): 201,
      // provisioningState Accepted and an Azure-AsyncOperation URL to poll.
      const created = current(name);
      const operation = await service.operations.start(created.armId);
      reply.header(
        "Azure-AsyncOperation",
        `${call.origin}/subscriptions/${subscription.id}/providers/Microsoft.Communication/locations/WESTUS2/operationStatuses/${operation}?api-version=${call.apiVersion}`,
      );
      return reply.code(201).send(communicationServiceShape(created, "Accepted"));
    });

    serveArm(app, service, OPS.communicationOperationStatus, async ({ caller, params }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const operation = await service.operations.find(params.operationId!);
      if (!operation) {
        // [infer] ARM's answer for an unknown operation id is not recorded.
        throw new ArmError("NotFound", {
          uri: `/subscriptions/${subscription.id}/providers/Microsoft.Communication/locations/${params.location}/operationStatuses/${params.operationId}`,
        });
      }
      // [infer] The sandbox provisions at once: the first poll says Succeeded.
      return {
        id: `/subscriptions/${subscription.id}/providers/Microsoft.Communication/locations/${params.location}/operationStatuses/${params.operationId}`,
        name: params.operationId,
        resourceId: operation.resourceId,
        status: "Succeeded",
        startTime: operation.startTime,
        endTime: operation.endTime,
      };
    });

    serveArm(app, service, OPS.updateCommunicationService, async (call, request) => {
      const resource = existing(call, WRITE);
      const tags = tagsOf((request.body as { tags?: unknown } | undefined)?.tags);
      if (tags) await ctx.editResources((doc) => (doc.acs[resource.name]!.tags = tags));
      return communicationServiceShape(current(resource.name));
    });

    serveArm(app, service, OPS.deleteCommunicationService, async (call, _request, reply) => {
      const { resource } = addressed(call, DELETE);
      if (!resource) return reply.code(204).send();
      await ctx.editResources((doc) => {
        delete doc.acs[resource.name];
      });
      return reply.code(200).send();
    });

    serveArm(app, service, OPS.listCommunicationServiceKeys, (call) => keysShape(existing(call, LIST_KEYS)));

    serveArm(app, service, OPS.regenerateCommunicationServiceKey, async (call, request) => {
      const resource = existing(call, REGENERATE_KEY);
      const keyType = (request.body as { keyType?: unknown } | undefined)?.keyType;
      const which = typeof keyType === "string" ? keyType.toLowerCase() : "";
      if (which !== "primary" && which !== "secondary") {
        throw new ArmError("InvalidRequestContent", {
          detail: "keyType must be either 'primary' or 'secondary' (case-insensitive)",
        });
      }
      await ctx.editResources((doc) => {
        const entry = doc.acs[resource.name]!;
        // Both keys become explicit: the one kept must not change when the world is rebuilt.
        entry.primaryKey = which === "primary" ? newKey() : resource.primaryKey;
        entry.secondaryKey = which === "secondary" ? newKey() : resource.secondaryKey;
      });
      // The spec's 200 returns CommunicationServiceKeys; [infer] with both keys, as listKeys.
      return keysShape(current(resource.name));
    });
  };
}
