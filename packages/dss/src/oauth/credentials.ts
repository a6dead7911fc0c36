/**
 * The OAuth client registered on the identity centre.
 *
 * With a `clientSecret` the client authenticates with HTTP Basic `client_id:secret`. A public
 * client (no secret) names itself in the `client_id` form field by default, or, with
 * `publicClientAuth: "basic"`, in a Basic header of `client_id:` (guide, lines 12671-12740).
 */
export interface OAuthClientCredentials {
  /** `client_id`, fixed when the client was registered, e.g. `wpf.hybrid`. */
  clientId: string;
  /** The client's secret; absent for a public client. Never appears in errors. */
  clientSecret?: string;
  /** How a public client names itself: the `client_id` field (default) or `basic` with an empty secret. */
  publicClientAuth?: "body" | "basic";
}
