import { execFileSync } from 'node:child_process';
import { chmod, copyFile, open, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { latestSchemaVersion, openStore } from '../../src/main/store/database';
import { seedDemoData } from '../../src/main/store/seed';
import { mountStatus, mountTmpfs, type Tmpfs } from '../helpers/mounts';
import { serve, type Run } from '../helpers/serve-process';
import { makeTempDir } from '../helpers/server';

const DB = 'oauth-console.sqlite';
const mounts = mountStatus();
if (!mounts.available && !mounts.mustFail) console.warn(`skipped (read-only mount tests): ${mounts.reason}`);

/** A data folder holding a seeded database, closed cleanly. */
async function seededDataDir(): Promise<string> {
  const dir = await makeTempDir();
  const db = await openStore(join(dir, DB));
  await seedDemoData(db);
  await db.destroy();
  return dir;
}

const bigDirs: string[] = [];
afterAll(async () => {
  for (const dir of bigDirs) await rm(dir, { recursive: true, force: true });
});

/** A seeded database grown past 64 MB with activity rows, the way a busy server's file grows (removed after the tests). */
async function bigDataDir(): Promise<string> {
  const dir = await makeTempDir();
  bigDirs.push(dir);
  const db = await openStore(join(dir, DB));
  await seedDemoData(db);
  await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < 9000)
    insert into events (at, type, level, detail) select i, 'bulk', 'info', hex(randomblob(4000)) from n`.execute(db);
  await sql`pragma wal_checkpoint(truncate)`.execute(db);
  await db.destroy();
  expect((await stat(join(dir, DB))).size).toBeGreaterThan(64 * 1024 * 1024);
  return dir;
}

/** The stderr lines of a run. */
function errorLines(run: Run): string[] {
  return run.stderr.trim().split('\n').filter(Boolean);
}

/** Runs the server and, if it starts, stops it at once: a refused start exits 1 before any issuer line. */
function serveOnce(args: string[], timeoutMs?: number): Promise<Run> {
  return serve(['--port', '0', '--keychain', 'off', ...args], /^issuer: /, (_line, kill) => kill(), timeoutMs);
}

describe('storage failures at start tell the truth', () => {
  it('refuses a read-only database file (mode 0444) with one line and exit 1, and leaves it untouched', async () => {
    const dir = await seededDataDir();
    await chmod(join(dir, DB), 0o444);
    const before = await readFile(join(dir, DB));
    const run = await serveOnce(['--data-dir', dir]);
    expect(run.stdout).not.toMatch(/^issuer: /m);
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([`oauth-console: cannot open database ${join(dir, DB)}: the file is read-only (mode 0444): make it writable (chmod u+w), or choose another --data-dir`]);
    expect((await readFile(join(dir, DB))).equals(before)).toBe(true);
  });

  it('refuses a database that was written by a newer version, naming its schema and the backup to restore', async () => {
    const dir = await seededDataDir();
    const db = await openStore(join(dir, DB));
    await sql`insert into kysely_migration (name, timestamp) values ('0099_future_tables', '2030-01-01T00:00:00.000Z')`.execute(db);
    await db.destroy();
    await copyFile(join(dir, DB), join(dir, `${DB}.before-0099_future_tables.bak`));
    const run = await serveOnce(['--data-dir', dir]);
    expect(run.code).toBe(1);
    expect(errorLines(run)).toEqual([
      `oauth-console: cannot open database ${join(dir, DB)}: it was written by a newer OAuth Console (schema 0099_future_tables; this build knows up to ${latestSchemaVersion}): ` +
        `run that newer OAuth Console, or put ${join(dir, DB)}.before-0099_future_tables.bak in its place`,
    ]);
  });

  it('serves a sound big database past its late integrity check', async () => {
    const dir = await bigDataDir();
    let answered = 0;
    let handled = false;
    const run = await serve(['--port', '0', '--keychain', 'off', '--data-dir', dir], /^issuer: /, (line, kill) => {
      if (handled) return;
      handled = true;
      const issuer = line.slice('issuer: '.length).trim();
      void new Promise((r) => setTimeout(r, 3000))
        .then(() => fetch(`${issuer}/.well-known/openid-configuration`))
        .then((res) => (answered = res.status))
        .finally(kill);
    });
    expect(answered).toBe(200);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
  }, 60_000);

  it('refuses a big database cut short before start, in one line that says how to recover', async () => {
    const dir = await bigDataDir();
    await truncate(join(dir, DB), 40 * 1024 * 1024);
    const run = await serveOnce(['--data-dir', dir]);
    expect(run.stdout).not.toMatch(/^issuer: /m);
    expect(run.code).toBe(1);
    const lines = errorLines(run);
    expect(lines).toHaveLength(1);
    // SQLite itself may notice first (SQLITE_CORRUPT), else the page count check does; both say what to do.
    expect(lines[0]).toMatch(/^oauth-console: (cannot open database .*: the database file is damaged|database .* is damaged, integrity check failed \(1 problem, first: the file holds \d+ bytes where its header says \d+: it was cut short\)): keep the file for diagnosis and restore a backup .* or move the data folder aside to start afresh$/);
  }, 60_000);

  it('stops a big database damaged inside a big table right after start, with one line and exit 1', async () => {
    const dir = await bigDataDir();
    // Damage pages in the middle of the file (activity rows), where only the full check looks.
    const file = await open(join(dir, DB), 'r+');
    const size = (await file.stat()).size;
    const middle = Math.floor(size / 2 / 4096) * 4096;
    for (let page = 0; page < 40; page++) await file.write(Buffer.alloc(512, 0x5a), 0, 512, middle + page * 4096);
    await file.close();
    const run = await serve(['--port', '0', '--keychain', 'off', '--data-dir', dir], undefined, undefined, 40_000);
    expect(run.code).toBe(1);
    const lines = errorLines(run);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^oauth-console: database .* is damaged, integrity check failed \((\d+ problems?, first: .*|the check itself stopped at damage: .*)\): keep the file for diagnosis and restore a backup .* or move the data folder aside to start afresh$/);
  }, 60_000);

  describe.skipIf(!mounts.available)('on read-only mounts (root: a tmpfs mounted by the test)', () => {
    const disposers: Tmpfs[] = [];
    afterAll(async () => {
      for (const m of disposers) await m.dispose();
    });

    it('says EROFS, not ENOENT, for a missing data folder under a read-only mount', async () => {
      const ro = await mountTmpfs('1m', { readOnly: true });
      disposers.push(ro);
      const run = await serveOnce(['--data-dir', join(ro.path, 'a', 'b')]);
      expect(run.code).toBe(1);
      expect(errorLines(run)).toEqual([`oauth-console: data folder ${join(ro.path, 'a', 'b')} is not usable: EROFS (choose another with --data-dir)`]);
    });

    it('refuses a writable-looking database on a file system remounted read-only', async () => {
      const fs = await mountTmpfs('16m');
      disposers.push(fs);
      const db = await openStore(join(fs.path, DB));
      await seedDemoData(db);
      await db.destroy();
      await writeFile(join(fs.path, 'master.key'), '', { flag: 'a' });
      fs.remount('ro');
      const run = await serveOnce(['--data-dir', fs.path]);
      expect(run.stdout).not.toMatch(/^issuer: /m);
      expect(run.code).toBe(1);
      const lines = errorLines(run);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^oauth-console: (data folder .* is not usable: EROFS|cannot open database .*: the file cannot be written \(a read-only file system)/);
    });
  });

  it.skipIf(!mounts.available)('refuses an immutable database file (root: chattr +i) that its mode says is writable', async () => {
    const dir = await seededDataDir();
    execFileSync('chattr', ['+i', join(dir, DB)]);
    try {
      const run = await serveOnce(['--data-dir', dir]);
      expect(run.stdout).not.toMatch(/^issuer: /m);
      expect(run.code).toBe(1);
      expect(errorLines(run)).toEqual([
        `oauth-console: cannot open database ${join(dir, DB)}: the file cannot be written (a read-only file system, an immutable file or another user's file): make it writable (chmod u+w), or choose another --data-dir`,
      ]);
    } finally {
      execFileSync('chattr', ['-i', join(dir, DB)]);
    }
  });

  it.runIf(mounts.mustFail)('can mount a tmpfs in CI', () => {
    throw new Error(`CI=true: ${mounts.reason}`);
  });
});

