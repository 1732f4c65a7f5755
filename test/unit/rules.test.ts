import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, hashSecret, randomSecret, verifySecret } from '../../src/main/secrets/crypto';
import { redirectUriProblem } from '../../src/shared/redirect-uris';
import { claimsByScope, parseScope, satisfyingScope, SCOPE_CATALOG, scopeGrantable } from '../../src/shared/scopes';
import { appShapeProblems } from '../../src/shared/contract/apps';
import { parseCliArgs } from '../../src/main/cli-args';

describe('redirect URI rules (seeds)', () => {
  it.each([
    'https://app.example.com/callback',
    'http://localhost:3000/callback',
    'http://127.0.0.1:8765/cb',
    'http://[::1]:9000/cb',
    'com.example.app:/oauth2redirect',
    'https://app.example.com/callback?select=*',
  ])('accepts %s', (uri) => expect(redirectUriProblem(uri)).toBeNull());

  it.each([
    ['http://app.example.com/cb', /https/],
    ['https://app.example.com/cb#x', /fragment/],
    ['javascript:alert(1)', /not allowed/],
    ['myapp:/cb', /reverse domain/],
    ['/relative', /absolute/],
    ['https://user:pw@app.example.com/cb', /credentials/],
    ['', /empty/],
    ['http://localhost.evil.com/cb', /https/],
    ['https://*.example.com/callback', /wildcard.*matched exactly/],
    ['https://app.example.com/callback/*', /wildcard/],
    ['http://localhost:*/callback', /absolute|wildcard/],
  ])('refuses %s', (uri, message) => expect(redirectUriProblem(uri)).toMatch(message));
});

