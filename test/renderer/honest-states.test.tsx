// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ActivityEvent } from '../../src/shared/contract';
import { DEFAULT_SETTINGS } from '../../src/shared/settings';
import { StaleGate } from '../../src/renderer/src/components/StaleGate';
import { ActivityScreen } from '../../src/renderer/src/screens/activity/ActivityScreen';
import { AppDetailScreen } from '../../src/renderer/src/screens/apps/AppDetailScreen';
import { PasteInspector } from '../../src/renderer/src/screens/tokens/PasteInspector';
import { TokensPanel } from '../../src/renderer/src/screens/tokens/TokensPanel';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp, makeToken, user, workspace } from './fixtures';

const lists = {
  'apps.list': () => ({ items: [makeApp()], nextCursor: null }),
  'users.list': () => ({ items: [user] }),
  'workspaces.list': () => ({ items: [workspace] }),
} as const;

const calls = (admin: ReturnType<typeof fakeAdmin>, procedure: string) => admin.calls.filter((c) => c.procedure === procedure).length;

describe('token status follows the clock', () => {
  it('turns an active token expired when its time comes, and stops offering to revoke it', async () => {
    // The expiry is set when the list is answered, so a slow render on a loaded machine still sees it active first.
    let token = makeToken();
    const admin = fakeAdmin({
      ...lists,
      'tokens.list': (input) => {
        if (input.status === 'active') return { items: [], nextCursor: null };
        token = { ...token, expiresAt: token.expiresAt! > Date.now() + 60_000 ? Date.now() + 2500 : token.expiresAt };
        return { items: [token], nextCursor: null };
      },
    });
    renderConsole(<TokensPanel />, { admin });
    const row = (await screen.findAllByRole('row'))[1]!;
    expect(within(row).getByText('active')).toBeInTheDocument();
    expect(within(row).getByRole('button', { name: /^Revoke access token/ })).toBeEnabled();
    await waitFor(() => expect(within(row).getByText('expired')).toBeInTheDocument(), { timeout: 10_000 });
    expect(within(row).queryByText('active')).not.toBeInTheDocument();
    expect(within(row).getByRole('button', { name: /^Revoke access token/ })).toBeDisabled();
    // Nothing live under this filter (the server says so): "Revoke all…" is off.
    expect(screen.getByRole('button', { name: 'Revoke all…' })).toBeDisabled();
  }, 20_000);

  it('offers "Revoke all…" while a token is live', async () => {
    const admin = fakeAdmin({ ...lists, 'tokens.list': () => ({ items: [makeToken()], nextCursor: null }) });
    renderConsole(<TokensPanel />, { admin });
    await screen.findAllByRole('row');
    await waitFor(() => expect(screen.getByRole('button', { name: 'Revoke all…' })).toBeEnabled());
  });
});

describe('when the server goes away', () => {
  it('says so once, freezes the countdowns, turns actions off, and refetches as soon as it is back', async () => {
    const admin = fakeAdmin({ ...lists, 'tokens.list': () => ({ items: [makeToken({ expiresAt: Date.now() + 600_000 })], nextCursor: null }) });
    renderConsole(
      <StaleGate>
        <TokensPanel />
      </StaleGate>,
      { admin },
    );
    const row = (await screen.findAllByRole('row'))[1]!;
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    admin.setStatus('reconnecting');
    const banner = await screen.findByRole('alert');
    expect(banner).toHaveTextContent('The server is not answering');
    expect(banner).toHaveTextContent(/actions are off until it is back/);
    expect(within(row).getByRole('button', { name: /^Revoke access token/ })).toBeDisabled();
    expect(within(row).getByRole('button', { name: /^Inspect access token/ })).toBeDisabled();
    const frozen = within(row).getByText(/^in \d+m/).textContent;
    await new Promise((r) => setTimeout(r, 1300));
    expect(within(row).getByText(/^in \d+m/).textContent).toBe(frozen);

    const before = calls(admin, 'tokens.list');
    admin.setStatus('live');
    await waitFor(() => expect(screen.queryByRole('alert')).not.toBeInTheDocument());
    await waitFor(() => expect(calls(admin, 'tokens.list')).toBeGreaterThan(before));
    expect(within(screen.getAllByRole('row')[1]!).getByRole('button', { name: /^Revoke access token/ })).toBeEnabled();
  });

  it('asks for the new token when the server restarted with one', async () => {
    const admin = fakeAdmin({ ...lists, 'tokens.list': () => ({ items: [makeToken()], nextCursor: null }) });
    renderConsole(
      <StaleGate>
        <TokensPanel />
      </StaleGate>,
      { admin },
    );
    await screen.findAllByRole('row');
    admin.setStatus('refused');
    expect(await screen.findByRole('alert')).toHaveTextContent('The server restarted with a new admin token');
  });
});

