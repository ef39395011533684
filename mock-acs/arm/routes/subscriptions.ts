import { randomUUID } from "node:crypto";
import type { FastifyInstance } from "fastify";
import { authorize, callersSubscription, mayPerform } from "../auth.js";
import { ArmError } from "../errors.js";
import {
  isWithin,
  resourceGroupScope,
  sameId,
  subscriptionById,
  subscriptionScope,
  type ArmDocument,
  type ArmSubscription,
} from "../model.js";
import { ARM_OPERATIONS as OPS } from "../operations.js";
import type { ArmService } from "../service.js";
import { serveArm } from "../service.js";
import { resourceGroupShape, subscriptionShape, tenantShape } from "../shapes.js";

/*
 * Microsoft.Resources: tenants and subscriptions (what `az login` and `az account` read) and resource
 * groups (`az group`).
 */

const READ_SUBSCRIPTION = "Microsoft.Resources/subscriptions/read";
const READ_GROUP = "Microsoft.Resources/subscriptions/resourceGroups/read";
const WRITE_GROUP = "Microsoft.Resources/subscriptions/resourceGroups/write";
const DELETE_GROUP = "Microsoft.Resources/subscriptions/resourceGroups/delete";

/** The world-file entry of a subscription, made when ARM first writes to a default one. */
export function subscriptionEntry(doc: ArmDocument, subscription: ArmSubscription) {
  return (doc.subscriptions[subscription.name] ??= { resourceGroups: {}, roleAssignments: [] });
}

/** A resource group of a subscription, or ResourceGroupNotFound. */
export function resourceGroupOf(subscription: ArmSubscription, name: string) {
  const group = subscription.resourceGroups.find((g) => sameId(g.name, name));
  if (!group) throw new ArmError("ResourceGroupNotFound", { resourceGroup: name });
  return group;
}

export function subscriptionRoutes(service: ArmService) {
  const { ctx } = service;
  return async (app: FastifyInstance) => {
    serveArm(app, service, OPS.listTenants, ({ caller }) => {
      // [infer] Only the token's own tenant: guest memberships elsewhere are not modelled.
      const value = ctx
        .arm()
        .tenants.filter((t) => t.id === caller.tenantId)
        .map(tenantShape);
      return { value };
    });

    serveArm(app, service, OPS.listSubscriptions, ({ caller }) => {
      // Subscriptions of the token's tenant in which the caller holds a role at any scope.
      const arm = ctx.arm();
      const value = arm.subscriptions
        .filter((s) => s.tenantId === caller.tenantId)
        .filter((s) =>
          arm.roleAssignments.some(
            (a) =>
              a.principalId.toLowerCase() === caller.objectId && isWithin(a.scope, subscriptionScope(s.id)),
          ),
        )
        .map(subscriptionShape);
      return { value, count: { type: "Total", value: value.length } };
    });

    serveArm(app, service, OPS.getSubscription, ({ caller, params }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      authorize(ctx, caller, READ_SUBSCRIPTION, subscriptionScope(subscription.id));
      return subscriptionShape(subscription);
    });

    serveArm(app, service, OPS.listResourceGroups, ({ caller, params }) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const value = subscription.resourceGroups
        .filter((g) => mayPerform(ctx, caller, READ_GROUP, resourceGroupScope(subscription.id, g.name)))
        .map((g) => resourceGroupShape(subscription.id, g));
      if (value.length === 0) authorize(ctx, caller, READ_GROUP, subscriptionScope(subscription.id));
      return { value };
    });

    serveArm(app, service, OPS.getResourceGroup, ({ caller, params }, request, reply) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      authorize(ctx, caller, READ_GROUP, resourceGroupScope(subscription.id, params.resourceGroupName!));
      const found = subscription.resourceGroups.find((g) => sameId(g.name, params.resourceGroupName!));
      // `az group exists`: HEAD answers 204 or 404 without a body.
      if (request.method === "HEAD") return reply.code(found ? 204 : 404).send();
      return resourceGroupShape(subscription.id, resourceGroupOf(subscription, params.resourceGroupName!));
    });

    serveArm(app, service, OPS.createOrUpdateResourceGroup, async ({ caller, params }, request, reply) => {
      const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
      const name = params.resourceGroupName!;
      authorize(ctx, caller, WRITE_GROUP, resourceGroupScope(subscription.id, name));
      const body = (request.body ?? {}) as { location?: unknown; tags?: unknown };
      if (typeof body.location !== "string" || body.location === "") {
        throw new ArmError("InvalidRequestContent", { detail: "location is required" });
      }
      const existing = subscription.resourceGroups.find((g) => sameId(g.name, name));
      const tags = (typeof body.tags === "object" && body.tags !== null ? body.tags : {}) as Record<
        string,
        string
      >;
      await ctx.editResources((doc) => {
        const groups = subscriptionEntry(doc, subscription).resourceGroups;
        const key = Object.keys(groups).find((g) => sameId(g, name)) ?? existing?.name ?? name;
        groups[key] = {
          location: existing?.location ?? (body.location as string),
          tags,
          roleAssignments: groups[key]?.roleAssignments ?? [],
        };
      });
      const group = subscriptionById(ctx.arm(), subscription.id)!.resourceGroups.find((g) =>
        sameId(g.name, name),
      )!;
      return reply.code(existing ? 200 : 201).send(resourceGroupShape(subscription.id, group));
    });

    serveArm(
      app,
      service,
      OPS.deleteResourceGroup,
      async ({ caller, params, origin, apiVersion }, _request, reply) => {
        const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
        const name = params.resourceGroupName!;
        authorize(ctx, caller, DELETE_GROUP, resourceGroupScope(subscription.id, name));
        const group = resourceGroupOf(subscription, name);
        await ctx.editResources((doc) => {
          const groups = doc.subscriptions[subscription.name]?.resourceGroups ?? {};
          for (const key of Object.keys(groups)) if (sameId(key, group.name)) delete groups[key];
          // The group's resources go with it.
          for (const r of ctx.resources()) {
            if (sameId(r.subscriptionId, subscription.id) && sameId(r.resourceGroup, group.name))
              delete doc.acs[r.name];
          }
        });
        // [infer] ARM answers 202 and a Location to poll; the sandbox's deletion is already done there.
        const operation = randomUUID();
        reply.header(
          "Location",
          `${origin}/subscriptions/${subscription.id}/operationresults/${operation}?api-version=${apiVersion}`,
        );
        reply.header("Retry-After", "0");
        return reply.code(202).send();
      },
    );

    serveArm(app, service, OPS.operationResult, ({ caller, params }, _request, reply) => {
      callersSubscription(ctx, caller, params.subscriptionId!);
      return reply.code(200).send();
    });
  };
}
