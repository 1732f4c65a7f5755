// @vitest-environment jsdom
import './setup';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, settingsUpdateInput, type Settings } from '../../src/shared/contract';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { AppsScreen } from '../../src/renderer/src/screens/apps/AppsScreen';
import { SettingsScreen } from '../../src/renderer/src/screens/settings/SettingsScreen';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp, user, workspace } from './fixtures';

const lists = {
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
} as const;

describe('MCP client settings', () => {
  it('edits the default scope, refuses an unknown scope on its field, and turns loopback metadata documents on', async () => {
    let settings: Settings = { ...DEFAULT_SETTINGS, registrationWorkspaceId: null };
    const admin = fakeAdmin({
      ...lists,
      'apps.list': () => ({ items: [makeApp()], nextCursor: null }),
      'settings.get': () => settings,
      'server.status': () => {
        throw new AdminError({ code: 'unavailable', message: 'not in this test' });
      },
      'settings.update': (input) => {
        settings = { ...settings, ...settingsUpdateInput.parse(input) };
        return settings;
      },
    });
    renderConsole(<SettingsScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    const scope = await screen.findByRole('textbox', { name: 'Default scope' });
    expect(scope).toHaveValue(DEFAULT_SETTINGS.defaultScope);
    const loopback = screen.getByRole('switch', { name: /Client ID Metadata Documents on this machine/ });
    expect(loopback).not.toBeChecked();

    await u.clear(scope);
    await u.type(scope, 'read:user read:everything');
    await u.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Default scope' })).toHaveAccessibleDescription(/unknown scope read:everything/));
    expect(admin.calls.some((c) => c.procedure === 'settings.update')).toBe(false);

    await u.clear(scope);
    await u.type(scope, 'read:user');
    await u.click(loopback);
    await u.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'settings.update')?.input).toEqual({ defaultScope: 'read:user', allowLoopbackMetadataDocuments: true }));
  });
});

describe('the apps list', () => {
  it('marks where each app came from: CIMD with the document’s host, DCR, and nothing for console apps', async () => {
    const admin = fakeAdmin({
      ...lists,
      'apps.list': () => ({
        items: [
          makeApp({ id: 'https://client.example.test/oauth/client.json', name: 'Document client', origin: 'cimd' }),
          makeApp({ id: 'oc_app_registered', name: 'Registered client', origin: 'dynamic' }),
          makeApp({ id: 'oc_app_console', name: 'Console app', origin: 'console' }),
        ],
        nextCursor: null,
      }),
    });
    renderConsole(<AppsScreen />, { admin });
    expect(await screen.findByText('CIMD · client.example.test')).toBeInTheDocument();
    expect(screen.getByText('DCR')).toBeInTheDocument();
    expect(screen.getAllByText(/^(CIMD|DCR)/)).toHaveLength(2);
  });
});
