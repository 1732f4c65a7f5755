import { Kysely, sql } from 'kysely';
import { SqliteDialect } from './sqlite-dialect';

/** What a person can do about a damaged database file, said in every message about one. */
export const DAMAGE_ADVICE =
  'keep the file for diagnosis and restore a backup (a *.bak file next to it, or one made with --backup), or move the data folder aside to start afresh';

/** The one-line verdict on a damaged file, or null when `rows` (a check's answer) say "ok". */
export function damageSummary(rows: string[]): string | null {
  const problems = rows
    .flatMap((row) => row.split('\n'))
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && line !== 'ok' && !/^\*\*\* in database \w+ \*\*\*$/.test(line));
  if (problems.length === 0 && rows.length > 0) return null;
  const first = problems[0] ?? 'no answer';
  return `integrity check failed (${problems.length} problem${problems.length === 1 ? '' : 's'}, first: ${first.length > 160 ? `${first.slice(0, 160)}…` : first})`;
}

/** `pragma quick_check`, or the slower `integrity_check` that also compares every index with its table. */
export async function checkIntegrity<DB>(db: Kysely<DB>, kind: 'quick_check' | 'integrity_check' = 'quick_check'): Promise<string | null> {
  const result = await sql<Record<string, string>>`pragma ${sql.raw(kind)}`.execute(db);
  return damageSummary(result.rows.map((row) => String(Object.values(row)[0] ?? '')));
}

/**
 * A check that costs milliseconds on a file of any size, for files too big
 * for a full check before start: the page count agrees with the file's size,
 * the schema reads, and every table but the two big ones (tokens, activity)
 * passes `quick_check`, with its indexes.
 */
export async function checkIntegrityBeforeStart<DB>(db: Kysely<DB>, fileBytes: number, bigTables: readonly string[]): Promise<string | null> {
  const pages = await sql<{ page_count: number }>`pragma page_count`.execute(db);
  const size = await sql<{ page_size: number }>`pragma page_size`.execute(db);
  const expected = Number(pages.rows[0]?.page_count ?? 0) * Number(size.rows[0]?.page_size ?? 0);
  if (expected > fileBytes) return `integrity check failed (1 problem, first: the file holds ${fileBytes} bytes where its header says ${expected}: it was cut short)`;
  const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`.execute(db);
  const rows: string[] = [];
  for (const { name } of tables.rows) {
    if (bigTables.includes(name)) continue;
    const result = await sql<{ quick_check: string }>`pragma quick_check(${sql.raw(`"${name.replace(/"/g, '""')}"`)})`.execute(db);
    rows.push(...result.rows.map((row) => row.quick_check));
  }
  return damageSummary(rows);
}

/**
 * Checks the file at `file` on a connection of its own, read-only, so a
 * running server's connection is not held for the seconds a big file takes.
 */
export async function checkFileIntegrity(file: string, kind: 'quick_check' | 'integrity_check'): Promise<string | null> {
  const db = new Kysely<unknown>({ dialect: new SqliteDialect(file, { readOnly: true }) });
  try {
    return await checkIntegrity(db, kind);
  } finally {
    await db.destroy();
  }
}
