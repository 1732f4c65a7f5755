import { constants } from 'node:fs';
import { access, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { nodeSqlite } from './node-sqlite-module';
import { fromNodeSqliteError } from './sqlite-errors';

/** The largest `rate` node:sqlite accepts (an int32): more pages than any database here has. */
const ALL_PAGES = 2 ** 31 - 1;

/** Automatic backups kept next to the database; older ones are deleted. */
export const KEPT_MIGRATION_BACKUPS = 3;

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
  const sqlite = nodeSqlite();
  let db: InstanceType<typeof sqlite.DatabaseSync>;
  try {
    db = new sqlite.DatabaseSync(source, { readOnly: true });
  } catch (err) {
    throw fromNodeSqliteError(err);
  }
  try {
    // Every page in one step, so the copy is one read transaction. SQLite's "-1 = all" is refused
    // by Node 24 (a positive integer is required), so the step is the largest page count it accepts.
    await sqlite.backup(db, partial, { rate: ALL_PAGES }).catch((err: unknown) => {
      throw fromNodeSqliteError(err);
    });
    await rename(partial, destination);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  } finally {
    db.close();
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
