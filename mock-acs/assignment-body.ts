import { isGuid } from "../core/ids.js";
import { AcsError } from "./errors.js";
import { bindingError } from "./validation.js";

/*
 * Bodies of the assignment operations (2025-03-02-preview and 2025-06-30 specs:
 * `TeamsExtensionAssignmentCreateOrUpdateRequest`, `EntraAssignmentCreateOrUpdateRequest`). [infer]
 * The wording of their validation errors is ours; the required fields and enums are the spec's.
 */

function required(field: string): AcsError {
  const name = field[0]!.toUpperCase() + field.slice(1);
  return new AcsError("ValidationError", {
    message: `${name}: The ${name} field is required.`,
    target: name,
    fromController: false,
  });
}

export function guidParameter(value: string, name: string): string {
  if (!isGuid(value)) {
    throw new AcsError("ValidationError", { message: `Provided ${name} has invalid format.`, target: name });
  }
  return value.toLowerCase();
}

export function principalType(value: unknown, allowed: readonly string[]): string {
  if (value === undefined || value === null || value === "") throw required("principalType");
  if (typeof value !== "string" || !allowed.includes(value)) {
    throw new AcsError("ValidationError", {
      message: `Provided principalType '${String(value)}' is not valid. Supported values: ${allowed.join(", ")}.`,
      target: "principalType",
    });
  }
  return value;
}

export function clientIds(value: unknown, isRequired: boolean): string[] {
  if (value === undefined || value === null) {
    if (isRequired) throw required("clientIds");
    return [];
  }
  if (!Array.isArray(value))
    throw bindingError("$.clientIds", "System.Collections.Generic.IList`1[System.String]");
  return value.map((id) => {
    if (typeof id !== "string" || !isGuid(id)) {
      throw new AcsError("ValidationError", {
        message: `Provided client id '${String(id)}' has invalid format.`,
        target: "clientIds",
      });
    }
    return id.toLowerCase();
  });
}

export function tenantIdField(value: unknown): string {
  if (value === undefined || value === null || value === "") throw required("tenantId");
  if (typeof value !== "string") throw bindingError("$.tenantId", "System.String");
  return guidParameter(value, "tenantId");
}
