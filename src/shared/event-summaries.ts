import type { EventType } from './events';

type Detail = Record<string, unknown>;

/** A detail value as words: strings as they are, lists joined, others as JSON; '' when absent. */
function text(value: unknown): string {
  if (value === undefined || value === null || value === '') return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(', ');
  return JSON.stringify(value);
}

/** Joins the parts that have something to say. */
function say(...parts: Array<string | false | undefined>): string {
  return parts.filter((p): p is string => Boolean(p)).join(' · ');
}

const labelled = (label: string, value: unknown) => (text(value) ? `${label} ${text(value)}` : undefined);
const refusal = (d: Detail) => say(text(d.error) || 'refused', text(d.description));
const changed = (d: Detail) => labelled('changed', d.changed) ?? 'changed';
const tokenFacts = (d: Detail) => say(text(d.kind), labelled('scope', d.scope), labelled('grant', d.grantType), labelled('as', d.actor));
const plural = (n: unknown, word: string) => (typeof n === 'number' ? `${n} ${word}${n === 1 ? '' : 's'}` : undefined);

/**
 * One line per event type saying what happened, from its detail: the
 * Activity table's summary column and the exports. The record's type makes
 * a new catalog type fail to compile until it has a summary here.
 */
export const EVENT_SUMMARIES: Record<EventType, (d: Detail) => string> = {
  'authorization.requested': (d) => say(labelled('scope', d.scope), labelled('to', d.redirectUri), labelled('prompt', d.prompt)) || 'authorization request',
  'authorization.rejected': refusal,
  sign_in: (d) => say('signed in', labelled('with', d.how)),
  'consent.approved': (d) => say(text(d.how) ? `approved (${text(d.how)})` : 'approved', labelled('granted', d.granted), labelled('refused', d.rejected), labelled('as', d.actor)),
  'consent.denied': (d) => say('denied', text(d.reason), labelled('scope', d.scope)),
  'code.issued': (d) => say('code issued', labelled('scope', d.scope)),
  'code.consumed': () => 'code exchanged for tokens',
  'token.issued': (d) => tokenFacts(d) || 'token issued',
  'token.refreshed': (d) => say('refresh token used and rotated', labelled('scope', d.scope)),
  'token.revoked': (d) => say(text(d.kind) ? `${text(d.kind)} revoked` : 'token revoked', text(d.via) && `in the ${text(d.via)}`),
  'token.revoked_all': (d) => say(plural(d.revokedTokens ?? d.revoked, 'token') ?? 'tokens', 'revoked', plural(d.revokedGrants, 'grant') && `${plural(d.revokedGrants, 'grant')} ended`),
  'token.rejected': refusal,
  'token.exchange': (d) => (text(d.grantType) ? `${text(d.grantType)} grant answered` : 'token endpoint answered'),
  'refresh_token.issued': (d) => say('refresh token issued', labelled('scope', d.scope)),
  'refresh_token.revoked': () => 'refresh token revoked',
  'grant.revoked': (d) => say('connection revoked', plural(d.revokedTokens, 'token') && `${plural(d.revokedTokens, 'token')} revoked`),
  'introspection.rejected': refusal,
  'revocation.rejected': refusal,
  'userinfo.rejected': refusal,
  'par.rejected': refusal,
  'session.ended': () => 'signed out',
  'session.revoked': () => 'session ended in the console',
  'session.revoked_all': (d) => say('every session ended', plural(d.ended, 'session')),
  'session.switch_user': (d) => say('chose "Switch user"', labelled('on', d.prompt)),
  'session.end_rejected': refusal,
  'client.registered': () => 'registered itself (dynamic registration)',
  'registration.rejected': refusal,
  'registration.access_granted': (d) => say('initial access token issued', typeof d.expiresIn === 'number' ? `valid ${Math.round(d.expiresIn / 3600)} h` : undefined),
  'api.comment_created': (d) => say('comment stored', labelled('as', d.actor)),
  'api.rejected': (d) => say(text(d.status), text(d.method), text(d.path), text(d.error), text(d.description)) || 'refused',
  'mcp.tool_called': (d) => say(labelled('tool', d.tool), labelled('as', d.actor)) || 'tool called',
  'mcp.rejected': (d) => say(text(d.status), text(d.reason) || text(d.error), text(d.description), labelled('tool', d.tool)) || 'refused',
  'rate_limit.hit': (d) => say(labelled('limit', d.limit), typeof d.perMinute === 'number' ? `${d.perMinute}/min` : undefined, labelled('retry after', d.retryAfter && `${text(d.retryAfter)} s`)) || 'rate limit hit',
  'app.created': (d) => say(text(d.name) ? `created “${text(d.name)}”` : 'created', text(d.clientType), labelled('scopes', d.scopes)),
  'app.updated': changed,
  'app.deleted': (d) => say(text(d.name) ? `deleted “${text(d.name)}”` : 'deleted', plural(d.revokedTokens, 'token') && `${plural(d.revokedTokens, 'token')} revoked`),
  'app.secret_rotated': () => 'secret replaced',
  'app.consent_policy_set': (d) => (d.consentPolicy === null || d.consentPolicy === undefined ? 'consent policy: follow the server setting' : `consent policy: ${text(d.consentPolicy)}`),
  'workspace.created': (d) => say(text(d.name) ? `created “${text(d.name)}”` : 'created', labelled('slug', d.slug)),
  'workspace.updated': (d) => say('changed', labelled('name', d.name), labelled('slug', d.slug)),
  'workspace.removed': (d) => say(text(d.name) ? `removed “${text(d.name)}”` : 'removed', plural(d.removedApps ?? d.apps, 'app')),
  'user.created': (d) => say('created', text(d.email)),
  'user.updated': changed,
  'user.removed': (d) => say('removed', text(d.email), plural(d.revokedTokens, 'token') && `${plural(d.revokedTokens, 'token')} revoked`),
  'membership.created': (d) => say('joined', labelled('as', d.role)),
  'membership.updated': (d) => (text(d.from) || text(d.to) ? `role ${text(d.from) || '?'} → ${text(d.to) || '?'}` : 'role changed'),
  'membership.removed': (d) => say('left the workspace', labelled('was', d.role)),
  'api_key.created': (d) => say('API key created', text(d.name) && `“${text(d.name)}”`),
  'api_key.revoked': (d) => say('API key revoked', text(d.name) && `“${text(d.name)}”`),
  'simulation.created': (d) =>
    say(
      `${text(d.endpoint) || 'endpoint'}${text(d.grantType) ? ` (${text(d.grantType)})` : ''}`,
      text(d.effect) === 'latency' ? labelled('latency ms', d.latencyMs) : text(d.error) || (d.status ? `HTTP ${text(d.status)}` : text(d.effect)),
      text(d.mode) === 'next' ? plural(d.count, 'request') && `next ${plural(d.count, 'request')}` : text(d.mode) === 'share' ? labelled('for %', d.percent) : 'until cleared',
    ),
  'simulation.deleted': (d) => say('rule removed', text(d.id)),
  'simulation.cleared': (d) => say(plural(d.cleared, 'rule') ? `${plural(d.cleared, 'rule')} cleared` : 'rules cleared', d.clockReset === true && 'clock reset'),
  'simulation.spent': (d) => say(`rule on ${text(d.endpoint) || 'an endpoint'} spent`, plural(d.count, 'request') && `after ${plural(d.count, 'request')}`),
  'simulation.clock_set': (d) => say(`clock offset ${text(d.offsetSeconds)} s`, labelled('was', d.from) && `was ${text(d.from)} s`),
  'token.minted': (d) => say('minted', labelled('scope', d.scope), labelled('for', d.resource), labelled('as', d.actor), d.refreshToken === true && 'with a refresh token', d.idToken === true && 'with an ID token'),
  'token.expired': (d) => say(plural(d.expired, 'token') ? `${plural(d.expired, 'token')} expired now` : 'expired now', labelled('app', d.appId), labelled('grant', d.grantId)),
  'resource.created': (d) => say(text(d.name) ? `added “${text(d.name)}”` : 'added', text(d.identifier), text(d.tokenFormat)),
  'resource.updated': (d) => say(changed(d), text(d.identifier)),
  'resource.deleted': (d) => say(text(d.name) ? `deleted “${text(d.name)}”` : 'deleted', text(d.identifier)),
  'settings.updated': (d) => {
    const keys = Object.keys(d).filter((k) => k !== 'via' && k !== 'principal');
    return keys.length ? `set ${keys.map((k) => `${k} = ${text(d[k])}`).join(', ')}` : 'settings saved';
  },
  'keys.rotated': (d) => say('signing keys rotated', labelled('active', d.activeKids)),
  'webhook.created': (d) => say('endpoint added', text(d.url), labelled('events', d.events)),
  'webhook.updated': (d) => say('endpoint', changed(d)),
  'webhook.deleted': (d) => say('endpoint deleted', text(d.url)),
  'webhook.secret_rotated': () => 'endpoint signing secret replaced',
  'webhook.redelivered': (d) => say('delivery queued again', labelled('#', d.deliveryId)),
  'webhook.test_sent': () => 'test event queued',
  'webhook.delivered': (d) => say(text(d.eventType), labelled('answered', d.status), typeof d.durationMs === 'number' ? `${d.durationMs} ms` : undefined) || 'delivered',
  'webhook.delivery_failed': (d) => say(text(d.eventType), labelled('attempt', d.attempt), text(d.error) || labelled('answered', d.status)) || 'delivery failed',
  'config.applied': (d) =>
    say(
      `${text(d.source) || 'configuration'} applied`,
      `${text(d.created) || 0} created, ${text(d.updated) || 0} updated${typeof d.deleted === 'number' && d.deleted > 0 ? `, ${d.deleted} deleted` : ''}, ${text(d.unchanged) || 0} unchanged`,
    ),
  'server.error': (d) => say(text(d.message) || 'internal error', text(d.procedure) || text(d.path)),
  'activity.dropped': (d) => (plural(d.dropped, 'event') ? `${plural(d.dropped, 'event')} dropped under load` : 'events dropped under load'),
};

/** The summary of any event; a type the catalog does not know gets its description keys. */
export function summarizeEvent(type: string, detail: Detail): string {
  const summarize = (EVENT_SUMMARIES as Record<string, ((d: Detail) => string) | undefined>)[type];
  if (summarize) return summarize(detail);
  return say(text(detail.error), text(detail.description), text(detail.message));
}

/**
 * Who did it: the console or the management API (with its key or principal)
 * for admin changes; otherwise the user the event is about, else its app.
 */
export function actorOf(detail: Detail): { via: 'console' | 'api'; principal: string | null } | null {
  if (detail.via === 'console' || detail.via === 'api') return { via: detail.via, principal: typeof detail.principal === 'string' ? detail.principal : null };
  return null;
}
