// @vitest-environment jsdom
import './setup';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { ProcedureOutput } from '../../src/shared/contract';
import { StorageBanner } from '../../src/renderer/src/components/StorageBanner';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeServerStatus } from './fixtures';

function status(storage: ProcedureOutput<'server.status'>['storage']): ProcedureOutput<'server.status'> {
  return makeServerStatus({ storage });
}

describe('StorageBanner', () => {
  it('says the disk is full, since when, and what fails, while server.status reports it', async () => {
    const message = 'the disk holding /data/oauth-console.sqlite is full: writes fail and clients get 503 temporarily_unavailable until space is freed';
    renderConsole(<StorageBanner />, { admin: fakeAdmin({ 'server.status': () => status({ state: 'full', since: Date.UTC(2026, 0, 2, 3, 4), message }) }) });
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The disk is full: nothing can be saved');
    expect(alert).toHaveTextContent(message);
    expect(alert).toHaveTextContent(/recovers by itself/);
  });

  it('shows nothing while storage is ok', async () => {
    const admin = fakeAdmin({ 'server.status': () => status({ state: 'ok', since: null, message: null }) });
    renderConsole(<StorageBanner />, { admin });
    await new Promise((r) => setTimeout(r, 50));
    expect(admin.calls.map((c) => c.procedure)).toContain('server.status');
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
