import { constants } from 'node:fs';
import { access, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import sqlite3 from 'sqlite3';

/** The parts of sqlite3's Backup handle we use (the package ships no types for it). */
interface SqliteBackup {
  step(pages: number, callback: (err: Error | null) => void): void;
  finish(callback?: (err: Error | null) => void): void;
  readonly completed: boolean;
  readonly failed: boolean;
}

/** Automatic backups kept next to the database; older ones are deleted. */
export const KEPT_MIGRATION_BACKUPS = 3;

function openReadOnly(file: string): Promise<sqlite3.Database> {
  return new Promise((resolve, reject) => {
    const db = new sqlite3.Database(file, sqlite3.OPEN_READONLY, (err) => (err ? reject(err) : resolve(db)));
  });
}

function close(db: sqlite3.Database): Promise<void> {
  return new Promise((resolve) => db.close(() => resolve()));
}

/**
 * Copies the database at `source` to `destination` with SQLite's online
 * backup API, in one step: the copy is one read transaction, so it is
 * consistent even while a server writes to the same file (WAL lets the
 * writer go on). The copy is written to `destination.partial` and renamed,
 * so a crash never leaves a half-written file under the final name; an
 * existing `destination` is never overwritten.
 */
export async function backupDatabase(source: string, destination: string): Promise<void> {
  const exists = await access(destination, constants.F_OK).then(
    () => true,
    () => false,
  );
  if (exists) throw new Error(`${destination} already exists (choose a new file name)`);
  const partial = `${destination}.partial`;
  const db = await openReadOnly(source);
  try {
    await new Promise<void>((resolve, reject) => {
      const backup = (db as unknown as { backup(file: string, cb: (err: Error | null) => void): SqliteBackup }).backup(partial, (err) => {
        if (err) return reject(err);
        backup.step(-1, (stepErr) => {
          const failed = stepErr ?? (backup.completed ? null : new Error('the backup did not complete'));
          backup.finish(() => (failed ? reject(failed) : resolve()));
        });
      });
    });
    await rename(partial, destination);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    await close(db);
  }
}

/** The automatic backup's name before migration `migration` runs on `file`. */
export function migrationBackupFile(file: string, migration: string): string {
  return `${file}.before-${migration}.bak`;
}

/** Deletes all but the newest `keep` automatic backups of `file` (their names sort by migration). */
export async function pruneMigrationBackups(file: string, keep = KEPT_MIGRATION_BACKUPS): Promise<void> {
  const prefix = `${basename(file)}.before-`;
  const names = (await readdir(dirname(file))).filter((name) => name.startsWith(prefix) && name.endsWith('.bak')).sort();
  for (const name of names.slice(0, Math.max(0, names.length - keep))) await rm(join(dirname(file), name), { force: true });
}
