// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { notifications } from '@mantine/notifications';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AdminError, type Membership, type Settings } from '../../src/shared/contract';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { attentionText, placeField } from '../../src/renderer/src/lib/form-fields';
import { APP_FIELD_LABELS, emptyAppForm } from '../../src/renderer/src/screens/apps/app-form-model';
import { AppForm } from '../../src/renderer/src/screens/apps/AppForm';
import { AppDetailScreen } from '../../src/renderer/src/screens/apps/AppDetailScreen';
import { MembershipsEditor } from '../../src/renderer/src/screens/identity/MembershipsEditor';
import { UsersTab } from '../../src/renderer/src/screens/identity/UsersTab';
import { SettingsScreen } from '../../src/renderer/src/screens/settings/SettingsScreen';
import { fakeAdmin, renderConsole, renderPlain } from './console-harness';
import { makeApp, NOW, user, workspace } from './fixtures';

afterEach(() => notifications.clean());

/** A Mantine Select's input by its label, once it is there. */
const selectInput = (label: string) => waitFor(() => screen.getAllByLabelText(label).find((el) => el.tagName === 'INPUT')!);

/** Opens a Select and picks an option of its own list (several selects offer the same roles). */
async function choose(u: ReturnType<typeof userEvent.setup>, label: string, option: string) {
  const input = await selectInput(label);
  await u.click(input);
  const list = await waitFor(() => document.getElementById(input.getAttribute('aria-controls') ?? '')!);
  await u.click(within(list).getByRole('option', { name: option, hidden: true }));
}

const scrolled = () => vi.mocked(HTMLElement.prototype.scrollIntoView).mock.contexts.at(-1);

function renderForm(onSubmit = vi.fn(async () => undefined)) {
  renderPlain(<AppForm mode="create" initialValues={emptyAppForm(workspace.id)} workspaces={[workspace]} onSubmit={onSubmit} />);
  return { onSubmit, user: userEvent.setup({ delay: null }) };
}

