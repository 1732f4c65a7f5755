// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { Route } from 'react-router';
import { describe, expect, it, vi } from 'vitest';
import { AdminError, type AppsCreateInput } from '../../src/shared/contract';
import { emptyAppForm } from '../../src/renderer/src/screens/apps/app-form-model';
import { AppForm } from '../../src/renderer/src/screens/apps/AppForm';
import { AppCreateScreen } from '../../src/renderer/src/screens/apps/AppCreateScreen';
import { AppDetailScreen } from '../../src/renderer/src/screens/apps/AppDetailScreen';
import { fakeAdmin, renderConsole, renderPlain } from './console-harness';
import { makeApp, workspace } from './fixtures';

function renderForm(onSubmit = vi.fn(async () => undefined)) {
  renderPlain(<AppForm mode="create" initialValues={emptyAppForm(workspace.id)} workspaces={[workspace]} onSubmit={onSubmit} />);
  return { onSubmit, user: userEvent.setup({ delay: null }) };
}

describe('AppForm', () => {
  it('sends the contract input: trimmed rows, blank rows dropped, "follow the server" as null', async () => {
    const { onSubmit, user } = renderForm();
    await user.type(screen.getByLabelText(/^Name/), 'Billing');
    await user.click(screen.getByRole('button', { name: /add a redirect uri/i }));
    await user.type(screen.getByLabelText('Redirect URIs 2'), '  https://billing.example.com/cb  ');
    await user.click(screen.getByRole('button', { name: /add a redirect uri/i }));
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    const input = (onSubmit.mock.calls[0] as unknown as [AppsCreateInput])[0];
    expect(input).toMatchObject({
      workspaceId: workspace.id,
      name: 'Billing',
      clientType: 'confidential',
      redirectUris: ['http://localhost:3000/callback', 'https://billing.example.com/cb'],
      consentPolicy: null,
      description: null,
    });
  });

  it('shows the contract’s messages next to each field before sending anything', async () => {
    const { onSubmit, user } = renderForm();
    await user.clear(screen.getByLabelText('Redirect URIs 1'));
    await user.type(screen.getByLabelText('Redirect URIs 1'), 'http://evil.example.com/callback');
    // Client credentials ticked, then the app made public: the choice goes, and cannot be ticked again.
    await user.click(screen.getByRole('checkbox', { name: /client credentials/i }));
    await user.click(screen.getByRole('radio', { name: /public/i }));
    const clientCredentials = screen.getByRole('checkbox', { name: /client credentials/i });
    expect(clientCredentials).not.toBeChecked();
    expect(clientCredentials).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Create app' }));

    expect(onSubmit).not.toHaveBeenCalled();
    // Empty name and a non-loopback http redirect.
    expect(screen.getByLabelText(/^Name/)).toHaveAccessibleDescription(/must not be empty/);
    expect(screen.getByLabelText('Redirect URIs 1')).toHaveAccessibleDescription(/https|loopback|localhost/i);
    expect(screen.queryByText(/public apps have no secret/i)).not.toBeInTheDocument();
    expect(screen.getByRole('alert')).toHaveTextContent(/fields need attention/);
  });

  it('clears a message as soon as the field is fixed', async () => {
    const { user } = renderForm();
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    expect(screen.getByLabelText(/^Name/)).toHaveAccessibleDescription(/must not be empty/);
    await user.type(screen.getByLabelText(/^Name/), 'X');
    expect(screen.getByLabelText(/^Name/)).not.toHaveAccessibleDescription(/must not be empty/);
  });

  it('puts the server’s field errors on the inputs they name, counting only non-blank rows', async () => {
    const onSubmit = vi.fn(async () => {
      throw new AdminError({
        code: 'invalid_input',
        message: 'The input is not valid',
        fields: [
          { field: 'redirectUris.1', message: 'already used by another app' },
          { field: 'name', message: 'an app with this name exists in the workspace' },
        ],
      });
    });
    const { user } = renderForm(onSubmit);
    await user.type(screen.getByLabelText(/^Name/), 'Demo App');
    // Row 2 is blank (ignored), row 3 is the second URI sent: the server's index 1.
    await user.click(screen.getByRole('button', { name: /add a redirect uri/i }));
    await user.click(screen.getByRole('button', { name: /add a redirect uri/i }));
    await user.type(screen.getByLabelText('Redirect URIs 3'), 'https://taken.example.com/cb');
    await user.click(screen.getByRole('button', { name: 'Create app' }));

    await waitFor(() => expect(screen.getByLabelText('Redirect URIs 3')).toHaveAccessibleDescription('already used by another app'));
    expect(screen.getByLabelText('Redirect URIs 2')).not.toHaveAccessibleDescription(/already/);
    expect(screen.getByLabelText(/^Name/)).toHaveAccessibleDescription(/exists in the workspace/);
  });

  it('shows a server error that is not about a field in words', async () => {
    const onSubmit = vi.fn(async () => {
      throw new AdminError({ code: 'unavailable', message: 'The admin service could not be reached: connection refused' });
    });
    const { user } = renderForm(onSubmit);
    await user.type(screen.getByLabelText(/^Name/), 'Billing');
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The admin service cannot be reached');
    expect(alert).toHaveTextContent('connection refused');
  });
});

