import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion } from '../../src/main/store/database';
import { httpClient } from '../admin/admin-clients';
import { TEST_DIALECT } from '../helpers/postgres';
import { startTestServer, type TestServer } from '../helpers/server';

describe('server.status names the database', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.dispose());

  it('gives the dialect, the newest schema version and where the data lives', async () => {
    const status = await httpClient(server).server.status({});
    expect(status.databaseDialect).toBe(TEST_DIALECT);
    expect(status.schemaVersion).toBe(latestSchemaVersion);
    if (TEST_DIALECT === 'postgres') expect(status.databaseFile).toBe(server.database);
    else expect(status.databaseFile).toMatch(/oauth-console\.sqlite$/);
  });
});
