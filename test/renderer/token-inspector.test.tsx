// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type TokenInspection } from '../../src/shared/contract';
import { PasteInspector } from '../../src/renderer/src/screens/tokens/PasteInspector';
import { TokenDetails } from '../../src/renderer/src/screens/tokens/TokenDetails';
import { TokenInspector } from '../../src/renderer/src/screens/tokens/TokenInspector';
import { fakeAdmin, renderConsole, renderPlain } from './console-harness';
import { jwtInspection, makeApp, makeToken, user, workspace } from './fixtures';

const lists = {
  'apps.list': () => ({ items: [makeApp()], nextCursor: null }),
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
  'activity.list': () => ({ items: [], latestId: 0, nextBeforeId: null }),
} as const;

describe('TokenInspector', () => {
  it('decodes a JWT: each claim with its value and meaning, and a verified signature with its key', () => {
    renderPlain(<TokenInspector inspection={jwtInspection()} />);
    expect(screen.getByText('JWT')).toBeInTheDocument();
    const claims = screen.getByRole('table');
    const sub = within(claims).getByText('sub').closest('tr')!;
    expect(sub).toHaveTextContent('usr_mia');
    expect(sub).toHaveTextContent('Subject: the user Mia Member');
    expect(within(claims).getByText('exp').closest('tr')).toHaveTextContent('Expires at 15 Jan 2025 13:00 UTC');
    expect(screen.getByText('Signature verified')).toBeInTheDocument();
    expect(screen.getByText(/active key of this server/)).toBeInTheDocument();
    expect(screen.getByText('An ID token issued to Demo App')).toBeInTheDocument();
  });

  it('says why a signature does not verify', () => {
    const base = jwtInspection();
    const inspection: TokenInspection = {
      ...base,
      jwt: { ...base.jwt!, signature: { verified: false, kid: 'other-kid', alg: 'RS256', keyStatus: null, problem: 'No key of this server has the id "other-kid"' } },
    };
    renderPlain(<TokenInspector inspection={inspection} />);
    expect(screen.getByText('Signature not verified')).toBeInTheDocument();
    expect(screen.getByText(/No key of this server has the id/)).toBeInTheDocument();
  });

  it('shows a stored opaque token’s status, owner and lifetime', () => {
    const token = makeToken({ status: 'revoked', revokedAt: Date.now() - 5000 });
    renderPlain(<TokenInspector inspection={{ format: 'opaque', prefixKind: 'access token', token, jwt: null, audience: null, notes: ['Revoked 5 seconds ago'] }} />);
    expect(screen.getByText('opaque token')).toBeInTheDocument();
    expect(screen.getByText(/prefix says: access token/)).toBeInTheDocument();
    expect(screen.getAllByText('revoked').length).toBeGreaterThan(0);
    expect(screen.getByText('Revoked 5 seconds ago')).toBeInTheDocument();
    expect(screen.getByText('mia.member@example.test')).toBeInTheDocument();
    expect(screen.getByText('no longer usable')).toBeInTheDocument();
  });

  it('shows the audience (resource) of an access token, or that it has none', () => {
    const token = makeToken({ kind: 'access' });
    const bound = renderPlain(<TokenInspector inspection={{ format: 'opaque', prefixKind: null, token, jwt: null, audience: 'http://127.0.0.1:9090/mcp', notes: [] }} />);
    expect(screen.getByText('Audience (resource)').parentElement).toHaveTextContent('http://127.0.0.1:9090/mcp');
    bound.unmount();
    renderPlain(<TokenInspector inspection={{ format: 'opaque', prefixKind: null, token, jwt: null, audience: null, notes: [] }} />);
    expect(screen.getByText('Audience (resource)').parentElement).toHaveTextContent('none: issued without a resource indicator');
  });

  it('says so when no stored token matches', () => {
    renderPlain(<TokenInspector inspection={{ format: 'opaque', prefixKind: null, token: null, jwt: null, audience: null, notes: ['Not found'] }} />);
    expect(screen.getByText('No stored token matches this value.')).toBeInTheDocument();
  });
});

