// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type ProcedureOutput, type Session } from '../../src/shared/contract';
import { ConsentPreviewScreen } from '../../src/renderer/src/screens/consent/ConsentPreviewScreen';
import { SessionsScreen } from '../../src/renderer/src/screens/sessions/SessionsScreen';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp, NOW, user, workspace } from './fixtures';

const lists = {
  'apps.list': () => ({ items: [makeApp()], nextCursor: null }),
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
} as const;

function makeSession(overrides: Partial<Session> = {}): Session {
  return {
    id: 'sess_uid_1',
    userId: user.id,
    userName: user.name,
    userEmail: user.email,
    signedInAt: NOW - 600_000,
    expiresAt: NOW + 86400_000,
    apps: [{ appId: 'oc_app_demo', appName: 'Demo App', grantId: 'f'.repeat(64) }],
    ...overrides,
  };
}

describe('the Sessions screen', () => {
  it('lists who is signed in with which apps, and ends a session after asking', async () => {
    let sessions = [makeSession(), makeSession({ id: 'sess_uid_2', apps: [] })];
    const admin = fakeAdmin({
      ...lists,
      'sessions.list': () => ({ items: sessions }),
      'sessions.end': (input) => {
        sessions = sessions.filter((s) => s.id !== input.id);
        return { ended: true, userId: user.id };
      },
    });
    renderConsole(<SessionsScreen />, { admin });
    const table = await screen.findByRole('table', { name: 'Sessions' });
    expect(within(table).getAllByText('Mia Member')).toHaveLength(2);
    expect(within(table).getByRole('link', { name: 'Demo App' })).toHaveAttribute('href', `/tokens?grant=${'f'.repeat(64)}`);
    expect(within(table).getByText('none yet')).toBeInTheDocument();

    const u = userEvent.setup({ delay: null });
    await u.click(within(table).getAllByRole('button', { name: 'End session' })[0]!);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('the next authorization request there shows the sign-in page');
    expect(admin.calls.some((c) => c.procedure === 'sessions.end')).toBe(false);
    await u.click(within(dialog).getByRole('button', { name: 'End session' }));
    await waitFor(() => expect(screen.getAllByRole('button', { name: 'End session' })).toHaveLength(1));
    expect(admin.calls.find((c) => c.procedure === 'sessions.end')?.input).toEqual({ id: 'sess_uid_1' });
  });

  it("filters to one user and ends all of that user's sessions", async () => {
    const admin = fakeAdmin({
      ...lists,
      'sessions.list': () => ({ items: [makeSession()] }),
      'sessions.endAllForUser': () => ({ ended: 1 }),
    });
    renderConsole(<SessionsScreen />, { admin, route: `/?user=${user.id}` });
    const u = userEvent.setup({ delay: null });
    await u.click(await screen.findByRole('button', { name: 'End all of Mia Member' }));
    await u.click(within(await screen.findByRole('dialog')).getByRole('button', { name: 'End all sessions' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'sessions.endAllForUser')?.input).toEqual({ userId: user.id }));
    expect(admin.calls.find((c) => c.procedure === 'sessions.list')?.input).toEqual({ userId: user.id });
  });

  it('says when nobody is signed in, shows errors in words, and refreshes on a sign-in', async () => {
    let items: Session[] = [];
    let fail = true;
    const admin = fakeAdmin({
      ...lists,
      'sessions.list': () => {
        if (fail) throw new AdminError({ code: 'unavailable', message: 'The server stopped' });
        return { items };
      },
    });
    renderConsole(<SessionsScreen />, { admin });
    expect(screen.getByRole('status')).toHaveTextContent('Loading sessions…');
    expect(await screen.findByText('The server stopped')).toBeInTheDocument();
    fail = false;
    await userEvent.setup({ delay: null }).click(screen.getByRole('button', { name: 'Retry' }));
    expect(await screen.findByText('Nobody is signed in')).toBeInTheDocument();

    items = [makeSession()];
    admin.emit({ id: 9, at: Date.now(), type: 'sign_in', level: 'info', topics: ['activity', 'sessions'] });
    expect(await screen.findByRole('table', { name: 'Sessions' })).toHaveTextContent('Mia Member');
  });
});

/** The Redirect URI select's input (its listbox carries the same label). */
async function redirectInput(): Promise<HTMLElement> {
  await screen.findAllByLabelText('Redirect URI');
  return screen.getAllByLabelText('Redirect URI').find((el) => el.tagName === 'INPUT')!;
}

describe('the consent preview', () => {
  const twoRedirects = makeApp({ redirectUris: ['http://localhost:3000/callback', 'http://localhost:3000/second'], actorModes: ['self', 'app'] });
  const preview = (): ProcedureOutput<'consent.preview'> => ({
    model: {
      app: { name: 'Demo App', clientId: 'oc_app_demo', logoUrl: 'http://127.0.0.1:8765/logo.png', homepageUrl: null, privacyUrl: null, termsUrl: null, environment: 'development' },
      user: { name: user.name, email: user.email },
      workspaces: [{ id: workspace.id, name: workspace.name, role: 'MEMBER' }],
      selectedWorkspaceId: workspace.id,
      scopes: [{ name: 'openid', description: 'Sign you in', grantable: true }],
      actor: { mode: 'self', description: 'acts as you' },
      preview: true,
    },
    authorizationUrl: 'http://127.0.0.1:9090/oauth/authorize?client_id=oc_app_demo',
    codeVerifier: 'v'.repeat(43),
    state: 'state-1',
    effectiveConsentPolicy: 'prompt',
  });

  it('chooses the redirect URI and the actor, and sends them with the preview', async () => {
    const admin = fakeAdmin({ ...lists, 'apps.list': () => ({ items: [twoRedirects], nextCursor: null }), 'consent.preview': () => preview() });
    renderConsole(<ConsentPreviewScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    const redirect = await redirectInput();
    expect(redirect).toHaveValue('http://localhost:3000/callback');
    await u.click(redirect);
    await u.click(await screen.findByRole('option', { name: 'http://localhost:3000/second', hidden: true }));
    await u.click(screen.getByRole('radio', { name: 'app' }));
    await waitFor(() =>
      expect(admin.calls.filter((c) => c.procedure === 'consent.preview').at(-1)?.input).toMatchObject({ redirectUri: 'http://localhost:3000/second', actor: 'app' }),
    );
  });

  it('renders the real screen: the loopback logo, and "Switch user" inert', async () => {
    const admin = fakeAdmin({ ...lists, 'consent.preview': () => preview() });
    const { container } = renderConsole(<ConsentPreviewScreen />, { admin });
    const region = await screen.findByRole('region', { name: 'Consent screen preview' });
    expect(container.querySelector('.consent-preview .oc-logo img')).toHaveAttribute('src', 'http://127.0.0.1:8765/logo.png');
    expect(within(region).getByRole('button', { name: 'Switch user' })).toBeDisabled();
    expect(await redirectInput()).toBeDisabled();
    expect(screen.getByText(/the only actor mode this app allows/)).toBeInTheDocument();
  });
});
