// @vitest-environment jsdom
import './setup';
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AppsCreateInput, AppsUpdateInput } from '../../src/shared/contract';
import { appFormFromApp, emptyAppForm } from '../../src/renderer/src/screens/apps/app-form-model';
import { AppForm } from '../../src/renderer/src/screens/apps/AppForm';
import { AppDetailScreen } from '../../src/renderer/src/screens/apps/AppDetailScreen';
import { fakeAdmin, renderConsole, renderPlain } from './console-harness';
import { makeApp, workspace } from './fixtures';

const SWITCH = { name: /granted claims in the id token/i };

describe("the app option 'granted claims in the ID token'", () => {
  it('is off for a new app and sends idTokenClaims: true when switched on', async () => {
    const onSubmit = vi.fn(async () => undefined);
    renderPlain(<AppForm mode="create" initialValues={emptyAppForm(workspace.id)} workspaces={[workspace]} onSubmit={onSubmit} />);
    const user = userEvent.setup({ delay: null });
    await user.type(screen.getByLabelText(/^Name/), 'Readable tokens');
    expect(screen.getByRole('switch', SWITCH)).not.toBeChecked();
    await user.click(screen.getByRole('switch', SWITCH));
    await user.click(screen.getByRole('button', { name: 'Create app' }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect((onSubmit.mock.calls[0] as unknown as [AppsCreateInput])[0]).toMatchObject({ idTokenClaims: true });
  });

  it("starts from the app's value when editing, and sends it back off", async () => {
    const onSubmit = vi.fn(async () => undefined);
    const app = makeApp({ idTokenClaims: true });
    renderPlain(<AppForm mode="edit" initialValues={appFormFromApp(app)} workspaces={[workspace]} onSubmit={onSubmit} />);
    const user = userEvent.setup({ delay: null });
    expect(screen.getByRole('switch', SWITCH)).toBeChecked();
    await user.click(screen.getByRole('switch', SWITCH));
    await user.click(screen.getByRole('button', { name: /save/i }));
    await waitFor(() => expect(onSubmit).toHaveBeenCalledTimes(1));
    expect((onSubmit.mock.calls[0] as unknown as [AppsUpdateInput])[0]).toMatchObject({ idTokenClaims: false });
  });

  it("says on the app's page whether the ID token carries the claims", async () => {
    const app = makeApp({ idTokenClaims: true });
    const admin = fakeAdmin({
      'apps.get': () => ({ ...app, stats: { activeTokens: 0, activeConnections: 0, lastUsedAt: null } }),
      'apps.list': () => ({ items: [app], nextCursor: null }),
      'workspaces.list': () => ({ items: [workspace] }),
      'users.list': () => ({ items: [], nextCursor: null }),
    });
    renderConsole(<AppDetailScreen />, { admin, route: `/apps/${app.id}`, path: '/apps/:appId' });
    expect(await screen.findByText('On: the ID token carries the granted profile, email and other claims')).toBeInTheDocument();
  });
});
