import { describe, expect, it } from 'vitest';
import { EVENT_SUMMARIES, summarizeEvent } from '../../src/shared/event-summaries';
import { EVENT_TYPES } from '../../src/shared/events';

describe('activity summaries', () => {
  it('has a summary for every event type of the catalog, readable even with no detail', () => {
    const types = Object.keys(EVENT_TYPES);
    expect(Object.keys(EVENT_SUMMARIES).sort()).toEqual([...types].sort());
    for (const type of types) {
      const line = summarizeEvent(type, {});
      expect(line, type).toMatch(/\w/);
      expect(line, type).not.toMatch(/undefined|null|\[object/);
    }
  });

  it('says what an admin change did, from the detail the server records', () => {
    expect(summarizeEvent('membership.updated', { via: 'console', from: 'MEMBER', to: 'ADMIN' })).toBe('role MEMBER → ADMIN');
    expect(summarizeEvent('membership.created', { via: 'api', principal: 'oc_key_1', role: 'MEMBER' })).toBe('joined · as MEMBER');
    expect(summarizeEvent('settings.updated', { via: 'console', consentPolicy: 'auto-deny' })).toBe('set consentPolicy = auto-deny');
    expect(summarizeEvent('app.updated', { via: 'console', changed: ['name', 'scopes'] })).toBe('changed name, scopes');
    expect(summarizeEvent('app.consent_policy_set', { via: 'console', consentPolicy: null })).toBe('consent policy: follow the server setting');
    expect(summarizeEvent('app.deleted', { name: 'Shop', revokedTokens: 3 })).toBe('deleted “Shop” · 3 tokens revoked');
    expect(summarizeEvent('token.rejected', { error: 'invalid_grant', description: 'grant request is invalid' })).toBe('invalid_grant · grant request is invalid');
  });

  it('falls back to the error words of a type it does not know', () => {
    expect(summarizeEvent('made.up', { error: 'x', message: 'y' })).toBe('x · y');
  });
});