describe('naming the fields that need attention', () => {
  it('places an error on its own field, a list entry on its list, and keeps an unknown path', () => {
    expect(placeField('redirectUris.2', APP_FIELD_LABELS)).toBe('redirectUris.2');
    expect(placeField('scopes.3', APP_FIELD_LABELS)).toBe('scopes');
    expect(placeField('lifetimes.idToken', APP_FIELD_LABELS)).toBe('lifetimes.idToken');
    expect(placeField('metadata.x', APP_FIELD_LABELS)).toBe('metadata.x');
    expect(placeField('', APP_FIELD_LABELS)).toBe('_form');
  });

  it('says which fields, in the form’s order, once per field', () => {
    expect(attentionText({}, APP_FIELD_LABELS)).toBeNull();
    expect(attentionText({ 'redirectUris.0': 'x' }, APP_FIELD_LABELS)).toBe('Redirect URIs needs attention.');
    expect(attentionText({ 'redirectUris.0': 'x', 'redirectUris.2': 'y' }, APP_FIELD_LABELS)).toBe('Redirect URIs needs attention.');
    expect(attentionText({ scopes: 'x', name: 'y', 'redirectUris.1': 'z' }, APP_FIELD_LABELS)).toBe('3 fields need attention: Name, Redirect URIs and Scopes the app may request.');
    expect(attentionText({ name: 'y', 'metadata.x': 'z' }, APP_FIELD_LABELS)).toBe('2 fields need attention: Name (and 1 more).');
    expect(attentionText({ _form: 'z' }, APP_FIELD_LABELS)).toBe('One problem needs attention.');
  });

  it('names the fields and focuses the first invalid one, scrolled into view, when the contract refuses the input', async () => {
    const { onSubmit, user } = renderForm();
    await user.clear(screen.getByLabelText('Redirect URIs 1'));
    await user.type(screen.getByLabelText('Redirect URIs 1'), 'https://*.example.com/callback');
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    expect(onSubmit).not.toHaveBeenCalled();
    expect(screen.getByRole('alert')).toHaveTextContent('2 fields need attention: Name and Redirect URIs.');
    const name = screen.getByLabelText(/^Name/);
    expect(name).toHaveFocus();
    expect(scrolled()).toBe(name);

    // Name fixed: the redirect URI is the first (and only) field left, and gets the focus.
    await user.type(name, 'Billing');
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    expect(screen.getByRole('alert')).toHaveTextContent(/^Redirect URIs needs attention\.$/);
    const redirect = screen.getByLabelText('Redirect URIs 1');
    expect(redirect).toHaveFocus();
    expect(redirect).toHaveAccessibleDescription(/wildcard|exact/i);
    expect(scrolled()).toBe(redirect);
  });

  it('focuses the first box of a group (the scopes) when the group is what needs attention', async () => {
    const { user } = renderForm();
    await user.type(screen.getByLabelText(/^Name/), 'Billing');
    for (const scope of ['openid', 'profile', 'email', 'read:user']) await user.click(screen.getByRole('checkbox', { name: new RegExp(`^${scope}`) }));
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    expect(screen.getByRole('alert')).toHaveTextContent('Scopes the app may request needs attention.');
    expect(screen.getByRole('checkbox', { name: /^openid/ })).toHaveFocus();
  });

  it('puts the server’s field errors on the row they name (blank rows skipped), names the field, and focuses it', async () => {
    const onSubmit = vi.fn(async () => {
      throw new AdminError({ code: 'invalid_input', message: 'The input is not valid', fields: [{ field: 'redirectUris.1', message: 'already used by another app' }] });
    });
    const { user } = renderForm(onSubmit);
    await user.type(screen.getByLabelText(/^Name/), 'Billing');
    await user.click(screen.getByRole('button', { name: /add a redirect uri/i }));
    await user.click(screen.getByRole('button', { name: /add a redirect uri/i }));
    await user.type(screen.getByLabelText('Redirect URIs 3'), 'https://taken.example.com/cb');
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    const row = screen.getByLabelText('Redirect URIs 3');
    await waitFor(() => expect(row).toHaveFocus());
    expect(row).toHaveAccessibleDescription('already used by another app');
    expect(screen.getByLabelText('Redirect URIs 2')).not.toHaveAccessibleDescription(/already/);
    expect(screen.getByRole('alert')).toHaveTextContent(/^Redirect URIs needs attention\.$/);
  });

  it('lists a server error about a field the form does not have, and focuses that summary', async () => {
    const onSubmit = vi.fn(async () => {
      throw new AdminError({ code: 'invalid_input', message: 'The input is not valid', fields: [{ field: 'metadata.owner', message: 'must be a string' }] });
    });
    const { user } = renderForm(onSubmit);
    await user.type(screen.getByLabelText(/^Name/), 'Billing');
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    const refused = await screen.findByText('The server refused the app');
    const summary = refused.closest('[data-form-attention]');
    expect(summary).toHaveTextContent('metadata.owner: must be a string');
    expect(summary).toHaveTextContent('One problem needs attention.');
    expect(summary).toHaveFocus();
  });
});

describe('unsaved changes (the form’s own dirty state)', () => {
  it('counts changes, discards them, and after a save counts from the saved values', async () => {
    const settings: Settings = { ...DEFAULT_SETTINGS, registrationWorkspaceId: null };
    // The server keeps answering the old settings: only the form's reset of its clean state can clear the count.
    const admin = fakeAdmin({
      'users.list': () => ({ items: [user] }),
      'workspaces.list': () => ({ items: [workspace] }),
      'apps.list': () => ({ items: [], nextCursor: null }),
      'settings.get': () => settings,
      'server.status': () => {
        throw new AdminError({ code: 'unavailable', message: 'not in this test' });
      },
      'settings.update': (input) => ({ ...settings, ...input }),
    });
    renderConsole(<SettingsScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    const scope = await screen.findByRole('textbox', { name: 'Default scope' });
    expect(screen.getByText('No unsaved changes')).toBeInTheDocument();

    await u.type(scope, ' email');
    expect(screen.getByText('1 unsaved change')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Discard' }));
    expect(screen.getByText('No unsaved changes')).toBeInTheDocument();
    expect(scope).toHaveValue(DEFAULT_SETTINGS.defaultScope);

    await u.type(scope, ' email');
    await u.click(screen.getByRole('radio', { name: /auto-deny/ }));
    expect(screen.getByText('2 unsaved changes')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Save settings' }));
    expect(await screen.findByText('Settings saved')).toBeInTheDocument();
    expect(screen.getByText('No unsaved changes')).toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: 'Default scope' })).toHaveValue(`${DEFAULT_SETTINGS.defaultScope} email`);
    expect(screen.getByRole('button', { name: 'Save settings' })).toBeDisabled();
    expect(admin.calls.find((c) => c.procedure === 'settings.update')?.input).toEqual({ defaultScope: `${DEFAULT_SETTINGS.defaultScope} email`, consentPolicy: 'auto-deny' });
  });
});

