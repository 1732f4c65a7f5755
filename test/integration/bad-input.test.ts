import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FormAgent } from '../helpers/form-agent';
import { demoApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

/** No 5xx, no stack trace, no internal file paths in any answer. */
async function expectCleanRefusal(res: Response, label: string) {
  const text = await res.text();
  expect(res.status, `${label}: ${text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
  expect(res.status, label).toBeLessThan(500);
  expect(text, label).not.toMatch(/\n\s+at |node_modules|\.ts:\d+/);
}

describe('hostile and malformed requests', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  const url = (path: string) => `${server.issuer}${path}`;
  const form = (body: string, headers: Record<string, string> = {}) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body,
  });

  it('token, introspection, revocation and userinfo answer with RFC errors', async () => {
    const { clientId, clientSecret } = demoApp(server);
    const basic = { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}` };
    const cases: Array<[string, RequestInit]> = [
      ['/oauth/token', form('')],
      ['/oauth/token', form('grant_type=authorization_code', basic)],
      ['/oauth/token', form('grant_type=authorization_code&code=oc_code_forged&redirect_uri=http://127.0.0.1:8765/callback', basic)],
      ['/oauth/token', form('grant_type=refresh_token&refresh_token=%00%ff', basic)],
      ['/oauth/token', form('grant_type=password&username=a&password=b', basic)],
      ['/oauth/token', form('grant_type=client_credentials', { authorization: 'Basic !!!notbase64' })],
      ['/oauth/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":' }],
      ['/oauth/introspect', form('token=abc')],
      ['/oauth/revoke', form('token=abc', { authorization: 'Basic Zm9vOmJhcg==' })],
      ['/oauth/userinfo', { headers: { authorization: 'Bearer nope' } }],
      ['/oauth/authorize', {}],
      ['/oauth/authorize?client_id=%E0%A4%A&response_type=code', {}],
      ['/oauth/authorize?client_id[]=a&client_id[]=b', {}],
      ['/oauth/register', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }],
      ['/oauth/jwks', { method: 'POST' }],
    ];
    for (const [path, init] of cases) await expectCleanRefusal(await fetch(url(path), { ...init, redirect: 'manual' }), path);
    // Unknown scopes are ignored (OAuth 2.0 section 3.3): a huge one is not a crash either.
    const huge = await fetch(url('/oauth/token'), form(`grant_type=client_credentials&scope=${'x'.repeat(50_000)}`, basic));
    expect(huge.status).toBeLessThan(500);
    expect(((await huge.json()) as { scope?: string }).scope).toBeUndefined();
  });

  it('interaction pages refuse unknown uids, missing cookies and forged forms', async () => {
    await expectCleanRefusal(await fetch(url('/interaction/does-not-exist')), 'unknown uid');
    await expectCleanRefusal(await fetch(url('/interaction/does-not-exist/login'), form('user_id=x&csrf=y')), 'login without cookie');
    await expectCleanRefusal(await fetch(url('/interaction/%2e%2e%2f'), {}), 'encoded traversal');

    // A real interaction, then a post without the right CSRF token or from a foreign origin.
    const agent = new FormAgent();
    const { clientId } = demoApp(server);
    const start = await agent.follow(
      url(`/oauth/authorize?client_id=${clientId}&response_type=code&redirect_uri=${encodeURIComponent('http://127.0.0.1:8765/callback')}&scope=openid&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGKSdd1Ts_2&code_challenge_method=S256`),
      new URL(server.issuer).origin,
    );
    await start.res!.text();
    const forged = await agent.request(`${start.url}/login`, form('user_id=x&csrf=forged'));
    expect(forged.status).toBe(403);
    const foreign = await agent.request(`${start.url}/login`, form('user_id=x&csrf=forged', { origin: 'https://evil.example' }));
    expect(foreign.status).toBe(403);
    const page = await agent.request(start.url);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });

  it('the resource API refuses oversized and odd credentials cleanly', async () => {
    await expectCleanRefusal(await fetch(url('/api/v1/me'), { headers: { authorization: `Bearer ${'a'.repeat(5000)}` } }), 'long token');
    await expectCleanRefusal(await fetch(url('/api/v1/me'), { headers: { authorization: 'Bearer a b c' } }), 'spaces');
    await expectCleanRefusal(await fetch(url('/api/v1/nothing-here')), 'unknown route');
    await expectCleanRefusal(await fetch(url('/api/v1/workspaces/x/comments'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(200_000) }), 'huge body');
  });

  it('nothing in the run produced a server error', async () => {
    await server.activity.flush();
    const errors = await server.db.selectFrom('events').select(['type', 'detail']).where('level', '=', 'error').execute();
    expect(errors).toEqual([]);
  });
});
