// @vitest-environment jsdom
import './setup';
import { screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { OverviewScreen } from '../../src/renderer/src/screens/overview/OverviewScreen';
import { fakeAdmin, renderConsole } from './console-harness';
import { makeServerStatus } from './fixtures';

describe('the database on the overview', () => {
  const overview = async (status: ReturnType<typeof makeServerStatus>) => {
    renderConsole(<OverviewScreen />, { admin: fakeAdmin({ 'server.status': () => status, 'apps.list': () => ({ items: [], nextCursor: null }) }) });
    const label = await screen.findByText('Database', {}, { timeout: 5000 });
    return label.parentElement!;
  };

  it('says PostgreSQL next to the schema version for a server on --database', async () => {
    const field = await overview(makeServerStatus({ databaseDialect: 'postgres', databaseFile: 'postgres://oc:***@db:5432/oauth' }));
    expect(field).toHaveTextContent('PostgreSQL');
    expect(screen.getAllByText('0002_console_indexes').length).toBeGreaterThan(0);
  });

  it('says SQLite for the embedded file', async () => {
    expect(await overview(makeServerStatus())).toHaveTextContent('SQLite');
  });
});
