import type { App, ProcedureOutput, Token, TokenInspection, User, Workspace } from '../../src/shared/contract';

export const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

export const workspace: Workspace = { id: 'ws_demo', name: 'Demo Workspace', slug: 'demo', createdAt: NOW - 86400_000, memberCount: 3, appCount: 1 };

export const user: User = {
  id: 'usr_mia',
  email: 'mia.member@example.test',
  name: 'Mia Member',
  givenName: 'Mia',
  familyName: 'Member',
  picture: null,
  groups: [],
  locale: null,
  emailVerified: true,
  phoneNumber: null,
  phoneNumberVerified: false,
  extraClaims: {},
  createdAt: NOW - 86400_000,
  memberships: [{ workspaceId: workspace.id, workspaceName: workspace.name, role: 'MEMBER' }],
};

export function makeApp(overrides: Partial<App> = {}): App {
  return {
    id: 'oc_app_demo',
    workspaceId: workspace.id,
    name: 'Demo App',
    description: null,
    homepageUrl: null,
    logoUrl: null,
    privacyUrl: null,
    termsUrl: null,
    clientType: 'confidential',
    tokenEndpointAuthMethod: 'client_secret_basic',
    secretHint: 'abcd',
    secretRotatedAt: null,
    redirectUris: ['http://localhost:3000/callback'],
    postLogoutRedirectUris: [],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'read:user'],
    actorModes: ['self'],
    environment: 'development',
    origin: 'console',
    consentPolicy: null,
    effectiveConsentPolicy: 'prompt',
    pkcePolicy: 'optional',
    singleLiveToken: false,
    idTokenClaims: false,
    lifetimes: { accessToken: null, refreshToken: null, idToken: null, authorizationCode: null },
    metadata: {},
    createdAt: NOW - 3600_000,
    updatedAt: NOW - 3600_000,
    ...overrides,
  };
}

export function makeToken(overrides: Partial<Token> = {}): Token {
  return {
    id: 'a'.repeat(64),
    kind: 'access',
    status: 'active',
    appId: 'oc_app_demo',
    appName: 'Demo App',
    userId: user.id,
    userEmail: user.email,
    workspaceId: workspace.id,
    grantId: 'g'.repeat(64),
    actor: 'self',
    minted: false,
    scopes: ['openid', 'read:user'],
    dpopJkt: null,
    createdAt: NOW - 60_000,
    // From the real clock: the console derives status from it, so an active token must not have expired yet.
    expiresAt: Date.now() + 86400_000,
    consumedAt: null,
    revokedAt: null,
    lastUsedAt: null,
    ...overrides,
  };
}

export function jwtInspection(overrides: Partial<TokenInspection> = {}): TokenInspection {
  return {
    format: 'jwt',
    prefixKind: null,
    token: null,
    audience: null,
    jwt: {
      header: { alg: 'RS256', kid: 'kid-rs-1', typ: 'JWT' },
      claims: [
        { name: 'iss', value: 'http://127.0.0.1:9090', explanation: 'Issuer: the server that signed it' },
        { name: 'sub', value: 'usr_mia', explanation: 'Subject: the user Mia Member' },
        { name: 'exp', value: 1736946000, explanation: 'Expires at 15 Jan 2025 13:00 UTC' },
      ],
      signature: { verified: true, kid: 'kid-rs-1', alg: 'RS256', keyStatus: 'active', problem: null },
    },
    notes: ['An ID token issued to Demo App'],
    ...overrides,
  };
}

/** A `server.status` answer of a healthy server at http://127.0.0.1:9090. */
export function makeServerStatus(overrides: Partial<ProcedureOutput<'server.status'>> = {}): ProcedureOutput<'server.status'> {
  return {
    issuer: 'http://127.0.0.1:9090',
    host: '127.0.0.1',
    port: 9090,
    startedAt: 1,
    uptimeSeconds: 1,
    schemaVersion: '0002_console_indexes',
    latestSchemaVersion: '0002_console_indexes',
    dataDir: '/data',
    databaseFile: '/data/oauth-console.sqlite',
    databaseDialect: 'sqlite',
    masterKeyKind: 'file',
    masterKey: { store: 'file', level: 'ok', message: 'file' },
    counts: { workspaces: 1, users: 3, apps: 1, activeTokens: 0, activeConnections: 0, events: 0 },
    signingKeys: [],
    storage: { state: 'ok', since: null, message: null },
    ...overrides,
  };
}
