import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DATABASE_FILE } from './paths';
import { StartupError } from './startup-error';
import { backupDatabase } from './store/backup';
import { errorText, StoreDamagedError } from './store/database';
import { checkFileIntegrity } from './store/integrity';

/** One verdict line, and whether the file is sound (the exit code follows it). */
export interface Verdict {
  ok: boolean;
  line: string;
}

/** The data folder's database file, which must exist (a command never makes an empty one). */
export async function existingDatabase(dataDir: string): Promise<{ file: string; bytes: number }> {
  const file = join(dataDir, DATABASE_FILE);
  const bytes = await stat(file).then(
    (s) => s.size,
    () => undefined,
  );
  if (bytes === undefined) throw new StartupError(`no database at ${file} (choose the data folder with --data-dir)`);
  return { file, bytes };
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * `serve --check-database`: SQLite's full `integrity_check` (every page,
 * every index against its table) on a read-only connection, so it may run
 * beside a running server and never changes the file.
 */
export async function checkDatabase(dataDir: string): Promise<Verdict> {
  const { file, bytes } = await existingDatabase(dataDir);
  const started = performance.now();
  let damage: string | null;
  try {
    damage = await checkFileIntegrity(file, 'integrity_check');
  } catch (err) {
    damage = `integrity check failed (${errorText(err)})`;
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (damage) return { ok: false, line: new StoreDamagedError(file, damage).message };
  return { ok: true, line: `database ${file} is sound (full integrity check passed: ${megabytes(bytes)} in ${seconds} s)` };
}

/** `serve --backup FILE`: a consistent copy through SQLite's online backup, safe while the server runs. */
export async function backupDatabaseCommand(dataDir: string, destination: string): Promise<string> {
  const { file } = await existingDatabase(dataDir);
  const started = performance.now();
  try {
    await backupDatabase(file, destination);
  } catch (err) {
    throw new StartupError(`cannot back up ${file} to ${destination}: ${errorText(err)}`);
  }
  const bytes = (await stat(destination)).size;
  return `backup of ${file} written to ${destination} (${megabytes(bytes)} in ${((performance.now() - started) / 1000).toFixed(1)} s; restore it by putting it in place of ${DATABASE_FILE} while the server is stopped, in a data folder with the same master key)`;
}