describe("the app's page", () => {
  it("names the server's policy under \"Follow the server setting\", not the app's own, and counts live tokens", async () => {
    const app = makeApp({ consentPolicy: 'auto-deny', effectiveConsentPolicy: 'auto-deny' });
    const admin = fakeAdmin({
      ...lists,
      'apps.get': () => ({ ...app, stats: { activeTokens: 0, activeConnections: 0, lastUsedAt: null } }),
      'settings.get': () => ({ ...DEFAULT_SETTINGS, consentPolicy: 'prompt', registrationWorkspaceId: null }),
    });
    renderConsole(<AppDetailScreen />, { admin, route: `/apps/${app.id}`, path: '/apps/:appId' });
    expect(await screen.findByText("The server's setting is prompt (change it in Settings)")).toBeInTheDocument();
    expect(screen.queryByText(/Now: auto-deny/)).not.toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Tokens (0 live)' })).toBeInTheDocument();
  });
});

describe('the pasted-token inspector', () => {
  it('refreshes what it shows when the server reports a token change', async () => {
    let token = makeToken();
    const admin = fakeAdmin({ ...lists, 'tokens.inspect': () => ({ format: 'opaque', prefixKind: 'access token', token, jwt: null, audience: null, notes: [] }) });
    renderConsole(<PasteInspector />, { admin });
    const u = userEvent.setup({ delay: null });
    await u.type(screen.getByLabelText(/^Token/), 'oc_at_something');
    await u.click(screen.getByRole('button', { name: 'Inspect' }));
    expect(await screen.findByText('never')).toBeInTheDocument();
    token = { ...token, lastUsedAt: Date.now() - 60_000 };
    admin.emit({ id: 9, at: Date.now(), type: 'token.refreshed', level: 'info', topics: ['activity', 'tokens'] });
    await waitFor(() => expect(screen.queryByText('never')).not.toBeInTheDocument());
    expect(screen.getByText('1m ago')).toBeInTheDocument();
    expect(admin.calls.filter((c) => c.procedure === 'tokens.inspect').every((c) => (c.input as { value: string }).value === 'oc_at_something')).toBe(true);
  });
});

describe('the activity log', () => {
  const event = (id: number, over: Partial<ActivityEvent>): ActivityEvent => ({ id, at: Date.now() - id * 1000, type: 'sign_in', level: 'info', clientId: null, accountId: null, workspaceId: null, detail: {}, ...over });

  it('says what admin changes did and who did them, and names a deleted app', async () => {
    const items = [
      event(3, { type: 'membership.updated', accountId: user.id, workspaceId: workspace.id, detail: { via: 'api', principal: 'oc_key_ops', from: 'MEMBER', to: 'ADMIN' } }),
      event(2, { type: 'settings.updated', detail: { via: 'console', consentPolicy: 'auto-deny' } }),
      event(1, { type: 'app.deleted', clientId: 'oc_app_gone', appName: 'Old Shop', detail: { via: 'console', name: 'Old Shop', revokedTokens: 2 } }),
    ];
    const admin = fakeAdmin({ ...lists, 'activity.list': () => ({ items, latestId: 3, nextBeforeId: null }) });
    renderConsole(<ActivityScreen />, { admin });
    const rows = await screen.findAllByRole('row', { name: /show details/ });
    expect(rows[0]).toHaveTextContent('role MEMBER → ADMIN');
    expect(rows[0]).toHaveTextContent('api (oc_key_ops)');
    expect(rows[1]).toHaveTextContent('set consentPolicy = auto-deny');
    expect(rows[1]).toHaveTextContent('console');
    expect(rows[2]).toHaveTextContent('Old Shop');
    expect(rows[2]).not.toHaveTextContent('oc_app_gone');
  });

  it('sends the date range to the server', async () => {
    const admin = fakeAdmin({ ...lists, 'activity.list': () => ({ items: [], latestId: 0, nextBeforeId: null }) });
    renderConsole(<ActivityScreen />, { admin, route: '/activity?from=2025-01-02T03:04&to=2025-01-03T00:00' });
    await screen.findByText('No event matches');
    const input = admin.calls.find((c) => c.procedure === 'activity.list')!.input as { from: number; to: number };
    expect(input.from).toBe(new Date('2025-01-02T03:04').getTime());
    expect(input.to).toBe(new Date('2025-01-03T00:00').getTime());
  });
});
