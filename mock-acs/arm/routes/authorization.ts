import type { FastifyInstance } from "fastify";
import { isGuid } from "../../../core/ids.js";
import { communicationServiceId } from "../../resources.js";
import { authorize, callersSubscription, type ArmCaller } from "../auth.js";
import { ArmError } from "../errors.js";
import {
  isWithin,
  resourceGroupScope,
  sameId,
  subscriptionScope,
  type ArmDocument,
  type ArmRoleAssignment,
  type RoleAssignmentDocument,
} from "../model.js";
import { ARM_OPERATIONS as OPS } from "../operations.js";
import { BUILT_IN_ROLES, findRole } from "../roles.js";
import type { ArmService } from "../service.js";
import { serveArm } from "../service.js";
import { roleAssignmentShape, roleDefinitionShape } from "../shapes.js";
import { resourceGroupOf, subscriptionEntry } from "./subscriptions.js";

/*
 * Microsoft.Authorization: role assignments and built-in role definitions at subscription, resource group
 * and Communication Services resource scope. An assignment made here is the one the ACS data plane's
 * bearer RBAC reads (resource scope: `acs.<name>.roleAssignments`; group and subscription scope under
 * `subscriptions:`), so granting Contributor on the resource lets the principal call the Identity API.
 */

const READ_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments/read";
const WRITE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments/write";
const DELETE_ASSIGNMENTS = "Microsoft.Authorization/roleAssignments/delete";
const READ_DEFINITIONS = "Microsoft.Authorization/roleDefinitions/read";

/** A scope a request names, checked: subscription of the caller's tenant, group and resource existing. */
interface Scope {
  id: string;
  subscriptionId: string;
  /** The world-file list holding the scope's assignments (made when absent). */
  list(doc: ArmDocument): RoleAssignmentDocument[];
}

function unquote(value: string): string {
  return value.replace(/^'(.*)'$/, "$1");
}

