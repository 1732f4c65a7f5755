import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Db } from '../../src/main/store/database';
import { findResourceServerByIdentifier, insertResourceServer, listResourceServers } from '../../src/main/store/resource-servers-store';
import { makeTempDir } from '../helpers/server';

describe('the resource servers store', () => {
  let db: Db;
  beforeAll(async () => {
    db = await openStore(join(await makeTempDir(), 'store.sqlite'));
  });
  afterAll(() => db.destroy());

  it('resolves the built-in ones against whatever issuer this run has', async () => {
    for (const issuer of ['http://127.0.0.1:41234', 'https://auth.example.test']) {
      const found = await listResourceServers(db, issuer);
      expect(found.filter((rs) => rs.builtIn).map((rs) => rs.identifier)).toEqual([`${issuer}/api/v1`, `${issuer}/mcp`]);
      expect((await findResourceServerByIdentifier(db, issuer, `${issuer}/mcp`))?.name).toBe('Sample MCP server');
    }
    // Another issuer's built-in identifier names nothing here.
    expect(await findResourceServerByIdentifier(db, 'https://auth.example.test', 'http://127.0.0.1:41234/mcp')).toBeUndefined();
  });

  it('compares identifiers exactly', async () => {
    const issuer = 'http://127.0.0.1:9090';
    await insertResourceServer(db, issuer, { identifier: 'https://api.example.test', name: 'API', scopes: ['read:user'], customScopes: [], tokenFormat: 'opaque', accessTokenTtl: null });
    expect((await findResourceServerByIdentifier(db, issuer, 'https://api.example.test'))?.name).toBe('API');
    expect(await findResourceServerByIdentifier(db, issuer, 'https://api.example.test/')).toBeUndefined();
    expect(await findResourceServerByIdentifier(db, issuer, `${issuer}/mcp/`)).toBeUndefined();
    expect(await findResourceServerByIdentifier(db, issuer, '/mcp')).toBeUndefined();
  });
});
