// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type Settings } from '../../src/shared/contract';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { UsersTab } from '../../src/renderer/src/screens/identity/UsersTab';
import { SettingsScreen } from '../../src/renderer/src/screens/settings/SettingsScreen';
import { TokensPanel } from '../../src/renderer/src/screens/tokens/TokensPanel';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp, makeToken, user, workspace } from './fixtures';

const lists = {
  'apps.list': () => ({ items: [makeApp()], nextCursor: null }),
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
} as const;

describe('the user form', () => {
  it('checks the email with the contract before sending, then creates the user', async () => {
    const admin = fakeAdmin({ ...lists, 'users.create': (input) => ({ ...user, id: 'usr_new', email: input.email, name: input.name, memberships: [] }) });
    renderConsole(<UsersTab />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog');
    await u.type(within(dialog).getByLabelText(/^Name/), 'Quinn QA');
    await u.type(within(dialog).getByLabelText(/^Email/), 'not-an-email');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(within(dialog).getByLabelText(/^Email/)).toHaveAccessibleDescription('must be an email address');
    expect(admin.calls.some((c) => c.procedure === 'users.create')).toBe(false);

    await u.clear(within(dialog).getByLabelText(/^Email/));
    await u.type(within(dialog).getByLabelText(/^Email/), 'Quinn@Example.test');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument());
    expect(admin.calls.find((c) => c.procedure === 'users.create')?.input).toMatchObject({ email: 'quinn@example.test', name: 'Quinn QA' });
  });

  it('shows a conflict from the server in words, keeping the dialog open', async () => {
    const admin = fakeAdmin({
      ...lists,
      'users.create': () => {
        throw new AdminError({ code: 'conflict', message: 'A user with the email mia.member@example.test exists' });
      },
    });
    renderConsole(<UsersTab />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog');
    await u.type(within(dialog).getByLabelText(/^Name/), 'Mia again');
    await u.type(within(dialog).getByLabelText(/^Email/), 'mia.member@example.test');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert).toHaveTextContent('That change is not allowed');
    expect(alert).toHaveTextContent('A user with the email mia.member@example.test exists');
  });
});

describe('the settings form', () => {
  it('sends only what changed and puts the server’s field error on its input', async () => {
    let settings: Settings = { ...DEFAULT_SETTINGS, registrationWorkspaceId: null };
    const admin = fakeAdmin({
      ...lists,
      'settings.get': () => settings,
      'server.status': () => {
        throw new AdminError({ code: 'unavailable', message: 'not in this test' });
      },
      'settings.update': (input) => {
        if (input.accessTokenTtl === 7) throw new AdminError({ code: 'invalid_input', message: 'bad', fields: [{ field: 'accessTokenTtl', message: 'must be at least 60 seconds' }] });
        settings = { ...settings, ...input };
        return settings;
      },
    });
    renderConsole(<SettingsScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    const access = await screen.findByRole('textbox', { name: /Access token/ });
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    await u.clear(access);
    await u.type(access, '7');
    await u.click(screen.getByRole('radio', { name: /auto-approve/ }));
    expect(screen.getByText('2 unsaved changes')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: /Access token/ })).toHaveAccessibleDescription(/must be at least 60 seconds/));
    expect(admin.calls.find((c) => c.procedure === 'settings.update')?.input).toEqual({ accessTokenTtl: 7, consentPolicy: 'auto-approve' });
  });
});

describe('live changes', () => {
  it('refresh the token table without a reload when the server reports a token change', async () => {
    let items = [makeToken()];
    const admin = fakeAdmin({ ...lists, 'tokens.list': () => ({ items, nextCursor: null }) });
    renderConsole(<TokensPanel />, { admin });
    expect(await screen.findAllByRole('row')).toHaveLength(2);
    items = [makeToken({ id: 'b'.repeat(64), kind: 'refresh', expiresAt: null }), ...items];
    admin.emit({ id: 7, at: Date.now(), type: 'refresh_token.issued', level: 'info', topics: ['activity', 'tokens', 'connections'] });
    await waitFor(() => expect(screen.getAllByRole('row')).toHaveLength(3));
    expect(screen.getByText('until revoked')).toBeInTheDocument();
  });
});
