import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { approveDevice, confidentialAppConfig } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

const DEVICE_CODE = 'urn:ietf:params:oauth:grant-type:device_code';

describe('device authorization grant (RFC 8628) with openid-client', () => {
  let server: TestServer;
  let config: client.Configuration;

  beforeAll(async () => {
    server = await startTestServer();
    config = await confidentialAppConfig(server, { name: 'TV app', scopes: ['openid', 'offline_access', 'read:user'], grantTypes: [DEVICE_CODE, 'refresh_token'] });
  });
  afterAll(() => server.dispose());

  it('is advertised, completes through our pages, and its tokens work and rotate', async () => {
    expect(config.serverMetadata().device_authorization_endpoint).toBe(`${server.issuer}/oauth/device/auth`);
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid offline_access read:user' });
    expect(started.user_code).toMatch(/^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    expect(started.verification_uri).toBe(`${server.issuer}/oauth/device`);
    const page = await approveDevice(server, started.verification_uri_complete!);
    expect(page).toContain('Device connected');
    expect(page).not.toMatch(/https?:\/\/(?!127\.0\.0\.1)/);
    const tokens = await client.pollDeviceAuthorizationGrant(config, { ...started, interval: 0 });
    expect(tokens.access_token).toMatch(/^oc_at_/);
    const me = await fetch(`${server.issuer}/api/v1/me`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(me.status).toBe(200);
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const types = (await server.db.selectFrom('events').select('type').where('client_id', '=', config.clientMetadata().client_id).execute()).map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['consent.approved', 'token.issued', 'token.refreshed']));
  });

  it('answers authorization_pending before approval and access_denied after the user cancels', async () => {
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid read:user' });
    const poll = () =>
      fetch(`${server.issuer}/oauth/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${config.clientMetadata().client_id}:${config.clientMetadata().client_secret as string}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: DEVICE_CODE, device_code: started.device_code }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { error: string } }));
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'authorization_pending' } });
    expect(await approveDevice(server, started.verification_uri_complete!, 'abort')).toContain('cancelled');
    expect(await poll()).toMatchObject({ status: 400, body: { error: 'access_denied' } });
  });

  it('names the code field for screen readers', async () => {
    const html = await (await fetch(`${server.issuer}/oauth/device`)).text();
    expect(html).toMatch(/<input aria-label="Code shown on your device"[^>]*name="user_code"/);
  });

  it('refuses an unknown user code with a page that says so', async () => {
    const res = await fetch(`${server.issuer}/oauth/device?user_code=BCDF-GHJK`);
    const html = await res.text();
    expect(res.status).toBeLessThan(500);
    expect(html).not.toMatch(/fonts\.googleapis/);
  });
});
