import type { OperationDeclaration, ServiceName } from "../../core/operations.js";
import { GRAPH_OPERATIONS } from "../../mock-aad/graph/operations.js";
import { ENTRA_OPERATIONS } from "../../mock-aad/operations.js";
import { ARM_OPERATIONS } from "../../mock-acs/arm/operations.js";
import { ACS_OPERATIONS } from "../../mock-acs/operations.js";

/*
 * The sandbox's operation registry: every service's declarations in one list. The journal names
 * requests by it, fault rules and journal queries choose by it, `explain` and the docs tables read it,
 * and `GET /_sandbox/operations` serves it. A new service adds its table here, one line.
 */

/** Every declared operation of every service, in table order. */
export const OPERATIONS: readonly OperationDeclaration[] = [
  ...Object.values(ENTRA_OPERATIONS),
  ...Object.values(ACS_OPERATIONS),
  ...Object.values(GRAPH_OPERATIONS),
  ...Object.values(ARM_OPERATIONS),
];

/** The services that declare operations, in the order their tables appear above. */
export const SERVICES: readonly ServiceName[] = [...new Set(OPERATIONS.map((o) => o.service))];

/** Declared names and group names (`discovery`): what a fault rule's or a journal query's `operation` may say. */
export const OPERATION_NAMES: readonly string[] = [
  ...new Set(OPERATIONS.flatMap((o) => (o.group ? [o.name, o.group] : [o.name]))),
];

/** The declaration named `name`, or undefined. */
export function findOperation(name: string): OperationDeclaration | undefined {
  const wanted = name.toLowerCase();
  return OPERATIONS.find((o) => o.name.toLowerCase() === wanted);
}

/** Whether `name` (an operation's or a group's) chooses the operation `operation`; case-insensitive. */
export function operationChosenBy(name: string, operation: string | undefined): boolean {
  if (operation === undefined) return false;
  const wanted = name.toLowerCase();
  if (operation.toLowerCase() === wanted) return true;
  return findOperation(operation)?.group?.toLowerCase() === wanted;
}

/** The operations a name chooses: the one so named, or every member of the group so named. */
export function operationsChosenBy(name: string): OperationDeclaration[] {
  return OPERATIONS.filter((o) => operationChosenBy(name, o.name));
}
