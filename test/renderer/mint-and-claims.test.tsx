// @vitest-environment jsdom
import './setup';
import { configure, fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type ResourceServer, type TokenEvaluation, type TokenPlan } from '../../src/shared/contract';
import { UsersTab } from '../../src/renderer/src/screens/identity/UsersTab';
import { MintDialog } from '../../src/renderer/src/screens/tokens/mint/MintDialog';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp, NOW, user, workspace } from './fixtures';

// A loaded machine renders Mantine's dialogs slowly: every wait here is for a condition, with room to meet it.
configure({ asyncUtilTimeout: 15_000 });

const app = makeApp({ actorModes: ['self', 'app'], grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] });
const mcp: ResourceServer = {
  id: 'rs_mcp',
  identifier: 'http://127.0.0.1:9090/mcp',
  builtIn: true,
  name: 'Sample MCP server',
  scopes: ['read:user'],
  customScopes: [],
  tokenFormat: 'opaque',
  accessTokenTtl: null,
  metadata: { resource: 'http://127.0.0.1:9090/mcp', authorization_servers: ['http://127.0.0.1:9090'] } as ResourceServer['metadata'],
  metadataUrl: 'http://127.0.0.1:9090/.well-known/oauth-protected-resource/mcp',
  createdAt: NOW,
  updatedAt: NOW,
};
const lists = {
  'apps.list': () => ({ items: [app], nextCursor: null }),
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
  'resources.list': () => ({ items: [mcp] }),
} as const;
const plan: TokenPlan = { appId: app.id, userId: user.id, actor: 'self', workspaceId: workspace.id, scopes: ['openid', 'profile', 'read:user'], resource: null, grant: 'consent' };

/** A Mantine Select's input by its label. */
function selectInput(dialog: HTMLElement, label: RegExp): HTMLElement {
  return within(dialog)
    .getAllByLabelText(label)
    .find((el) => el.tagName === 'INPUT')!;
}

/** Waits until the dialog has loaded the apps and shows the preset one (slow on a loaded machine: a condition, not a sleep). */
async function appChosen(dialog: HTMLElement) {
  await waitFor(() => expect(selectInput(dialog, /^App/)).toHaveValue('Demo App'));
}

async function chooseUser(dialog: HTMLElement, name = 'Mia Member (mia.member@example.test)') {
  const u = userEvent.setup({ delay: null });
  await u.click(selectInput(dialog, /^User/));
  await u.click(await screen.findByRole('option', { name, hidden: true }));
  return u;
}

