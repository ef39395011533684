import type { ExplainedError } from "../../../core/catalog.js";

/*
 * Codes no service sends: what the client libraries raise when a connection fails (a dropped or held
 * connection fault, or a real network failure). Observed in test/third-party/*-faults.test.ts.
 */
export function clientSideCatalog(): ExplainedError[] {
  return [
    {
      code: "network_error",
      service: "client library",
      status: 0,
      evidence: { recorded: "Observed from the real clients in test/third-party/*-faults.test.ts" },
      cause:
        'MSAL could not reach the token endpoint or the connection closed before an answer ("Network request failed"). MSAL Node does not retry token requests.',
      fix: "Retry the sign-in in the app (with back-off); check proxy, DNS and TLS trust to login.microsoftonline.com.",
      scenario: "token-endpoint-drops-connection",
    },
    {
      code: "ECONNRESET",
      service: "client library",
      status: 0,
      evidence: { recorded: "Observed from the real clients in test/third-party/*-faults.test.ts" },
      cause:
        'The Azure SDK\'s connection was reset before an answer ("socket hang up"). Its retry policy retries this up to maxRetries times, then throws RestError with this code.',
      fix: "Nothing to change when it is rare: the SDK retries. When it persists, check what sits between the back end and the endpoint (proxy, load balancer idle timeouts).",
    },
    {
      code: "REQUEST_SEND_ERROR",
      service: "client library",
      status: 0,
      evidence: { recorded: "Observed from the real clients in test/third-party/*-faults.test.ts" },
      cause:
        "The Azure SDK could not send the request or got no answer, with no system error code to classify (for example a network error raised by a request interceptor such as msw); the retry policy does not retry it.",
      fix: "Check connectivity to the endpoint; retry in the back end if the operation is safe to repeat.",
    },
  ];
}
