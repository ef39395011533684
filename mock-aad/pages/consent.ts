import { hiddenFields, html, page } from "./layout.js";

export interface ConsentPageInput {
  action: string;
  fields: Record<string, string | undefined>;
  appName: string;
  publisherVerified: boolean;
  /** Who is consenting (shown as Entra does, top of the prompt). */
  userUpn: string;
  /** Permissions by display name and the resource that owns them. */
  permissions: { displayName: string; resource: string }[];
  /** Admin consent for the whole organisation (the adminconsent endpoint). */
  forOrganization: boolean;
}

/** "Permissions requested": the user (or admin, for the organisation) accepts or cancels. */
export function consentPage(input: ConsentPageInput): string {
  const publisher = input.publisherVerified
    ? html`<p>Publisher verified</p>`
    : html`<p class="warning">unverified: this app's publisher has not been verified.</p>`;
  const scope = input.forOrganization
    ? html`<p>
        Accepting grants these permissions for all users in your organization. No one else will be prompted.
      </p>`
    : html`<p>Accepting lets this app use the permissions below. You can change them later.</p>`;
  return page(
    "Permissions requested",
    html`<p>${input.userUpn}</p>
      <h1>Permissions requested${input.forOrganization ? " — Accept for your organization" : ""}</h1>
      <p><strong>${input.appName}</strong></p>
      ${publisher}
      <p id="perm-intro">This app would like to:</p>
      <ul class="permissions" aria-labelledby="perm-intro">
        ${input.permissions.map((p) => html`<li>${p.displayName} <span class="details">(${p.resource})</span></li>`)}
      </ul>
      ${scope}
      <form method="post" action="${input.action}">
        ${hiddenFields(input.fields)}
        <div class="actions">
          <button type="submit" name="decision" value="cancel" class="secondary">Cancel</button>
          <button type="submit" name="decision" value="accept" class="primary">Accept</button>
        </div>
      </form>`,
  );
}
