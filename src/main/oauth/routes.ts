/** Where the engine's endpoints live under the issuer. */
export const ROUTES = {
  authorization: '/oauth/authorize',
  token: '/oauth/token',
  userinfo: '/oauth/userinfo',
  jwks: '/oauth/jwks',
  revocation: '/oauth/revoke',
  introspection: '/oauth/introspect',
  registration: '/oauth/register',
  end_session: '/oauth/logout',
  pushed_authorization_request: '/oauth/par',
} as const;
