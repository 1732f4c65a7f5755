import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AdminError, type AdminClient } from '../../src/shared/contract';
import { httpClient } from '../admin/admin-clients';
import { codeFlow, confidentialApp, userIdByEmail, type ConfidentialApp } from '../helpers/flows';
import { startTestServer, type TestServer } from '../helpers/server';

async function fieldsOf(promise: Promise<unknown>) {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AdminError);
  return (err as AdminError).fields;
}

/** Per-user profile and extra claims: validated by the contract, released by scope, listed on the consent page. */
describe('user claims', () => {
  let server: TestServer;
  let admin: AdminClient;
  let app: ConfidentialApp;
  let mia: string;

  beforeAll(async () => {
    server = await startTestServer();
    admin = httpClient(server);
    app = await confidentialApp(server, { name: 'Profile App', scopes: ['openid', 'profile', 'email', 'phone', 'groups', 'read:user'] });
    mia = await userIdByEmail(server, 'mia.member@example.test');
  });
  afterAll(() => server.dispose());

  it('refuses bad claims with field errors', async () => {
    expect(await fieldsOf(admin.users.update({ id: mia, locale: 'english!' }))).toEqual([{ field: 'locale', message: 'must be a BCP 47 language tag such as en or en-GB' }]);
    expect((await fieldsOf(admin.users.update({ id: mia, phoneNumber: '0151 1234' })))[0]?.field).toBe('phoneNumber');
    const reserved = await fieldsOf(admin.users.update({ id: mia, extraClaims: { sub: 'someone-else', aud: 'x', email: 'a@b.c', ok: 1 } }));
    expect(reserved).toEqual([
      { field: 'extraClaims.sub', message: '"sub" is a registered claim the server sets' },
      { field: 'extraClaims.aud', message: '"aud" is a registered claim the server sets' },
      { field: 'extraClaims.email', message: '"email" is a standard claim; set it with its own field' },
    ]);
    expect((await fieldsOf(admin.users.update({ id: mia, extraClaims: { big: 'x'.repeat(5000) } })))[0]).toEqual({ field: 'extraClaims', message: 'must be at most 4096 bytes as JSON' });
    expect((await fieldsOf(admin.users.update({ id: mia, extraClaims: { 'bad name': 1 } })))[0]?.field).toBe('extraClaims.bad name');
    // Nothing was stored by the refused calls.
    const [stored] = (await admin.users.list({ search: 'mia.member' })).items;
    expect(stored).toMatchObject({ locale: null, phoneNumber: null, emailVerified: true, extraClaims: {} });
  });

  it('releases each claim with its scope in userinfo and the ID token, and the consent page lists them', async () => {
    const updated = await admin.users.update({ id: mia, locale: 'de-DE', emailVerified: false, phoneNumber: '+4915112345678', phoneNumberVerified: true, groups: ['support', 'beta'], extraClaims: { tenant: 'acme', plan: { tier: 'gold' } } });
    expect(updated).toMatchObject({ locale: 'de-DE', phoneNumberVerified: true, extraClaims: { tenant: 'acme', plan: { tier: 'gold' } } });

    const profileOnly = await codeFlow(server, { config: app.config, scope: 'openid profile', userEmail: 'mia.member@example.test' });
    const consentPage = profileOnly.pages.find((page) => page.includes('wants to access your account'))!;
    expect(consentPage).toContain('This app will see:');
    expect(consentPage).toContain('<code>locale</code> de-DE');
    expect(consentPage).toContain('<code>tenant</code> acme');
    const info = await client.fetchUserInfo(app.config, profileOnly.tokens.access_token, mia);
    expect(info).toMatchObject({ sub: mia, name: 'Mia Member', locale: 'de-DE', tenant: 'acme', plan: { tier: 'gold' } });
    expect(info.email).toBeUndefined();
    expect(info.phone_number).toBeUndefined();
    expect(info.groups).toBeUndefined();

    const emailPhone = await codeFlow(server, { config: app.config, scope: 'openid email phone groups', userEmail: 'mia.member@example.test', params: { prompt: 'consent' } });
    const page = emailPhone.pages.find((p) => p.includes('wants to access your account'))!;
    expect(page).toContain('<code>phone_number</code> +4915112345678');
    expect(page).toContain('<code>email_verified</code> no');
    expect(page).not.toContain('<code>tenant</code>');
    const more = await client.fetchUserInfo(app.config, emailPhone.tokens.access_token, mia);
    expect(more).toMatchObject({ email: 'mia.member@example.test', email_verified: false, phone_number: '+4915112345678', phone_number_verified: true, groups: ['support', 'beta'] });
    expect(more.tenant).toBeUndefined();
    expect(more.locale).toBeUndefined();

    // With a resource the access token cannot read userinfo, so the ID token carries the released claims.
    const withResource = await codeFlow(server, { config: app.config, scope: 'openid profile phone read:user', userEmail: 'mia.member@example.test', params: { resource: `${server.issuer}/api/v1` } });
    const { payload } = await jwtVerify(withResource.tokens.id_token!, createRemoteJWKSet(new URL(`${server.issuer}/oauth/jwks`)), { issuer: server.issuer, audience: app.clientId });
    expect(payload).toMatchObject({ locale: 'de-DE', tenant: 'acme', phone_number: '+4915112345678' });
    expect(payload.email).toBeUndefined();
  }, 90_000);

  it('shows the same claims in the console consent preview', async () => {
    const preview = await admin.consent.preview({ appId: app.clientId, userId: mia, scopes: ['openid', 'profile', 'email'] });
    const profile = preview.model.scopes.find((s) => s.name === 'profile')!;
    expect(profile.claims).toEqual(expect.arrayContaining([{ name: 'locale', value: 'de-DE' }, { name: 'tenant', value: 'acme' }, { name: 'plan', value: '{"tier":"gold"}' }]));
    expect(preview.model.scopes.find((s) => s.name === 'email')!.claims).toEqual([
      { name: 'email', value: 'mia.member@example.test' },
      { name: 'email_verified', value: 'no' },
    ]);
    expect(preview.model.scopes.find((s) => s.name === 'openid')!.claims).toBeUndefined();
  });
});
