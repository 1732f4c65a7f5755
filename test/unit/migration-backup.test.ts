import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Kysely, Migrator, sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { KEPT_MIGRATION_BACKUPS } from '../../src/main/store/backup';
import { latestSchemaVersion, openStore, schemaVersion } from '../../src/main/store/database';
import { StaticMigrationProvider } from '../../src/main/store/migrations';
import { SqliteDialect } from '../../src/main/store/sqlite-dialect';
import { makeTempDir } from '../helpers/server';

/** A database as the first release left it: only the first migration applied, and one workspace. */
async function firstReleaseDatabase(file: string): Promise<void> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect(file) });
  await sql`pragma journal_mode = wal`.execute(db);
  const { error } = await new Migrator({ db, provider: new StaticMigrationProvider() }).migrateTo('0001_initial');
  if (error) throw error;
  await sql`insert into workspaces (id, name, slug, created_at) values ('ws_old', 'Old Workspace', 'old', 1)`.execute(db);
  await db.destroy();
}

describe('the automatic backup before migrations', () => {
  it('copies an existing database next to it before a pending migration runs, as it was before', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'oauth-console.sqlite');
    await firstReleaseDatabase(file);
    const db = await openStore(file);
    expect(await schemaVersion(db)).toBe(latestSchemaVersion);
    await db.destroy();

    const backupFile = `${file}.before-0002_console_indexes.bak`;
    expect(await readdir(dir)).toContain('oauth-console.sqlite.before-0002_console_indexes.bak');
    const backup = new Kysely<unknown>({ dialect: new SqliteDialect(backupFile, { readOnly: true }) });
    try {
      expect((await sql<{ name: string }>`select name from kysely_migration`.execute(backup)).rows.map((r) => r.name)).toEqual(['0001_initial']);
      expect((await sql<{ name: string }>`select name from workspaces`.execute(backup)).rows).toEqual([{ name: 'Old Workspace' }]);
      expect((await sql<{ integrity_check: string }>`pragma integrity_check`.execute(backup)).rows).toEqual([{ integrity_check: 'ok' }]);
    } finally {
      await backup.destroy();
    }
  });

  it('takes none for a new database or one already up to date', async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'oauth-console.sqlite');
    await (await openStore(file)).destroy();
    await (await openStore(file)).destroy();
    expect((await readdir(dir)).filter((name) => name.endsWith('.bak'))).toEqual([]);
  });

  it(`keeps the newest ${KEPT_MIGRATION_BACKUPS} automatic backups`, async () => {
    const dir = await makeTempDir();
    const file = join(dir, 'oauth-console.sqlite');
    for (const old of ['0000_a', '0000_b', '0000_c']) await writeFile(`${file}.before-${old}.bak`, 'old');
    await writeFile(join(dir, 'my-own.bak'), 'mine');
    await firstReleaseDatabase(file);
    await (await openStore(file)).destroy();
    expect((await readdir(dir)).filter((name) => name.endsWith('.bak')).sort()).toEqual([
      'my-own.bak',
      'oauth-console.sqlite.before-0000_b.bak',
      'oauth-console.sqlite.before-0000_c.bak',
      'oauth-console.sqlite.before-0002_console_indexes.bak',
    ]);
  });
});
