/** What the console needs to refresh when an event arrives. */
export const CHANGE_TOPICS = ['activity', 'apps', 'tokens', 'connections', 'identity', 'apiKeys', 'server', 'webhooks', 'resources', 'sessions', 'simulation'] as const;
export type ChangeTopic = (typeof CHANGE_TOPICS)[number];

type Catalog = Record<string, { topics: readonly ChangeTopic[]; description: string }>;

const TOKENS = ['tokens', 'connections'] as const;
const IDENTITY = ['identity'] as const;
const APPS = ['apps'] as const;
const SERVER = ['server'] as const;
const WEBHOOKS = ['webhooks'] as const;
const SESSIONS = ['sessions'] as const;

/**
 * Every activity-log event type, what it means, and which console views it
 * makes stale (besides the activity log itself). The one list: the server
 * records only these (the type of `ActivityLog.record`), and live changes
 * take their topics from here.
 */
export const EVENT_TYPES = {
  'authorization.requested': { topics: [], description: 'An app sent a user to the authorization endpoint' },
  'authorization.rejected': { topics: [], description: 'An authorization request was refused' },
  sign_in: { topics: SESSIONS, description: 'A user signed in on the sign-in page' },
  'consent.approved': { topics: [...TOKENS, ...SESSIONS], description: 'A user (or a consent policy) approved a request' },
  'consent.denied': { topics: TOKENS, description: 'A user (or a consent policy) denied a request' },
  'code.issued': { topics: TOKENS, description: 'An authorization code was issued' },
  'code.consumed': { topics: TOKENS, description: 'An authorization code was exchanged' },
  'token.issued': { topics: TOKENS, description: 'An access or client-credentials token was issued' },
  'token.refreshed': { topics: TOKENS, description: 'A refresh token was used (and rotated)' },
  'token.revoked': { topics: TOKENS, description: 'A token was revoked' },
  'token.minted': { topics: TOKENS, description: 'Tokens were minted in the console or the admin API (no browser, same consent rules)' },
  'token.revoked_all': { topics: TOKENS, description: 'Every token of an app, a user or a grant was revoked' },
  'token.rejected': { topics: TOKENS, description: 'A token request was refused' },
  'token.exchange': { topics: TOKENS, description: 'The token endpoint answered a grant' },
  'refresh_token.issued': { topics: TOKENS, description: 'A refresh token was issued' },
  'refresh_token.revoked': { topics: TOKENS, description: 'A refresh token was revoked' },
  'grant.revoked': { topics: TOKENS, description: 'A grant (a connection) and its tokens were revoked' },
  'introspection.rejected': { topics: [], description: 'An introspection request was refused' },
  'revocation.rejected': { topics: [], description: 'A revocation request was refused' },
  'userinfo.rejected': { topics: [], description: 'A userinfo request was refused' },
  'par.rejected': { topics: [], description: 'A pushed authorization request was refused' },
  'session.ended': { topics: SESSIONS, description: 'A user signed out (end session)' },
  'session.revoked': { topics: SESSIONS, description: 'A session was ended in the console: its user signs in again on the next request' },
  'session.revoked_all': { topics: SESSIONS, description: 'Every session of a user was ended in the console' },
  'session.switch_user': { topics: [], description: 'A user chose "Not you? Switch user" on the sign-in or consent page' },
  'session.end_rejected': { topics: [], description: 'An end-session request was refused' },
  'client.registered': { topics: APPS, description: 'A client registered itself (dynamic registration)' },
  'registration.rejected': { topics: [], description: 'A dynamic registration was refused' },
  'registration.access_granted': { topics: SERVER, description: 'An initial access token for registration was issued' },
  'api.comment_created': { topics: [], description: 'The sample API stored a comment' },
  'api.rejected': { topics: [], description: 'The sample or management API refused a call' },
  'mcp.tool_called': { topics: [], description: 'The sample MCP server ran a tool (its name, the app, the user)' },
  'mcp.rejected': { topics: [], description: 'The sample MCP server refused a request (no or bad token, missing scope, foreign origin)' },
  'rate_limit.hit': { topics: [], description: 'A rate limit was reached (once per episode)' },
  'app.created': { topics: APPS, description: 'An app was registered in the console or the API' },
  'app.updated': { topics: APPS, description: 'An app was changed' },
  'app.deleted': { topics: [...APPS, ...TOKENS], description: 'An app was deleted (its tokens revoked)' },
  'app.secret_rotated': { topics: APPS, description: "An app's secret was replaced" },
  'app.consent_policy_set': { topics: APPS, description: "An app's consent policy was set" },
  'workspace.created': { topics: IDENTITY, description: 'A workspace was created' },
  'workspace.updated': { topics: IDENTITY, description: 'A workspace was changed' },
  'workspace.removed': { topics: [...IDENTITY, ...APPS, ...TOKENS], description: 'A workspace was removed with its apps' },
  'user.created': { topics: IDENTITY, description: 'A test user was created' },
  'user.updated': { topics: IDENTITY, description: 'A test user was changed' },
  'user.removed': { topics: [...IDENTITY, ...TOKENS], description: 'A test user was removed (their tokens revoked)' },
  'membership.created': { topics: IDENTITY, description: 'A user joined a workspace' },
  'membership.updated': { topics: IDENTITY, description: "A member's role changed" },
  'membership.removed': { topics: IDENTITY, description: 'A user left a workspace' },
  'api_key.created': { topics: ['apiKeys'], description: 'A workspace API key was created' },
  'api_key.revoked': { topics: ['apiKeys'], description: 'A workspace API key was revoked' },
  'resource.created': { topics: ['resources'], description: 'A resource server (an API tokens are issued for) was added' },
  'resource.updated': { topics: ['resources'], description: 'A resource server was changed' },
  'resource.deleted': { topics: ['resources'], description: 'A resource server was deleted' },
  'settings.updated': { topics: SERVER, description: 'Server settings were changed' },
  'keys.rotated': { topics: SERVER, description: 'Signing keys were rotated' },
  'webhook.created': { topics: WEBHOOKS, description: 'A webhook endpoint was added to an app' },
  'webhook.updated': { topics: WEBHOOKS, description: 'A webhook endpoint was changed (URL, events, enabled)' },
  'webhook.deleted': { topics: WEBHOOKS, description: 'A webhook endpoint was deleted with its delivery log' },
  'webhook.secret_rotated': { topics: WEBHOOKS, description: "A webhook endpoint's signing secret was replaced" },
  'webhook.redelivered': { topics: WEBHOOKS, description: 'A webhook delivery was queued again by hand' },
  'webhook.test_sent': { topics: WEBHOOKS, description: 'A test event was queued for a webhook endpoint' },
  'webhook.delivered': { topics: WEBHOOKS, description: 'A webhook delivery was answered with 2xx' },
  'webhook.delivery_failed': { topics: WEBHOOKS, description: 'A webhook attempt failed (retried later, or given up)' },
  'config.applied': { topics: [...IDENTITY, ...APPS, ...SERVER, ...WEBHOOKS, 'apiKeys', 'resources'], description: 'A configuration document (a seed file, an import) was applied: counts of what it created and changed' },
  'simulation.created': { topics: ['simulation'], description: 'A fault or latency simulation rule was added' },
  'simulation.deleted': { topics: ['simulation'], description: 'A simulation rule was removed' },
  'simulation.cleared': { topics: ['simulation'], description: 'Every simulation rule was cleared (and the clock, when asked)' },
  'simulation.spent': { topics: ['simulation'], description: 'A "next N requests" simulation rule answered its last request' },
  'simulation.clock_set': { topics: ['simulation', 'tokens'], description: "The server clock's offset (time travel) was changed" },
  'token.expired': { topics: TOKENS, description: 'Tokens were expired now from the console (expired, not revoked)' },
  'server.error': { topics: [], description: 'An internal error (the message only)' },
  'activity.dropped': { topics: [], description: 'Activity events were dropped under overload' },
} as const satisfies Catalog;

