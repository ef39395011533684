import { html, page } from "./layout.js";

export interface AdminApprovalPageInput {
  appName: string;
  /** `AADSTS90094: Administrator consent is required.` */
  detail: string;
  /** The app's redirect with `error=access_denied&error_subcode=cancel`. */
  returnUrl: string;
  /** Sign in again, as an admin, to the same request. */
  adminSignInUrl: string;
  correlationId: string;
  timestamp: string;
}

/** AADSTS90094 "Need admin approval": the user may not consent to this app in this tenant. */
export function adminApprovalPage(input: AdminApprovalPageInput): string {
  return page(
    "Need admin approval",
    html`<h1>Need admin approval</h1>
      <p>
        ${input.appName} needs permission to access resources in your organization that only an admin can
        grant. Please ask an admin to grant permission to this app before you can use it.
      </p>
      <p><a href="${input.adminSignInUrl}">Have an admin account? Sign in with that account</a></p>
      <p><a href="${input.returnUrl}">Return to the application without granting consent</a></p>
      <p class="details">
        ${input.detail}<br />
        Correlation Id: ${input.correlationId}<br />Timestamp: ${input.timestamp}
      </p>`,
  );
}