describe('serve --check-database and --backup', () => {
  it('--check-database prints one verdict line: 0 for a sound file, 1 for a damaged or missing one; it never starts the server', async () => {
    const dir = await seededDataDir();
    const sound = await serve(['--check-database', '--data-dir', dir]);
    expect(sound.code).toBe(0);
    expect(sound.stdout.trim().split('\n')).toHaveLength(1);
    expect(sound.stdout).toMatch(new RegExp(`^database ${join(dir, DB)} is sound \\(full integrity check passed: [\\d.]+ MB in [\\d.]+ s\\)\\n$`));

    const missing = await serve(['--check-database', '--data-dir', join(dir, 'nowhere')]);
    expect(missing.code).toBe(1);
    expect(errorLines(missing)).toEqual([`oauth-console: no database at ${join(dir, 'nowhere', DB)} (choose the data folder with --data-dir)`]);

    const big = await bigDataDir();
    const file = await open(join(big, DB), 'r+');
    await file.write(Buffer.alloc(1024, 0x5a), 0, 1024, Math.floor((await file.stat()).size / 2 / 4096) * 4096);
    await file.close();
    const damaged = await serve(['--check-database', '--data-dir', big], undefined, undefined, 60_000);
    expect(damaged.code).toBe(1);
    expect(damaged.stdout).not.toMatch(/issuer/);
    expect(errorLines(damaged)).toHaveLength(1);
    expect(damaged.stderr).toMatch(/^oauth-console: database .* is damaged, integrity check failed .*: keep the file/);
  }, 90_000);

  it('--backup writes a consistent copy while the server runs on the same folder, and never overwrites a file', async () => {
    const dir = await seededDataDir();
    const target = join(await makeTempDir(), 'copy.sqlite');
    let backupRun: Run | undefined;
    let handled = false;
    const server = await serve(['--port', '0', '--keychain', 'off', '--data-dir', dir], /^issuer: /, (line, kill) => {
      if (handled) return;
      handled = true;
      const issuer = line.slice('issuer: '.length).trim();
      void (async () => {
        // Writes go on while the copy is taken.
        const writes = Array.from({ length: 20 }, () => fetch(`${issuer}/oauth/register`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ redirect_uris: ['http://127.0.0.1:8765/cb'] }) }));
        backupRun = await serve(['--backup', target, '--data-dir', dir]);
        await Promise.all(writes);
      })().finally(kill);
    });
    expect(server.code).toBe(0);
    expect(backupRun?.code).toBe(0);
    expect(backupRun?.stdout).toMatch(new RegExp(`^backup of ${join(dir, DB)} written to ${target} \\([\\d.]+ MB in [\\d.]+ s; restore it by putting it in place of ${DB} while the server is stopped, in a data folder with the same master key\\)\\n$`));
    const check = execFileSync('sqlite3', [target, 'pragma integrity_check; select count(*) > 0 from apps;']).toString();
    expect(check).toBe('ok\n1\n');

    const again = await serve(['--backup', target, '--data-dir', dir]);
    expect(again.code).toBe(1);
    expect(errorLines(again)).toEqual([`oauth-console: cannot back up ${join(dir, DB)} to ${target}: ${target} already exists (choose a new file name)`]);
  }, 60_000);
});
