/*
 * Which licences give a user Microsoft Teams, for `teamsLicense` in the world (ACS answers a Teams
 * exchange for users without one with an error).
 *
 * [infer] The whole table is a best guess, kept in this one place. Ids from Microsoft's "Product names and
 * service plan identifiers for licensing" (https://learn.microsoft.com/entra/identity/users/licensing-service-plan-reference);
 * the TEAMS1 service plan id also as scripts in public repositories check it (`assignedPlans[].servicePlanId
 * eq 57ff2da0-…`). Graph's `user.assignedLicenses` lists SKU ids and each one's `disabledPlans`;
 * `assignedPlans` lists service plans with a `capabilityStatus`. Graph returns neither unless asked
 * (`az ad user show` does not `$select` them), so when both are absent the licence is unknown.
 */

/** The Microsoft Teams service plan (TEAMS1) inside the SKUs below. */
export const TEAMS_SERVICE_PLAN_ID = "57ff2da0-773e-42df-b2af-ffb7a2317929";

/** SKUs that include Microsoft Teams, by SKU id. [infer] */
export const TEAMS_SKUS: Readonly<Record<string, string>> = {
  "18181a46-0d4e-45cd-891e-60aabd171b4e": "Office 365 E1 (STANDARDPACK)",
  "6fd2c87f-b296-42f0-b197-1e91e994b900": "Office 365 E3 (ENTERPRISEPACK)",
  "c7df2760-2c81-4ef7-b578-5b5392b571df": "Office 365 E5 (ENTERPRISEPREMIUM)",
  "05e9a617-0261-4cee-bb44-138d3ef5d965": "Microsoft 365 E3 (SPE_E3)",
  "06ebc4ee-1bb5-47dd-8120-11324bc54e06": "Microsoft 365 E5 (SPE_E5)",
  "3b555118-da6a-4418-894f-7df1e2096870": "Microsoft 365 Business Basic (O365_BUSINESS_ESSENTIALS)",
  "f245ecc8-75af-4f8e-b61f-27d8114de5f3": "Microsoft 365 Business Standard (O365_BUSINESS_PREMIUM)",
  "cbdc14ab-d96c-4c30-b9f4-6ada7cdc1d46": "Microsoft 365 Business Premium (SPB)",
  "66b55226-6b4f-492c-910c-a3b7a3c9d993": "Microsoft 365 F3 (SPE_F1)",
  "4b585984-651b-448a-9e53-3b10f069cf7f": "Office 365 F3 (DESKLESSPACK)",
  "710779e8-3d4a-4c88-adb9-386c958d1fdf": "Microsoft Teams Exploratory (TEAMS_EXPLORATORY)",
  "16ddbbfc-09ea-4de2-b1d7-312db6112d70": "Microsoft Teams (free) (TEAMS_FREE)",
  "fde42873-30b6-436b-b361-21af5a6b84ae": "Microsoft Teams Essentials (Teams_Ess)",
  "3ab6abff-666f-4424-bfb7-f0bc274ec7bc":
    "Microsoft Teams Essentials, Entra ID identity (TEAMS_ESSENTIALS_AAD)",
  "7e31c0d9-9551-471d-836f-32ee72be4a01": "Microsoft Teams Enterprise (Microsoft_Teams_Enterprise_New)",
};

/** What a user's licences say about Teams: true/false, or undefined when the JSON does not say. */
export function hasTeamsLicence(user: Record<string, unknown>): boolean | undefined {
  const plans = user.assignedPlans;
  if (Array.isArray(plans) && plans.length > 0) {
    return plans.some(
      (p) =>
        typeof p === "object" &&
        p !== null &&
        String((p as Record<string, unknown>).servicePlanId).toLowerCase() === TEAMS_SERVICE_PLAN_ID &&
        (p as Record<string, unknown>).capabilityStatus === "Enabled",
    );
  }
  const licences = user.assignedLicenses;
  if (!Array.isArray(licences)) return undefined;
  return licences.some((l) => {
    if (typeof l !== "object" || l === null) return false;
    const { skuId, disabledPlans } = l as { skuId?: unknown; disabledPlans?: unknown };
    if (typeof skuId !== "string" || !(skuId.toLowerCase() in TEAMS_SKUS)) return false;
    const disabled = Array.isArray(disabledPlans) ? disabledPlans.map((p) => String(p).toLowerCase()) : [];
    return !disabled.includes(TEAMS_SERVICE_PLAN_ID);
  });
}