describe('the PKCE policy and the one-live-token option', () => {
  it('sends the chosen policy and option', async () => {
    const { onSubmit, user } = renderForm();
    await user.type(screen.getByLabelText(/^Name/), 'Legacy backend');
    expect(screen.getByRole('radio', { name: /^Optional/ })).toBeChecked();
    await user.click(screen.getByRole('radio', { name: /managed by the server/i }));
    await user.click(screen.getByRole('switch', { name: /one live token per workspace/i }));
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect((onSubmit.mock.calls[0] as unknown as [AppsCreateInput])[0]).toMatchObject({ pkcePolicy: 'managed', singleLiveToken: true });
  });

  it('keeps a public app on required: the other choices are disabled', async () => {
    const { onSubmit, user } = renderForm();
    await user.type(screen.getByLabelText(/^Name/), 'SPA');
    await user.click(screen.getByRole('radio', { name: /managed by the server/i }));
    await user.click(screen.getByRole('radio', { name: /^Public/ }));
    expect(screen.getByRole('radio', { name: /^Required/ })).toBeChecked();
    expect(screen.getByRole('radio', { name: /managed by the server/i })).toBeDisabled();
    expect(screen.getByRole('radio', { name: /^Optional/ })).toBeDisabled();
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect((onSubmit.mock.calls[0] as unknown as [AppsCreateInput])[0]).toMatchObject({ clientType: 'public', pkcePolicy: 'required' });
  });

  it('puts the server’s PKCE error next to the choice', async () => {
    const onSubmit = vi.fn(async () => {
      throw new AdminError({ code: 'invalid_input', message: 'The input is not valid', fields: [{ field: 'pkcePolicy', message: 'public apps cannot keep a secret, so PKCE is required for them' }] });
    });
    const { user } = renderForm(onSubmit);
    await user.type(screen.getByLabelText(/^Name/), 'Billing');
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    expect(await screen.findByText('public apps cannot keep a secret, so PKCE is required for them')).toBeInTheDocument();
    expect(screen.queryByText('The server refused the app')).not.toBeInTheDocument();
  });

  it('shows both on the app’s page with what they mean', async () => {
    const app = makeApp({ pkcePolicy: 'managed', singleLiveToken: true });
    const admin = fakeAdmin({
      'apps.get': () => ({ ...app, stats: { activeTokens: 0, activeConnections: 0, lastUsedAt: null } }),
      'apps.list': () => ({ items: [app], nextCursor: null }),
      'workspaces.list': () => ({ items: [workspace] }),
      'users.list': () => ({ items: [], nextCursor: null }),
    });
    renderConsole(<AppDetailScreen />, { admin, route: `/apps/${app.id}`, path: '/apps/:appId' });
    expect(await screen.findByText('Managed by the server')).toBeInTheDocument();
    expect(screen.getByText(/server makes the challenge and supplies the verifier/)).toBeInTheDocument();
    expect(screen.getByText(/revokes the earlier live ones/)).toBeInTheDocument();
  });
});

describe('creating an app', () => {
  it('shows the new secret once, with the client id, and leaves only after it is acknowledged', async () => {
    const created = makeApp({ id: 'oc_app_new', name: 'Billing' });
    const admin = fakeAdmin({
      'workspaces.list': () => ({ items: [workspace] }),
      'apps.create': () => ({ app: created, clientSecret: 'oc_sec_s3cr3t' }),
      'apps.get': () => ({ ...created, stats: { activeTokens: 0, activeConnections: 0, lastUsedAt: null } }),
    });
    renderConsole(<AppCreateScreen />, {
      admin,
      route: '/apps/new',
      path: '/apps/new',
      extraRoutes: [<Route key="detail" path="/apps/:appId" element={<p>detail page</p>} />],
    });
    const user = userEvent.setup({ delay: null });
    await user.type(await screen.findByLabelText(/^Name/), 'Billing');
    await user.click(screen.getByRole('button', { name: 'Create app' }));

    const dialog = await screen.findByRole('dialog');
    expect(within(dialog).getByTestId('secret-value')).toHaveTextContent('oc_sec_s3cr3t');
    expect(within(dialog).getByText('oc_app_new')).toBeInTheDocument();
    expect(admin.calls.find((c) => c.procedure === 'apps.create')?.input).toMatchObject({ name: 'Billing', workspaceId: workspace.id });

    await user.click(within(dialog).getByRole('checkbox'));
    await user.click(within(dialog).getByRole('button', { name: 'Done' }));
    expect(await screen.findByText('detail page')).toBeInTheDocument();
    expect(screen.queryByText('oc_sec_s3cr3t')).not.toBeInTheDocument();
  });
});
