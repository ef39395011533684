import { ArmError } from "./errors.js";

/*
 * The api-versions each ARM resource type answers, newest first as ARM lists them in its errors. Every
 * version gets the newest wire shape. [infer] Shapes of older versions differ only in fields the clients
 * ignore here.
 */

/** A family of operations that share api-versions and the form of the unknown-version error. */
export interface ApiVersionFamily {
  /** ARM's own endpoints answer InvalidApiVersionParameter; providers NoRegisteredProviderFound. */
  kind: "arm" | "provider";
  /** For providers: the resource type and its locations, as the error names them. */
  type?: string;
  locations?: string;
  versions: readonly string[];
}

/**
 * Microsoft.Resources tenants and subscriptions: the Azure CLI sends 2022-12-01 (azure-mgmt-resource
 * subscriptions; Azure/azure-rest-api-specs specification/resources/resource-manager/Microsoft.Resources/
 * subscriptions/stable/).
 */
export const SUBSCRIPTIONS: ApiVersionFamily = {
  kind: "arm",
  versions: [
    "2022-12-01",
    "2022-01-01",
    "2021-01-01",
    "2020-01-01",
    "2019-11-01",
    "2019-06-01",
    "2018-06-01",
    "2016-06-01",
  ],
};

/** Resource groups (Microsoft.Resources resources/stable/ in the REST specs; the CLI's azure-mgmt-resource). */
export const RESOURCE_GROUPS: ApiVersionFamily = {
  kind: "arm",
  versions: [
    "2025-04-01",
    "2024-11-01",
    "2024-07-01",
    "2024-03-01",
    "2023-07-01",
    "2022-09-01",
    "2021-04-01",
    "2020-06-01",
    "2019-10-01",
    "2019-08-01",
    "2019-07-01",
    "2019-05-10",
    "2018-05-01",
  ],
};

/**
 * Microsoft.Communication/communicationServices: the stable and preview versions in
 * Azure/azure-rest-api-specs specification/communication/resource-manager/Microsoft.Communication/
 * Communication/{stable,preview}/; @azure/arm-communication 4.2.0 sends 2025-09-01.
 */
export const COMMUNICATION: ApiVersionFamily = {
  kind: "provider",
  type: "communicationServices",
  locations: "global",
  versions: [
    "2025-09-01",
    "2025-05-01-preview",
    "2024-09-01-preview",
    "2023-06-01-preview",
    "2023-04-01-preview",
    "2023-04-01",
    "2023-03-31",
    "2023-03-01-preview",
    "2022-07-01-preview",
    "2021-10-01-preview",
    "2020-08-20",
    "2020-08-20-preview",
  ],
};

/**
 * Microsoft.Authorization role assignments: 2022-04-01 is what the Azure CLI and @azure/arm-authorization
 * 9 send (Azure/azure-cli role recordings); the older ones are in the REST specs' authorization folder.
 */
export const ROLE_ASSIGNMENTS: ApiVersionFamily = {
  kind: "provider",
  type: "roleAssignments",
  locations: "",
  versions: [
    "2022-04-01",
    "2022-01-01-preview",
    "2020-10-01-preview",
    "2020-08-01-preview",
    "2020-04-01-preview",
    "2020-03-01-preview",
    "2018-09-01-preview",
    "2018-01-01-preview",
    "2017-10-01-preview",
    "2015-07-01",
  ],
};

/** Microsoft.Authorization role definitions. */
export const ROLE_DEFINITIONS: ApiVersionFamily = {
  kind: "provider",
  type: "roleDefinitions",
  locations: "",
  versions: ["2022-05-01-preview", "2022-04-01", "2018-01-01-preview", "2015-07-01"],
};

/** The api-version of a request, or ARM's error for a missing or unknown one. */
export function checkApiVersion(
  family: ApiVersionFamily,
  requested: string | undefined,
  loose: boolean,
): string {
  if (requested === undefined || requested === "") throw new ArmError("MissingApiVersionParameter");
  if (family.versions.includes(requested) || loose) return requested;
  if (family.kind === "arm") {
    throw new ArmError("InvalidApiVersionParameter", {
      apiVersion: requested,
      supported: family.versions.join(","),
    });
  }
  throw new ArmError("NoRegisteredProviderFound", {
    location: family.locations ?? "",
    apiVersion: requested,
    type: family.type ?? "",
    supported: family.versions.join(", "),
    locations: family.locations ?? "",
  });
}
