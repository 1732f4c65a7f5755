import { describe, expect, it } from 'vitest';
import { quickStartSnippets } from '../../src/renderer/src/lib/quick-start';
import { describeSeconds, formatDuration } from '../../src/renderer/src/lib/format';
import { makeApp } from './fixtures';

describe('quick start', () => {
  it('gives curl for each grant the app allows and openid-client, never a secret value', () => {
    const app = makeApp({ grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'], scopes: ['openid', 'read:user'] });
    const snippets = quickStartSnippets(app, 'http://127.0.0.1:9090');
    expect(snippets.map((s) => s.id)).toEqual(['env', 'curl-cc', 'curl-code', 'node']);
    const all = snippets.map((s) => s.code).join('\n');
    expect(all).toContain('export CLIENT_ID=oc_app_demo');
    expect(all).toContain('-d scope="read:user"');
    expect(all).toContain('code_challenge_method=S256');
    expect(all).toContain("client.discovery(new URL('http://127.0.0.1:9090'), 'oc_app_demo'");
    expect(all).not.toMatch(/oc_sec_[A-Za-z0-9]{4,}/);
  });

  it('uses PKCE without a secret for a public client', () => {
    const snippets = quickStartSnippets(makeApp({ clientType: 'public', grantTypes: ['authorization_code'] }), 'http://127.0.0.1:9090');
    expect(snippets.map((s) => s.id)).toEqual(['env', 'curl-code', 'node']);
    const code = snippets.find((s) => s.id === 'curl-code')!.code;
    expect(code).toContain('-d client_id="$CLIENT_ID"');
    expect(code).not.toContain('CLIENT_SECRET');
  });
});

describe('quick start for devices', () => {
  it('gives the device flow: start, then poll with the device_code grant', () => {
    const snippets = quickStartSnippets(makeApp({ grantTypes: ['urn:ietf:params:oauth:grant-type:device_code', 'refresh_token'], actorModes: ['self'] }), 'http://127.0.0.1:9090');
    expect(snippets.map((s) => s.id)).toEqual(['env', 'curl-device', 'node']);
    const code = snippets.find((s) => s.id === 'curl-device')!.code;
    expect(code).toContain('$ISSUER/oauth/device/auth');
    expect(code).toContain('-d grant_type=urn:ietf:params:oauth:grant-type:device_code \\\n');
  });
});

describe('durations', () => {
  it('reads as people say them', () => {
    expect(formatDuration(3661)).toBe('1h 1m 1s');
    expect(formatDuration(2 * 86400 + 4 * 3600 + 5)).toBe('2d 4h');
    expect(describeSeconds(300)).toBe('5 minutes');
    expect(describeSeconds(86400)).toBe('1 day');
  });
});