export function authorizationRoutes(service: ArmService) {
  const { ctx } = service;

  const scopeOf = (caller: ArmCaller, params: Record<string, string>): Scope => {
    const subscription = callersSubscription(ctx, caller, params.subscriptionId!);
    const groupName = params.resourceGroupName;
    if (groupName === undefined) {
      return {
        id: subscriptionScope(subscription.id),
        subscriptionId: subscription.id,
        list: (doc) => subscriptionEntry(doc, subscription).roleAssignments,
      };
    }
    const group = resourceGroupOf(subscription, groupName);
    const name = params.communicationServiceName;
    if (name === undefined) {
      return {
        id: resourceGroupScope(subscription.id, group.name),
        subscriptionId: subscription.id,
        list: (doc) => {
          const groups = subscriptionEntry(doc, subscription).resourceGroups;
          const key = Object.keys(groups).find((g) => sameId(g, group.name)) ?? group.name;
          groups[key] ??= { location: group.location, tags: group.tags, roleAssignments: [] };
          return groups[key].roleAssignments;
        },
      };
    }
    const armId = communicationServiceId(subscription.id, group.name, name);
    const resource = ctx.resources().find((r) => sameId(r.armId, armId));
    if (!resource) {
      throw new ArmError("ResourceNotFound", {
        type: "Microsoft.Communication/communicationServices",
        name,
        resourceGroup: group.name,
      });
    }
    return {
      id: resource.armId,
      subscriptionId: subscription.id,
      list: (doc) => doc.acs[resource.name]!.roleAssignments,
    };
  };

  /** The assignments declared at exactly this scope, in world-file order. */
  const atScope = (scope: string): ArmRoleAssignment[] =>
    ctx.arm().roleAssignments.filter((a) => sameId(a.scope, scope));

  return async (app: FastifyInstance) => {
    serveArm(app, service, OPS.listRoleAssignments, ({ caller, params, query }) => {
      const scope = scopeOf(caller, params);
      authorize(ctx, caller, READ_ASSIGNMENTS, scope.id);
      const filter = query.$filter?.trim() ?? "";
      const principal = /^(?:principalId\s+eq|assignedTo\()\s*'([^']+)'\)?$/i
        .exec(filter)?.[1]
        ?.toLowerCase();
      const onlyAbove = /^atScope\(\)$/i.test(filter);
      // [infer] Other filters (`atScope() and assignedTo(…)`) are read as their parts.
      const combined =
        /atScope\(\)/i.test(filter) && principal === undefined
          ? /assignedTo\('([^']+)'\)/i.exec(filter)?.[1]?.toLowerCase()
          : undefined;
      const who = principal ?? combined;
      const value = ctx
        .arm()
        .roleAssignments.filter(
          (a) => isWithin(scope.id, a.scope) || (!onlyAbove && !combined && isWithin(a.scope, scope.id)),
        )
        .filter((a) => who === undefined || a.principalId.toLowerCase() === who)
        .map((a) => roleAssignmentShape(scope.subscriptionId, a));
      return { value };
    });

    serveArm(app, service, OPS.getRoleAssignment, ({ caller, params }) => {
      const scope = scopeOf(caller, params);
      authorize(ctx, caller, READ_ASSIGNMENTS, scope.id);
      const found = atScope(scope.id).find((a) => sameId(a.name, params.roleAssignmentName!));
      if (!found) throw new ArmError("RoleAssignmentNotFound", { name: params.roleAssignmentName! });
      return roleAssignmentShape(scope.subscriptionId, found);
    });

    serveArm(app, service, OPS.createRoleAssignment, async ({ caller, params }, request, reply) => {
      const scope = scopeOf(caller, params);
      const name = params.roleAssignmentName!;
      if (!isGuid(name)) throw new ArmError("InvalidRoleAssignmentId", { name });
      authorize(ctx, caller, WRITE_ASSIGNMENTS, scope.id);
      const properties =
        (request.body as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      const definitionId = typeof properties.roleDefinitionId === "string" ? properties.roleDefinitionId : "";
      const role = isGuid(definitionId.split("/").pop() ?? "") ? findRole(definitionId) : undefined;
      if (!role)
        throw new ArmError("RoleDefinitionDoesNotExist", { id: definitionId.split("/").pop() ?? "" });
      const principalId =
        typeof properties.principalId === "string" ? properties.principalId.toLowerCase() : "";
      const arm = ctx.arm();
      const knownType = arm.principalTypes.get(principalId);
      if (!isGuid(principalId) || knownType === undefined) {
        throw new ArmError("PrincipalNotFound", { principalId, tenantId: caller.tenantId });
      }
      const existing = atScope(scope.id);
      const same = existing.find((a) => sameId(a.name, name));
      if (same) {
        if (same.principalId.toLowerCase() !== principalId || same.role.id !== role.id) {
          throw new ArmError("RoleAssignmentUpdateNotPermitted");
        }
        return reply.code(201).send(roleAssignmentShape(scope.subscriptionId, same));
      }
      if (existing.some((a) => a.principalId.toLowerCase() === principalId && a.role.id === role.id)) {
        throw new ArmError("RoleAssignmentExists");
      }
      const principalType =
        typeof properties.principalType === "string" ? properties.principalType : knownType;
      const description = typeof properties.description === "string" ? properties.description : undefined;
      await ctx.editResources((doc) => {
        scope.list(doc).push({
          principal: principalId,
          role: role.id,
          name: name.toLowerCase(),
          principalType,
          ...(description === undefined ? {} : { description }),
          createdOn: ctx.clock.now().toISOString(),
          createdBy: caller.objectId,
        });
      });
      const created = atScope(scope.id).find((a) => sameId(a.name, name))!;
      return reply.code(201).send(roleAssignmentShape(scope.subscriptionId, created));
    });

    serveArm(app, service, OPS.deleteRoleAssignment, async ({ caller, params }, _request, reply) => {
      const scope = scopeOf(caller, params);
      authorize(ctx, caller, DELETE_ASSIGNMENTS, scope.id);
      const index = atScope(scope.id).findIndex((a) => sameId(a.name, params.roleAssignmentName!));
      if (index < 0) return reply.code(204).send();
      const removed = atScope(scope.id)[index]!;
      // World-file order is ARM's order at a scope, so the index names the entry.
      await ctx.editResources((doc) => {
        scope.list(doc).splice(index, 1);
      });
      return reply.code(200).send(roleAssignmentShape(scope.subscriptionId, removed));
    });

    serveArm(app, service, OPS.listRoleDefinitions, ({ caller, params, query }) => {
      const scope = scopeOf(caller, params);
      authorize(ctx, caller, READ_DEFINITIONS, scope.id);
      const filter = query.$filter?.trim() ?? "";
      const byName = /^roleName\s+eq\s+('.*')$/i.exec(filter)?.[1];
      const value = BUILT_IN_ROLES.filter(
        (r) => byName === undefined || r.roleName.toLowerCase() === unquote(byName).toLowerCase(),
      ).map((r) => roleDefinitionShape(scope.subscriptionId, r));
      return { value };
    });

    serveArm(app, service, OPS.getRoleDefinition, ({ caller, params }) => {
      const scope = scopeOf(caller, params);
      authorize(ctx, caller, READ_DEFINITIONS, scope.id);
      const role = isGuid(params.roleDefinitionId!) ? findRole(params.roleDefinitionId!) : undefined;
      if (!role) throw new ArmError("RoleDefinitionDoesNotExist", { id: params.roleDefinitionId! });
      return roleDefinitionShape(scope.subscriptionId, role);
    });
  };
}
