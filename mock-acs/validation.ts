import type { ApiVersion } from "./api-versions.js";
import { AcsError } from "./errors.js";

/*
 * Request-body validation with the real service's messages (reference §1.4). "Binding" errors come
 * from ASP.NET's model binder, before the controller, and so carry no `api-supported-versions`;
 * "validation" errors come from the controller and do.
 */

export const MIN_EXPIRES_IN_MINUTES = 60;
export const MAX_EXPIRES_IN_MINUTES = 1440;
export const DEFAULT_EXPIRES_IN_MINUTES = 1440;

/** [infer] The System.Text.Json conversion message ASP.NET would give for a value of the wrong type. */
export function bindingError(path: string, type: string): AcsError {
  return new AcsError("ValidationError", {
    message: `The JSON value could not be converted to ${type}. Path: ${path}.`,
    target: path,
    fromController: false,
  });
}

/** The body as an object with string keys (a missing body is an empty object). */
export function bodyObject(body: unknown, type: string): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== "object" || Array.isArray(body)) throw bindingError("$", type);
  return body as Record<string, unknown>;
}

/** `expiresInMinutes`: absent or null → the default; otherwise an integer in [60, 1440]. */
export function expiresInMinutes(value: unknown, version: ApiVersion): number {
  if (!version.expiresInMinutes || value === undefined || value === null) return DEFAULT_EXPIRES_IN_MINUTES;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw bindingError("$.expiresInMinutes", "System.Nullable`1[System.Int32]");
  }
  if (value < MIN_EXPIRES_IN_MINUTES || value > MAX_EXPIRES_IN_MINUTES) {
    throw new AcsError("ValidationError", {
      // [infer] A 2022 recording of issue had only the first sentence; the 2023 ones have both.
      message: `ExpiresInMinutes value ${value} is invalid. Value must be within the [${MIN_EXPIRES_IN_MINUTES}, ${MAX_EXPIRES_IN_MINUTES}] interval.`,
      target: "ExpiresInMinutes",
    });
  }
  return value;
}

/**
 * Scope names, checked against the version's enum and kept in request order (they form `acsScope`).
 * A member that is not a string never reaches the enum check: the model binder refuses it first, so
 * its message names the member's path rather than its value (which may be any JSON, nested arbitrarily).
 */
export function scopeList(value: unknown[], version: ApiVersion, path: string): string[] {
  value.forEach((scope, i) => {
    if (typeof scope !== "string") throw bindingError(`${path}[${i}]`, "CommunicationIdentityTokenScope");
    if (!version.scopes.includes(scope)) {
      throw new AcsError("ValidationError", {
        // [infer] No recording shows an unknown scope name; the prefix is the recorded one for [].
        message: `Invalid scopes - Scope '${scope.slice(0, 100)}' is not supported. Supported scopes: ${version.scopes.join(", ")}.`,
        target: "scopes",
      });
    }
  });
  return value as string[];
}

/** `scopes` of issueAccessToken: required, non-empty. */
export function requiredScopes(value: unknown, version: ApiVersion): string[] {
  if (value === undefined || value === null) {
    throw new AcsError("ValidationError", {
      message: "Scopes: The Scopes field is required.",
      target: "Scopes",
      fromController: false,
    });
  }
  if (!Array.isArray(value))
    throw bindingError("$.scopes", "System.Collections.Generic.IList`1[CommunicationIdentityTokenScope]");
  if (value.length === 0) {
    throw new AcsError("ValidationError", {
      message: "Invalid scopes - Scopes field is required.",
      target: "scopes",
    });
  }
  return scopeList(value, version, "$.scopes");
}

/** `createTokenWithScopes` of create: absent, null or [] → no token. [infer] for []. */
export function optionalScopes(value: unknown, version: ApiVersion): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw bindingError(
      "$.createTokenWithScopes",
      "System.Collections.Generic.IList`1[CommunicationIdentityTokenScope]",
    );
  }
  return scopeList(value, version, "$.createTokenWithScopes");
}

/** Longest `customId` the 2025-03-02-preview spec allows ("Maximum length is 256 characters"). */
export const MAX_CUSTOM_ID_LENGTH = 256;

/**
 * `customId` of create: a non-empty string of at most 256 characters, on the versions whose spec has
 * it. [infer] Older versions ignore unknown fields in ASP.NET; the sandbox refuses it there instead, so
 * a caller relying on it learns that the version they chose drops it. Messages are ours.
 */
export function customId(value: unknown, version: ApiVersion): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!version.customId) {
    throw new AcsError("ValidationError", {
      message: `customId is not supported in api-version ${version.name}; use 2025-03-02-preview.`,
      target: "customId",
    });
  }
  if (typeof value !== "string") throw bindingError("$.customId", "System.String");
  if (value.length < 1 || value.length > MAX_CUSTOM_ID_LENGTH) {
    throw new AcsError("ValidationError", {
      message: `CustomId length must be between 1 and ${MAX_CUSTOM_ID_LENGTH} characters.`,
      target: "customId",
    });
  }
  return value;
}