describe('secrets', () => {
  it('hashes and verifies in constant time, with prefixes', () => {
    const secret = randomSecret('oc_sec_');
    expect(secret).toMatch(/^oc_sec_[A-Za-z0-9_-]{43}$/);
    const stored = hashSecret(secret);
    expect(verifySecret(secret, stored)).toBe(true);
    expect(verifySecret(`${secret}x`, stored)).toBe(false);
    expect(verifySecret(secret, null)).toBe(false);
  });

  it('encrypts with AES-GCM and detects tampering', () => {
    const key = Buffer.alloc(32, 7);
    const sealed = encrypt(key, '{"d":"private"}');
    expect(sealed).not.toContain('private');
    expect(decrypt(key, sealed)).toBe('{"d":"private"}');
    expect(() => decrypt(Buffer.alloc(32, 8), sealed)).toThrow();
    expect(() => decrypt(key, sealed.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toThrow();
  });
});

describe('scope catalog', () => {
  it('holds the OIDC, seed and resource scopes with descriptions', () => {
    expect(SCOPE_CATALOG.map((s) => s.name)).toEqual(
      expect.arrayContaining(['openid', 'profile', 'email', 'offline_access', 'groups', 'roles', 'read:user', 'write:user', 'read:organization', 'write:organization', 'read:members', 'write:members', 'read:webhooks', 'write:webhooks', 'admin:organization', 'admin:all']),
    );
    expect(SCOPE_CATALOG.every((s) => s.description.length > 5)).toBe(true);
    expect(claimsByScope().email).toEqual(['email', 'email_verified']);
    expect(parseScope('read:user bogus openid openid')).toEqual(['openid', 'read:user']);
  });

  it('lets only an OWNER grant admin:all, to the user and to the bot', () => {
    for (const actor of ['self', 'app'] as const) {
      expect(scopeGrantable('admin:all', actor, 'OWNER')).toBe(true);
      expect(scopeGrantable('admin:all', actor, 'ADMIN')).toBe(false);
      expect(scopeGrantable('admin:all', actor, 'MEMBER')).toBe(false);
      expect(scopeGrantable('admin:all', actor, undefined)).toBe(false);
    }
    expect(scopeGrantable('write:members', 'app', 'MEMBER')).toBe(true);
    expect(scopeGrantable('write:members', 'self', 'MEMBER')).toBe(false);
  });

  it('answers a scope check with the scope itself, else admin:all', () => {
    expect(satisfyingScope(new Set(['read:user', 'admin:all']), 'read:user')).toBe('read:user');
    expect(satisfyingScope(new Set(['admin:all']), 'write:members')).toBe('admin:all');
    expect(satisfyingScope(new Set(['admin:organization']), 'write:members')).toBeUndefined();
  });
});

describe('PKCE policy rules', () => {
  const shape = { grantTypes: ['authorization_code'], redirectUris: ['https://a.example/cb'], scopes: ['openid'], actorModes: ['self'] };
  it('keeps public apps on required and lets confidential ones choose', () => {
    expect(appShapeProblems({ ...shape, clientType: 'public', pkcePolicy: 'required' })).toEqual([]);
    expect(appShapeProblems({ ...shape, clientType: 'public' })).toEqual([]);
    for (const pkcePolicy of ['optional', 'managed'] as const) {
      expect(appShapeProblems({ ...shape, clientType: 'public', pkcePolicy }).map((p) => p.field)).toEqual(['pkcePolicy']);
      expect(appShapeProblems({ ...shape, clientType: 'confidential', pkcePolicy })).toEqual([]);
    }
  });
});

describe('CLI flags', () => {
  it('parses the documented flags', () => {
    expect(parseCliArgs(['--port', '0', '--host', '127.0.0.1', '--data-dir', '/tmp/x', '--consent', 'auto-approve'], {})).toEqual({
      port: 0,
      host: '127.0.0.1',
      dataDir: '/tmp/x',
      consentPolicy: 'auto-approve',
    });
    expect(parseCliArgs(['-h'], {})).toBe('help');
  });

  it('takes --master-key-file and --copy-data-to, and refuses them where they make no sense', () => {
    expect(parseCliArgs(['--data-dir', '/tmp/x', '--master-key-file', '/run/secrets/key'], {})).toMatchObject({ masterKeyFile: '/run/secrets/key' });
    expect(parseCliArgs(['--data-dir', '/tmp/x', '--keychain', 'off', '--copy-data-to', 'postgres://u@db:5432/oauth'], { OAUTH_CONSOLE_MASTER_KEY: 'k' })).toMatchObject({ action: 'copy-data', copyTarget: 'postgres://u@db:5432/oauth', keychain: 'off' });
    expect(() => parseCliArgs(['--master-key-file', ''], {})).toThrow(/--master-key-file must name the file/);
    expect(() => parseCliArgs(['--keychain', 'on'], { OAUTH_CONSOLE_MASTER_KEY: 'k' })).toThrow(/with a master key given .* leave it out/);
    expect(() => parseCliArgs(['--copy-data-to', 'mysql://db/x'], {})).toThrow(/--copy-data-to must be a PostgreSQL URL/);
    expect(() => parseCliArgs(['--copy-data-to', 'postgres://db/x', '--backup', 'f'], {})).toThrow(/separate commands/);
    expect(() => parseCliArgs(['--copy-data-to', 'postgres://db/x', '--database', 'postgres://db/y'], {})).toThrow(/leave --database .* out/);
  });

  it('reads the data folder from OAUTH_CONSOLE_DATA_DIR', () => {
    expect(parseCliArgs([], { OAUTH_CONSOLE_DATA_DIR: '/tmp/from-env' })).toMatchObject({ dataDir: '/tmp/from-env', port: 9090 });
  });
});

describe('the event-type catalog', () => {
  it('gives each event the console views it makes stale, and only the activity log for types it does not know', async () => {
    const { EVENT_TYPES, topicsForEventType } = await import('../../src/shared/events');
    expect(topicsForEventType('user.created')).toEqual(['activity', 'identity']);
    expect(topicsForEventType('app.deleted')).toEqual(['activity', 'apps', 'tokens', 'connections']);
    expect(topicsForEventType('written.by.an.older.version')).toEqual(['activity']);
    for (const [type, entry] of Object.entries(EVENT_TYPES)) {
      expect(type).toMatch(/^[a-z_]+(\.[a-z_]+)?$/);
      expect(entry.description.length).toBeGreaterThan(10);
    }
  });

  it('puts every event type in exactly one group of the Activity filter, and every group holds a type', async () => {
    const { EVENT_TYPES, eventGroups } = await import('../../src/shared/events');
    const groups = eventGroups();
    for (const type of Object.keys(EVENT_TYPES)) expect({ type, groups: groups.filter((g) => g.types.includes(type as never)).length }).toEqual({ type, groups: 1 });
    for (const group of groups) expect({ group: group.value, empty: group.types.length === 0 }).toEqual({ group: group.value, empty: false });
    expect(groups.find((g) => g.value === 'token.')!.types).toContain('token.issued');
  });
});
