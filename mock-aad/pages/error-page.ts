import { html, page } from "./layout.js";

export interface ErrorPageInput {
  code: number;
  message: string;
  requestId: string;
  correlationId: string;
  timestamp: string;
}

/**
 * Entra's error page for requests it cannot redirect safely (unknown app or tenant, a redirect URI that
 * is not registered, a user from the wrong tenant): "Sorry, but we're having trouble signing you in."
 */
export function errorPage(input: ErrorPageInput): string {
  return page(
    "Sign in to your account",
    html`<h1>Sorry, but we’re having trouble signing you in.</h1>
      <p role="alert" id="message">AADSTS${input.code}: ${input.message}</p>
      <h2>Troubleshooting details</h2>
      <dl class="details">
        <dt>Request Id</dt>
        <dd>${input.requestId}</dd>
        <dt>Correlation Id</dt>
        <dd>${input.correlationId}</dd>
        <dt>Timestamp</dt>
        <dd>${input.timestamp}</dd>
        <dt>Message</dt>
        <dd>AADSTS${input.code}: ${input.message}</dd>
      </dl>`,
  );
}