export type EventType = keyof typeof EVENT_TYPES;

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_TYPES, type);
}

/** Which console queries an event makes stale: `activity` always, then the catalog's (none for a type it does not know). */
export function topicsForEventType(type: string): ChangeTopic[] {
  return [...new Set<ChangeTopic>(['activity', ...(isEventType(type) ? EVENT_TYPES[type].topics : [])])];
}

/** The group of an event type: its prefix with the dot (`token.` for `token.issued`), or the type itself (`sign_in`). */
type GroupOf<T extends string> = T extends `${infer G}.${string}` ? `${G}.` : T;
export type EventGroup = GroupOf<EventType>;

/**
 * A label for every group of the catalog, in the order the Activity
 * screen's Type filter lists them. A new event type in a new group fails to
 * compile until its group is named here.
 */
export const EVENT_GROUP_LABELS: Record<EventGroup, string> = {
  'authorization.': 'Authorization requests',
  sign_in: 'Sign-ins',
  'consent.': 'Consent decisions',
  'code.': 'Authorization codes',
  'token.': 'Tokens (issued, refreshed, revoked, rejected)',
  'refresh_token.': 'Refresh tokens',
  'grant.': 'Grants',
  'introspection.': 'Introspection',
  'revocation.': 'Revocation requests',
  'userinfo.': 'Userinfo',
  'par.': 'Pushed authorization requests',
  'session.': 'Sessions',
  'client.': 'Dynamic registration',
  'registration.': 'Registration access',
  'api.': 'Resource and management APIs',
  'mcp.': 'Sample MCP server',
  'rate_limit.': 'Rate limits',
  'app.': 'Apps',
  'workspace.': 'Workspaces',
  'user.': 'Users',
  'membership.': 'Memberships',
  'api_key.': 'API keys',
  'resource.': 'Resource servers',
  'settings.': 'Settings',
  'keys.': 'Signing keys',
  'webhook.': 'Webhooks',
  'config.': 'Configuration as code',
  'simulation.': 'Simulation',
  'server.': 'Server',
  'activity.': 'Activity log',
};

/** The Type filter's choices: every group of the catalog with its label and its event types. */
export function eventGroups(): Array<{ value: EventGroup; label: string; types: EventType[] }> {
  const types = Object.keys(EVENT_TYPES) as EventType[];
  return (Object.entries(EVENT_GROUP_LABELS) as Array<[EventGroup, string]>).map(([value, label]) => ({
    value,
    label,
    types: types.filter((type) => (value.endsWith('.') ? type.startsWith(value) : type === value)),
  }));
}
