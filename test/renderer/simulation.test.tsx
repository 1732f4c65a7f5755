// @vitest-environment jsdom
import './setup';
import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AdminError, type SimulationRule } from '../../src/shared/contract';
import { SimulationBanner } from '../../src/renderer/src/components/SimulationBanner';
import { SimulationScreen } from '../../src/renderer/src/screens/simulation/SimulationScreen';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeApp } from './fixtures';

function rule(overrides: Partial<SimulationRule> = {}): SimulationRule {
  return {
    id: 'sim_1',
    endpoint: 'token',
    appId: null,
    appName: null,
    grantType: 'client_credentials',
    effect: 'error',
    error: 'invalid_grant',
    status: null,
    retryAfterSeconds: null,
    latencyMs: null,
    mode: 'next',
    count: 5,
    remaining: 3,
    percent: null,
    applied: 2,
    createdAt: Date.UTC(2026, 11, 1),
    spentAt: null,
    ...overrides,
  };
}

describe('SimulationBanner', () => {
  it('says what is in effect (rules and the clock) and clears everything', async () => {
    let items = [rule(), rule({ id: 'sim_2', spentAt: Date.UTC(2026, 11, 1), remaining: 0 })];
    let offset = 3600;
    const admin = fakeAdmin({
      'simulation.list': () => ({ items, clockOffsetSeconds: offset, serverNow: Date.now() }),
      'simulation.clear': () => {
        const cleared = items.length;
        items = [];
        offset = 0;
        return { cleared, clockReset: true };
      },
    });
    renderConsole(<SimulationBanner />, { admin });
    const banner = await screen.findByRole('status', { name: 'Simulation in effect' });
    expect(banner).toHaveTextContent('Server clock +1 h (time travel)');
    expect(banner).toHaveTextContent('Token (client_credentials): invalid_grant, next 3 of 5');
    // The spent rule is not in effect: it is not listed.
    expect(within(banner).getAllByRole('listitem')).toHaveLength(2);
    await userEvent.setup({ delay: null }).click(within(banner).getByRole('button', { name: 'Clear all' }));
    expect(admin.calls.find((c) => c.procedure === 'simulation.clear')?.input).toEqual({ clock: true });
    await waitFor(() => expect(screen.queryByRole('status', { name: 'Simulation in effect' })).toBeNull());
  });

  it('shows nothing while no rule is in effect and the clock is real', async () => {
    const admin = fakeAdmin({ 'simulation.list': () => ({ items: [rule({ spentAt: 1, remaining: 0 })], clockOffsetSeconds: 0, serverNow: Date.now() }) });
    renderConsole(<SimulationBanner />, { admin });
    await waitFor(() => expect(admin.calls.map((c) => c.procedure)).toContain('simulation.list'));
    await new Promise((r) => setTimeout(r, 30));
    expect(screen.queryByRole('status', { name: 'Simulation in effect' })).toBeNull();
  });
});

describe('SimulationScreen', () => {
  const apps = () => ({ items: [makeApp()], nextCursor: null });

  it('has a loading, an empty and an error state', async () => {
    let release: () => void = () => undefined;
    const slow = fakeAdmin({
      'simulation.list': () => new Promise((resolve) => (release = () => resolve({ items: [], clockOffsetSeconds: 0, serverNow: Date.now() }))),
      'apps.list': apps,
    });
    const first = renderConsole(<SimulationScreen />, { admin: slow });
    expect(await screen.findByText('Loading simulation rules…')).toBeInTheDocument();
    release();
    expect(await screen.findByText('No simulation rules')).toBeInTheDocument();
    first.unmount();

    const failing = fakeAdmin({
      'simulation.list': () => {
        throw new AdminError({ code: 'unavailable', message: 'The admin service cannot be reached' });
      },
      'apps.list': apps,
    });
    renderConsole(<SimulationScreen />, { admin: failing });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The admin service cannot be reached');
  });

  it('lists rules, removes one, and adds one after the contract finds a mistake', async () => {
    let items = [rule({ id: 'sim_a', endpoint: 'jwks', grantType: null, effect: 'latency', error: null, latencyMs: 250, mode: 'until_cleared', count: null, remaining: null })];
    const admin = fakeAdmin({
      'simulation.list': () => ({ items, clockOffsetSeconds: 0, serverNow: Date.now() }),
      'simulation.delete': ({ id }) => {
        items = items.filter((r) => r.id !== id);
        return { deleted: true };
      },
      'simulation.create': (input) => {
        const created = rule({ id: 'sim_new', ...input, grantType: input.grantType ?? null, appId: input.appId ?? null, error: input.error ?? null, remaining: input.count ?? null, count: input.count ?? null });
        items = [created, ...items];
        return created;
      },
      'apps.list': apps,
    });
    renderConsole(<SimulationScreen />, { admin });
    const u = userEvent.setup({ delay: null });
    expect(await screen.findByText('JWKS: +250 ms, until cleared')).toBeInTheDocument();
    await u.click(screen.getByRole('button', { name: 'Remove rule JWKS: +250 ms, until cleared' }));
    expect(await screen.findByText('No simulation rules')).toBeInTheDocument();

    // N left empty: the contract's schema says so next to the field, nothing is sent.
    const count = screen.getByLabelText('Requests (N)');
    await u.clear(count);
    await u.click(screen.getByRole('button', { name: 'Add rule' }));
    expect(await screen.findByText('required for mode "next"')).toBeInTheDocument();
    expect(admin.calls.some((c) => c.procedure === 'simulation.create')).toBe(false);
    await u.type(count, '2');
    await u.click(screen.getByRole('button', { name: 'Add rule' }));
    await waitFor(() => expect(admin.calls.find((c) => c.procedure === 'simulation.create')?.input).toEqual({ endpoint: 'token', effect: 'error', error: 'temporarily_unavailable', mode: 'next', count: 2 }));
    expect(await screen.findByText('Token: temporarily_unavailable, next 2 of 2')).toBeInTheDocument();
  });
});