describe('the Mint a token dialog', () => {
  it("evaluates with the app's scopes, then mints and shows each token once with a copy button", async () => {
    const evaluation: TokenEvaluation = {
      plan,
      idToken: { sub: user.id, iss: 'http://127.0.0.1:9090', aud: app.id },
      accessToken: { sub: user.id, scope: 'openid profile read:user', actor: 'self', workspace_id: workspace.id },
      userinfo: { sub: user.id, name: 'Mia Member', tenant: 'acme' },
      refreshToken: true,
      notes: ['The access token can read userinfo, so the ID token carries only sub.'],
    };
    const admin = fakeAdmin({
      ...lists,
      'tokens.evaluate': () => evaluation,
      'tokens.mint': () => ({
        plan,
        accessToken: 'oc_at_minted',
        tokenType: 'Bearer',
        expiresIn: 86400,
        scope: 'openid profile read:user',
        refreshToken: 'oc_rt_minted',
        idToken: 'eyJ.id.token',
        accessTokenId: 'b'.repeat(64),
        grantId: 'g'.repeat(64),
      }),
    });
    renderConsole(<MintDialog opened appId={app.id} onClose={() => undefined} />, { admin });
    const dialog = await screen.findByRole('dialog');
    await appChosen(dialog);
    const u = await chooseUser(dialog);

    await u.click(within(dialog).getByRole('button', { name: 'Evaluate' }));
    const shown = await within(dialog).findByTestId('evaluation');
    expect(admin.calls.find((c) => c.procedure === 'tokens.evaluate')?.input).toEqual({ appId: app.id, userId: user.id });
    expect(within(shown).getByLabelText('Userinfo')).toHaveTextContent('"tenant": "acme"');
    expect(within(shown).getByLabelText('ID token')).toHaveTextContent(`"sub": "${user.id}"`);
    expect(shown).toHaveTextContent('refresh token: yes');
    expect(shown).toHaveTextContent('the ID token carries only sub');
    expect(admin.calls.some((c) => c.procedure === 'tokens.mint')).toBe(false);

    await u.click(within(dialog).getByRole('button', { name: 'Mint token' }));
    const minted = await within(dialog).findByTestId('minted');
    expect(within(dialog).queryByTestId('evaluation')).not.toBeInTheDocument();
    expect(within(minted).getByLabelText('Access token')).toHaveTextContent('oc_at_minted');
    expect(within(minted).getByLabelText('Refresh token')).toHaveTextContent('oc_rt_minted');
    expect(within(minted).getByLabelText('ID token')).toHaveTextContent('eyJ.id.token');
    expect(within(minted).getByRole('button', { name: 'Copy access token' })).toBeInTheDocument();
    expect(within(minted).getByRole('link', { name: 'Inspect the access token' })).toHaveAttribute('href', `/tokens?inspect=${'b'.repeat(64)}`);
    expect(minted).toHaveTextContent('shown only here');
  });

  it("puts the server's refusal on the field it names", async () => {
    const admin = fakeAdmin({
      ...lists,
      'tokens.mint': () => {
        throw new AdminError({ code: 'invalid_input', message: 'scopes.0: needs the ADMIN role', fields: [{ field: 'scopes.0', message: 'needs the ADMIN role; mia.member@example.test is MEMBER in Demo Workspace' }] });
      },
    });
    renderConsole(<MintDialog opened appId={app.id} onClose={() => undefined} />, { admin });
    const dialog = await screen.findByRole('dialog');
    await appChosen(dialog);
    const u = await chooseUser(dialog);
    await u.click(within(dialog).getByRole('button', { name: 'Mint token' }));
    expect(await within(dialog).findByText('needs the ADMIN role; mia.member@example.test is MEMBER in Demo Workspace')).toBeInTheDocument();
    expect(within(dialog).queryByTestId('minted')).not.toBeInTheDocument();
  });

  it('offers the bot without a user when the app may use client credentials, and sends no user then', async () => {
    const admin = fakeAdmin({ ...lists, 'tokens.evaluate': () => ({ plan: { ...plan, userId: null, actor: 'app', grant: 'client_credentials' }, idToken: null, accessToken: { actor: 'app' }, userinfo: null, refreshToken: false, notes: [] }) });
    renderConsole(<MintDialog opened appId={app.id} onClose={() => undefined} />, { admin });
    const dialog = await screen.findByRole('dialog');
    await appChosen(dialog);
    const u = await chooseUser(dialog, 'Demo App (bot, no user)');
    await u.click(within(dialog).getByRole('button', { name: 'Evaluate' }));
    expect(await within(dialog).findByTestId('evaluation')).toHaveTextContent('No ID token.');
    expect(admin.calls.find((c) => c.procedure === 'tokens.evaluate')?.input).toEqual({ appId: app.id, actor: 'app' });
  });
});

describe('the claims of the user form', () => {
  it('checks locale, phone and extra claims with the contract, then saves them', async () => {
    const admin = fakeAdmin({ ...lists, 'users.update': (input) => ({ ...user, ...input, memberships: user.memberships }) as never });
    renderConsole(<UsersTab />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'Edit Mia Member' }));
    const dialog = await screen.findByRole('dialog');
    await u.type(within(dialog).getByLabelText(/^Locale/), 'english please');
    await u.type(within(dialog).getByLabelText(/^Phone number$/), '0151 123');
    fireEvent.change(within(dialog).getByLabelText(/^Extra claims/), { target: { value: '{"iss": "evil", "tenant": "acme"}' } });
    await u.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByLabelText(/^Locale/)).toHaveAccessibleDescription(/must be a BCP 47 language tag/);
    expect(within(dialog).getByLabelText(/^Phone number$/)).toHaveAccessibleDescription(/must be an E.164 number/);
    expect(within(dialog).getByLabelText(/^Extra claims/)).toHaveAccessibleDescription(/"iss" is a registered claim the server sets/);
    expect(admin.calls.some((c) => c.procedure === 'users.update')).toBe(false);

    fireEvent.change(within(dialog).getByLabelText(/^Extra claims/), { target: { value: '["not", "an object"]' } });
    await u.click(within(dialog).getByRole('button', { name: 'Save' }));
    expect(within(dialog).getByLabelText(/^Extra claims/)).toHaveAccessibleDescription(/must be a JSON object/);

    await u.clear(within(dialog).getByLabelText(/^Locale/));
    await u.type(within(dialog).getByLabelText(/^Locale/), 'en-GB');
    await u.clear(within(dialog).getByLabelText(/^Phone number$/));
    await u.type(within(dialog).getByLabelText(/^Phone number$/), '+4915112345678');
    await u.click(within(dialog).getByRole('switch', { name: 'Verified phone number' }));
    fireEvent.change(within(dialog).getByLabelText(/^Extra claims/), { target: { value: '{"tenant": "acme", "beta": true}' } });
    await u.click(within(dialog).getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(admin.calls.find((c) => c.procedure === 'users.update')?.input).toMatchObject({
      id: user.id,
      locale: 'en-GB',
      phoneNumber: '+4915112345678',
      phoneNumberVerified: true,
      emailVerified: true,
      extraClaims: { tenant: 'acme', beta: true },
    });
  });
});