describe('toasts', () => {
  it('after changing an app’s consent policy', async () => {
    let app = makeApp();
    const admin = fakeAdmin({
      'apps.get': () => ({ ...app, stats: { activeTokens: 0, activeConnections: 0, lastUsedAt: null } }),
      'apps.list': () => ({ items: [app], nextCursor: null }),
      'apps.setConsentPolicy': (input) => {
        app = { ...app, consentPolicy: input.consentPolicy, effectiveConsentPolicy: input.consentPolicy ?? 'prompt' };
        return app;
      },
      'settings.get': () => ({ ...DEFAULT_SETTINGS, registrationWorkspaceId: null }),
      'workspaces.list': () => ({ items: [workspace] }),
      'users.list': () => ({ items: [] }),
    });
    renderConsole(<AppDetailScreen />, { admin, route: `/apps/${app.id}`, path: '/apps/:appId' });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('radio', { name: /^auto-approve/ }));
    expect(await screen.findByText('Consent policy changed')).toBeInTheDocument();
    expect(screen.getByText('Demo App: auto-approve from the next authorization request.')).toBeInTheDocument();
    await u.click(screen.getByRole('radio', { name: /^Follow the server setting/ }));
    expect(await screen.findByText('Demo App follows the server setting (prompt) now.')).toBeInTheDocument();
  });

  it('after creating a user', async () => {
    const admin = fakeAdmin({
      'users.list': () => ({ items: [user] }),
      'workspaces.list': () => ({ items: [workspace] }),
      'users.create': (input) => ({ ...user, id: 'usr_new', email: input.email, name: input.name, memberships: [] }),
      'users.update': (input) => ({ ...user, ...input, memberships: user.memberships }) as never,
    });
    renderConsole(<UsersTab />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'New user' }));
    const dialog = await screen.findByRole('dialog');
    await u.type(within(dialog).getByLabelText(/^Name/), 'Quinn QA');
    await u.type(within(dialog).getByLabelText(/^Email/), 'quinn@example.test');
    await u.click(within(dialog).getByRole('button', { name: 'Create user' }));
    expect(await screen.findByText('User created')).toBeInTheDocument();
    expect(screen.getByText('Quinn QA (quinn@example.test) can sign in now.')).toBeInTheDocument();
  });

  it('after changing a role, adding a member and removing one', async () => {
    let members: Membership[] = [{ workspaceId: workspace.id, workspaceName: workspace.name, userId: user.id, userEmail: user.email, userName: user.name, role: 'MEMBER', createdAt: NOW }];
    const olivia = { ...user, id: 'usr_olivia', email: 'olivia@example.test', name: 'Olivia Owner', memberships: [] };
    const admin = fakeAdmin({
      'users.list': () => ({ items: [user, olivia] }),
      'workspaces.list': () => ({ items: [workspace] }),
      'apps.list': () => ({ items: [], nextCursor: null }),
      'memberships.list': () => ({ items: members }),
      'memberships.update': (input) => {
        members = members.map((m) => (m.userId === input.userId ? { ...m, role: input.role } : m));
        return members.find((m) => m.userId === input.userId)!;
      },
      'memberships.create': (input) => {
        const added = { ...members[0]!, userId: input.userId, userEmail: olivia.email, userName: olivia.name, role: input.role };
        members = [...members, added];
        return added;
      },
      'memberships.remove': (input) => {
        members = members.filter((m) => m.userId !== input.userId);
        return { removed: true as const };
      },
    });
    renderConsole(<MembershipsEditor workspaceId={workspace.id} />, { admin });
    const u = userEvent.setup({ delay: null });
    await choose(u, `Role of ${user.name} in ${workspace.name}`, 'ADMIN');
    expect(await screen.findByText('Role changed')).toBeInTheDocument();
    expect(screen.getByText('Mia Member is ADMIN in Demo Workspace now.')).toBeInTheDocument();

    await choose(u, 'Add user', 'Olivia Owner (olivia@example.test)');
    await u.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('Member added')).toBeInTheDocument();
    expect(screen.getByText('Olivia Owner is MEMBER in Demo Workspace now.')).toBeInTheDocument();

    await u.click(await screen.findByRole('button', { name: `Remove Olivia Owner from ${workspace.name}` }));
    await u.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'Remove' }));
    expect(await screen.findByText('Member removed')).toBeInTheDocument();
    expect(screen.getByText('Olivia Owner is no longer in Demo Workspace.')).toBeInTheDocument();
  });
});