describe('PasteInspector', () => {
  it('sends the pasted value to tokens.inspect and shows what the server found', async () => {
    const admin = fakeAdmin({ ...lists, 'tokens.inspect': () => jwtInspection() });
    renderConsole(<PasteInspector />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.type(screen.getByLabelText(/^Token/), '  eyJhbGciOiJSUzI1NiJ9.e30.sig  ');
    await u.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(await screen.findByText('Signature verified')).toBeInTheDocument();
    expect(admin.calls.find((c) => c.procedure === 'tokens.inspect')?.input).toEqual({ value: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' });
    await u.click(screen.getByRole('button', { name: 'Clear' }));
    expect(screen.queryByText('Signature verified')).not.toBeInTheDocument();
    expect(screen.getByLabelText(/^Token/)).toHaveValue('');
  });

  it('shows a refused value in words', async () => {
    const admin = fakeAdmin({
      ...lists,
      'tokens.inspect': () => {
        throw new AdminError({ code: 'invalid_input', message: 'The input is not valid', fields: [{ field: 'value', message: 'must be at most 16384 characters' }] });
      },
    });
    renderConsole(<PasteInspector />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.type(screen.getByLabelText(/^Token/), 'x'.repeat(5));
    await u.click(screen.getByRole('button', { name: 'Inspect' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Some fields need attention');
    expect(alert).toHaveTextContent('value: must be at most 16384 characters');
  });
});

describe('TokenDetails', () => {
  it('revokes the token only after confirmation, then shows the new status', async () => {
    let token = makeToken();
    const admin = fakeAdmin({
      ...lists,
      'tokens.inspect': () => ({ format: 'opaque', prefixKind: null, token, jwt: null, audience: null, notes: [] }),
      'tokens.list': () => ({ items: [token], nextCursor: null }),
      'tokens.revoke': () => {
        token = { ...token, status: 'revoked', revokedAt: Date.now() };
        return { revoked: 1 };
      },
    });
    renderConsole(<TokenDetails id={token.id} />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Revoke token' }));
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(/stops working at once/);
    expect(admin.calls.some((c) => c.procedure === 'tokens.revoke')).toBe(false);
    await u.click(within(dialog).getByRole('button', { name: 'Revoke token' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'tokens.revoke')?.input).toEqual({ id: token.id }));
    await waitFor(() => expect(screen.getByRole('button', { name: 'Revoke token' })).toBeDisabled());
    expect(screen.getAllByText('revoked').length).toBeGreaterThan(0);
  });

  it('shows the grant’s other credentials as history', async () => {
    const access = makeToken();
    const code = makeToken({ id: 'c'.repeat(64), kind: 'code', status: 'consumed', consumedAt: access.createdAt, createdAt: access.createdAt - 1000 });
    const admin = fakeAdmin({
      ...lists,
      'tokens.inspect': () => ({ format: 'opaque', prefixKind: null, token: access, jwt: null, audience: null, notes: [] }),
      'tokens.list': (input) => ({ items: input.grantId === access.grantId ? [access, code] : [], nextCursor: null }),
    });
    renderConsole(<TokenDetails id={access.id} />, { admin });
    expect(await screen.findByText('this token')).toBeInTheDocument();
    expect(screen.getAllByText('consumed').length).toBeGreaterThan(0);
    expect(admin.calls.find((c) => c.procedure === 'tokens.list')?.input).toMatchObject({ grantId: access.grantId });
  });

  it('says a DPoP-bound token is bound, and to which key; a bearer token shows no binding', async () => {
    const bound = makeToken({ dpopJkt: 'jKtThUmBpRiNt0123456789abcdefghijklmnopqrs' });
    const admin = fakeAdmin({
      ...lists,
      'tokens.inspect': () => ({ format: 'opaque', prefixKind: null, token: bound, jwt: null, audience: null, notes: [] }),
      'tokens.list': () => ({ items: [bound], nextCursor: null }),
    });
    const view = renderConsole(<TokenDetails id={bound.id} />, { admin });
    expect(await screen.findByText(/^DPoP-bound \(jkt/)).toHaveTextContent(`DPoP-bound (jkt ${bound.dpopJkt})`);
    view.unmount();

    const plain = makeToken();
    const plainAdmin = fakeAdmin({
      ...lists,
      'tokens.inspect': () => ({ format: 'opaque', prefixKind: null, token: plain, jwt: null, audience: null, notes: [] }),
      'tokens.list': () => ({ items: [plain], nextCursor: null }),
    });
    renderConsole(<TokenDetails id={plain.id} />, { admin: plainAdmin });
    expect(await screen.findByRole('button', { name: 'Revoke token' })).toBeInTheDocument();
    expect(screen.queryByText(/DPoP-bound/)).toBeNull();
  });
});
