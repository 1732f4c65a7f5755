import type { PkcePolicy } from '../../../../shared/contract';

/** What each PKCE policy means, for the app form and the app's page. */
export const PKCE_POLICY_TEXT: Record<PkcePolicy, { label: string; help: string }> = {
  required: { label: 'Required', help: 'Every authorization request must carry an S256 code_challenge. The only choice for public apps.' },
  optional: { label: 'Optional', help: 'The client may send S256 PKCE; if it does, the verifier is checked. plain is refused.' },
  managed: {
    label: 'Managed by the server',
    help: 'For confidential clients that cannot do PKCE: the server makes the challenge and supplies the verifier at the token endpoint. Protects no more than the client secret does.',
  },
};

/** The app option `idTokenClaims`, as the form and the app page word it. */
export const ID_TOKEN_CLAIMS_TEXT = {
  label: 'Granted claims in the ID token',
  help: 'The ID token carries the claims of the granted scopes (name, email, groups, roles, workspace), as many client libraries expect. Off: only sub and the protocol claims; userinfo answers them either way.',
};

export const SINGLE_LIVE_TOKEN_TEXT = {
  label: 'One live token per workspace',
  help: 'A new access or client-credentials token revokes the earlier live ones for the same workspace and actor (the bot, or the same user). For testing a superseded token.',
};
