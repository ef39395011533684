/** The ways a token or sign-in is asked for; the policy's checks differ by flow. */
export type Flow =
  | "password"
  | "client_credentials"
  | "refresh_token"
  | "on_behalf_of"
  | "authorization_code"
  | "device_code"
  /** The interactive `/authorize` sign-in, after the user authenticated on the login page. */
  | "authorize"
  /** `/adminconsent` and `prompt=consent` by an admin: consent is what is being asked for, not checked. */
  | "admin_consent";

/** How the request arrived: the same misconfiguration reads differently at the token and authorize endpoints. */
export type Channel = "token" | "authorize";
