import { describeRoute, SERVICE_TITLES, type OperationDeclaration } from "../../core/operations.js";
import { supportedVersionsHeader, versionsFor } from "../../mock-acs/api-versions.js";
import type { AcsOperation } from "../../mock-acs/operations.js";
import { findOperation, operationsChosenBy } from "../sandbox/operations.js";

/*
 * `acs-sandbox explain <operation>`: what the operation registry says about an operation (its service,
 * routes, evidence and source) and, for ACS, the api-versions that serve it: the same declarations the
 * routes are registered from, not a copy.
 */

/** The declarations a name stands for: the operation so named, or the members of a group (`discovery`). */
export function explainOperation(name: string): OperationDeclaration[] {
  const found = findOperation(name);
  return found ? [found] : operationsChosenBy(name);
}

/** The text `explain` prints for one operation. */
export function formatOperation(o: OperationDeclaration): string {
  const acs =
    o.service === "acs"
      ? [
          `api-versions  ${versionsFor(o.name as AcsOperation)
            .map((v) => v.name)
            .join(", ")}`,
          `Advertised    ${supportedVersionsHeader(o.name as AcsOperation)}`,
        ]
      : [];
  return [
    `${o.name}  (${SERVICE_TITLES[o.service]} operation${o.group ? `, in the group ${o.group}` : ""})`,
    ``,
    o.summary,
    ``,
    `Route         ${describeRoute(o)}`,
    ...acs,
    `Evidence      ${o.evidence}`,
    `Source        ${o.source}`,
    ``,
    `Fault rules and journal queries choose it by name: {"operation": "${o.name}"}, GET /_sandbox/requests?operation=${o.name}`,
  ].join("\n");
}
