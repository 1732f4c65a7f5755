import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/main/cli-args';
import { checkHost, hostPolicy, parsePublicUrl } from '../../src/main/http/host-policy';
import { demoApp } from '../helpers/flows';
import { raw } from '../helpers/raw-http';
import { startTestServer, type TestServer } from '../helpers/server';

const DISCOVERY = '/.well-known/openid-configuration';

describe('the Host rule: the issuer host is pinned on every route', () => {
  let server: TestServer;
  let pinned: string;
  beforeAll(async () => {
    server = await startTestServer();
    pinned = `127.0.0.1:${server.port}`;
  });
  afterAll(() => server.dispose());

  it('never builds discovery URLs from a foreign Host', async () => {
    const ok = await raw(server, DISCOVERY, { method: 'GET', headers: { host: pinned } });
    expect(ok.status).toBe(200);
    const doc = JSON.parse(ok.body) as Record<string, unknown>;
    expect(doc.token_endpoint).toBe(`${server.issuer}/oauth/token`);
    for (const value of Object.values(doc).filter((v): v is string => typeof v === 'string' && v.startsWith('http'))) expect(value.startsWith(server.issuer)).toBe(true);

    const evil = await raw(server, DISCOVERY, { method: 'GET', headers: { host: 'evil.example' } });
    expect(evil.status).toBe(421);
    expect(evil.body).not.toContain('evil.example/oauth');
    expect(JSON.parse(evil.body)).toEqual({ error: 'invalid_request', error_description: `This server answers for ${pinned} only, not evil.example` });
  });

  it('refuses a foreign Host on the engine, the pages, the APIs, the console and the admin service', async () => {
    const { clientId } = demoApp(server);
    const routes: Array<[string, string]> = [
      ['GET', `/oauth/authorize?client_id=${clientId}&response_type=code&scope=openid`],
      ['POST', '/oauth/token'],
      ['POST', '/oauth/register'],
      ['GET', '/oauth/jwks'],
      ['GET', '/.well-known/oauth-authorization-server'],
      ['GET', '/interaction/some-uid'],
      ['POST', '/interaction/some-uid/login'],
      ['GET', '/api/v1/me'],
      ['GET', '/api/v1/openapi.json'],
      ['GET', '/console/'],
      ['POST', '/admin/rpc/server.status'],
      ['GET', '/'],
    ];
    for (const [method, path] of routes) {
      for (const host of ['evil.example', `evil.example:${server.port}`, `127.0.0.1:${server.port + 1}`]) {
        const res = await raw(server, path, { method, headers: { host, authorization: `Bearer ${server.adminToken}` } });
        expect(res.status, `${method} ${path} with Host ${host}`).toBe(421);
      }
    }
  });

  it('answers a browser with a short page, and a request without Host with 400', async () => {
    const page = await raw(server, '/oauth/authorize', { method: 'GET', headers: { host: 'evil.example', accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(421);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('This server answers for');
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // HTTP/1.0 allows leaving Host out; node's client sends none when told to.
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: server.port, path: DISCOVERY, setHost: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
  });

  it('redirects reads on another loopback name to the issuer, and refuses writes there', async () => {
    for (const alias of [`localhost:${server.port}`, `[::1]:${server.port}`]) {
      const read = await raw(server, `${DISCOVERY}?x=1`, { method: 'GET', headers: { host: alias } });
      expect(read.status).toBe(308);
      expect(read.headers.location).toBe(`${server.issuer}${DISCOVERY}?x=1`);
      const write = await raw(server, '/oauth/token', { method: 'POST', headers: { host: alias, 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      expect(write.status).toBe(421);
      expect(JSON.parse(write.body).error_description).toBe(`Send requests to ${server.issuer} (the issuer), not to ${alias}`);
    }
  });

  it('ignores X-Forwarded-Host when not behind a proxy', async () => {
    const res = await raw(server, DISCOVERY, { method: 'GET', headers: { host: pinned, 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).token_endpoint).toBe(`${server.issuer}/oauth/token`);
  });

  it('answers /healthz on any Host (container probes), naming only the issuer', async () => {
    const res = await raw(server, '/healthz', { method: 'GET', headers: { host: 'evil.example' } });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).issuer).toBe(server.issuer);
  });
});

describe('--public-url: behind a proxy or in a container', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ publicUrl: 'https://auth.example.test' });
  });
  afterAll(() => server.dispose());

  it('makes the public URL the issuer and its host the only one accepted', async () => {
    expect(server.issuer).toBe('https://auth.example.test');
    const direct = await raw(server, DISCOVERY, { method: 'GET', headers: { host: 'auth.example.test' } });
    expect(direct.status).toBe(200);
    const doc = JSON.parse(direct.body) as Record<string, string>;
    expect(doc.issuer).toBe('https://auth.example.test');
    expect(doc.token_endpoint).toBe('https://auth.example.test/oauth/token');

    // A proxy that forwards the original host in X-Forwarded-Host; the scheme is the issuer's whatever it says.
    const proxied = await raw(server, DISCOVERY, { method: 'GET', headers: { host: `127.0.0.1:${server.port}`, 'x-forwarded-host': 'auth.example.test', 'x-forwarded-proto': 'http' } });
    expect(proxied.status).toBe(200);
    expect(JSON.parse(proxied.body).authorization_endpoint).toBe('https://auth.example.test/oauth/authorize');

    for (const headers of [{ host: `127.0.0.1:${server.port}` }, { host: 'evil.example' }, { host: 'auth.example.test', 'x-forwarded-host': 'evil.example' }] as Array<Record<string, string>>) {
      const res = await raw(server, DISCOVERY, { method: 'GET', headers });
      expect(res.status, JSON.stringify(headers)).toBe(421);
    }
  });

  it('issues tokens through the proxy', async () => {
    const { clientId, clientSecret } = demoApp(server);
    const res = await raw(server, '/oauth/token', {
      headers: { host: 'auth.example.test', authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&scope=read%3Auser',
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).access_token).toMatch(/^oc_cc_/);
  });
});

describe('checking a public URL', () => {
  it('accepts https, and http for loopback hosts or when insisted on', () => {
    expect(parsePublicUrl('https://auth.example.test/')).toBe('https://auth.example.test');
    expect(parsePublicUrl('https://Auth.Example.test:8443')).toBe('https://auth.example.test:8443');
    expect(parsePublicUrl('http://localhost:8080')).toBe('http://localhost:8080');
    expect(parsePublicUrl('http://oauth:9090', true)).toBe('http://oauth:9090');
  });

  it('refuses anything else with one line that says why', () => {
    expect(() => parsePublicUrl('http://oauth:9090')).toThrow(/--allow-http-public-url/);
    expect(() => parsePublicUrl('auth.example.test')).toThrow(/absolute URL/);
    expect(() => parsePublicUrl('ftp://auth.example.test')).toThrow(/https/);
    expect(() => parsePublicUrl('https://auth.example.test/base')).toThrow(/path/);
    expect(() => parsePublicUrl('https://auth.example.test/?a=1')).toThrow(/query/);
    expect(() => parsePublicUrl('https://auth.example.test/#x')).toThrow(/fragment/);
    expect(() => parsePublicUrl('https://u:p@auth.example.test')).toThrow(/credentials/);
  });

  it('takes --public-url, $OAUTH_CONSOLE_PUBLIC_URL and --no-rate-limit from the command line', () => {
    expect(parseCliArgs(['--public-url', 'https://auth.example.test', '--data-dir', '/tmp/x'], {})).toMatchObject({ publicUrl: 'https://auth.example.test', allowHttpPublicUrl: false });
    expect(parseCliArgs(['--data-dir', '/tmp/x'], { OAUTH_CONSOLE_PUBLIC_URL: 'https://env.example.test' })).toMatchObject({ publicUrl: 'https://env.example.test' });
    expect(parseCliArgs(['--public-url', 'http://oauth:9090', '--allow-http-public-url', '--data-dir', '/tmp/x'], {})).toMatchObject({ publicUrl: 'http://oauth:9090', allowHttpPublicUrl: true });
    expect(() => parseCliArgs(['--public-url', 'http://oauth:9090', '--data-dir', '/tmp/x'], {})).toThrow(/plain http/);
    expect(parseCliArgs(['--no-rate-limit', '--data-dir', '/tmp/x'], {})).toMatchObject({ rateLimits: false });
  });

  it('keeps loopback aliases to a loopback issuer', () => {
    const policy = hostPolicy('http://127.0.0.1:9090');
    expect(checkHost(policy, { headers: { host: '127.0.0.1:9090' }, method: 'POST', url: '/' })).toEqual({ kind: 'ok' });
    expect(checkHost(policy, { headers: { host: 'LOCALHOST:9090' }, method: 'GET', url: '/console/' })).toEqual({ kind: 'redirect', location: 'http://127.0.0.1:9090/console/' });
    expect(checkHost(policy, { headers: { host: 'localhost:9091' }, method: 'GET', url: '/' })).toMatchObject({ kind: 'refuse', status: 421 });
  });
});
