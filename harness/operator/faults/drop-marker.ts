/**
 * Header by which an in-process answer tells the msw transport to fail the fetch as a network error
 * (intercept mode has no socket to destroy). The transport acts on it and no client ever sees it.
 */
export const DROP_MARKER = "x-acs-sandbox-drop";
