import { isLoopbackHost } from './redirect-uris';

/**
 * The webhook event types an endpoint subscribes to, what each means, and
 * which activity-log event types produce it. The one list: the server maps
 * only these, the contract accepts only these.
 */
export const WEBHOOK_EVENTS = {
  'app.authorized': { from: ['consent.approved'], description: 'A user approved the app (a new connection, or a grant extended)' },
  'connection.revoked': { from: ['grant.revoked'], description: 'A connection (grant) and its tokens were revoked' },
  'token.revoked': { from: ['token.revoked', 'token.revoked_all'], description: 'A token of the app was revoked (one, or all of the app)' },
  'app.secret_rotated': { from: ['app.secret_rotated'], description: "The app's client secret was replaced" },
  'app.updated': { from: ['app.updated'], description: "The app's settings were changed" },
  'app.deleted': { from: ['app.deleted'], description: 'The app was deleted (its last webhook)' },
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENTS;
export const WEBHOOK_EVENT_TYPES = Object.keys(WEBHOOK_EVENTS) as WebhookEventType[];

/** The type of "send a test event": delivered to the endpoint whatever it subscribes to. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** The payload of every delivery (Standard Webhooks' recommended shape). */
export interface WebhookPayload {
  type: WebhookEventType | typeof WEBHOOK_TEST_EVENT;
  /** ISO 8601 time of the event. */
  timestamp: string;
  data: Record<string, unknown>;
}

/** What the mapper reads of an activity event (src/main/store/events-store.ts `ActivityEvent`). */
export interface WebhookSourceEvent {
  type: string;
  at: number;
  clientId: string | null;
  accountId: string | null;
  workspaceId: string | null;
  detail: Record<string, unknown>;
}

const SOURCES = new Map<string, WebhookEventType>(
  WEBHOOK_EVENT_TYPES.flatMap((type) => WEBHOOK_EVENTS[type].from.map((from) => [from, type] as [string, WebhookEventType])),
);

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);
const count = (value: unknown): number | null => (typeof value === 'number' ? value : null);
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

/**
 * The webhook an activity event produces, or null. Fields are picked one by
 * one from the event (never copied wholesale), so no secret, token or
 * request detail can reach a receiver. An event without an app (a user's
 * tokens revoked across apps) produces none: a webhook belongs to one app.
 */
export function webhookPayloadFor(event: WebhookSourceEvent): WebhookPayload | null {
  const type = SOURCES.get(event.type);
  if (!type || !event.clientId) return null;
  const base = { appId: event.clientId, workspaceId: event.workspaceId };
  const d = event.detail;
  const data: Record<string, unknown> = (() => {
    switch (type) {
      case 'app.authorized':
        return { ...base, userId: event.accountId, actor: text(d.actor), scopes: strings(d.granted) };
      case 'connection.revoked':
        return { ...base, userId: event.accountId, connectionId: text(d.grant) ?? text(d.grantId), revokedTokens: count(d.revokedTokens) };
      case 'token.revoked':
        return event.type === 'token.revoked_all'
          ? { ...base, userId: null, all: true, revokedTokens: count(d.revokedTokens) }
          : { ...base, userId: event.accountId, all: false, tokenId: text(d.id), kind: text(d.kind) };
      case 'app.updated':
        return { ...base, changed: strings(d.changed) };
      case 'app.deleted':
        return { ...base, name: text(d.name) };
      case 'app.secret_rotated':
        return base;
    }
  })();
  return { type, timestamp: new Date(event.at).toISOString(), data };
}

/**
 * Checks a webhook URL by the same rule as redirect URIs: https, or plain
 * http for a loopback host only; no credentials, no fragment. Returns the
 * problem in words, or null.
 */
export function webhookUrlProblem(value: string): string | null {
  if (value.length === 0) return 'must not be empty';
  if (value.length > 2000) return 'must be at most 2000 characters';
  if (/\s/.test(value)) return 'must not contain spaces';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL';
  }
  if (url.hash || value.includes('#')) return 'must not contain a fragment (#)';
  if (url.username || url.password) return 'must not contain credentials';
  if (url.protocol === 'https:') return url.hostname ? null : 'must name a host';
  if (url.protocol === 'http:') return isLoopbackHost(url.hostname) ? null : 'must use https (plain http is allowed only for localhost, 127.0.0.1 and [::1])';
  return 'must be an https URL (or http for localhost, 127.0.0.1 and [::1])';
}
