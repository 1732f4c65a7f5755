import { sql } from 'kysely';
import type { Db } from './database';
import { dialectOf } from './dialect';

/** A row as both databases hold it: the schema has no blobs, so numbers, text and nulls. */
export type CopiedRow = Record<string, unknown>;

/** Changes a row on its way (re-encrypts what the master key sealed); returns it unchanged otherwise. */
export type RowTransform = (table: string, row: CopiedRow) => CopiedRow;

export interface CopyReport {
  /** Rows copied per table, in the order they were copied. */
  tables: Array<{ table: string; rows: number }>;
  rows: number;
}

/** The target holds data already: nothing was copied. */
export class TargetNotEmptyError extends Error {
  override name = 'TargetNotEmptyError';
}

/** Rows read and inserted per statement. */
const BATCH = 500;
/** Tables of the migrator itself: each database has its own history, made by its own migrations. */
const OWN = /^(sqlite_|kysely_migration)/;

/** The tables of a SQLite store, parents before children (its foreign keys say which is which). */
async function tablesInCopyOrder(source: Db): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`select name from sqlite_master where type = 'table' order by name`.execute(source);
  const tables = rows.map((r) => r.name).filter((name) => !OWN.test(name));
  const parents = new Map<string, string[]>();
  for (const table of tables) {
    const fks = await sql<{ table: string }>`select "table" from pragma_foreign_key_list(${table})`.execute(source);
    parents.set(table, fks.rows.map((r) => r.table).filter((t) => t !== table));
  }
  const ordered: string[] = [];
  const visit = (table: string, path: Set<string>) => {
    if (ordered.includes(table) || path.has(table)) return;
    path.add(table);
    for (const parent of parents.get(table) ?? []) if (parents.has(parent)) visit(parent, path);
    ordered.push(table);
  };
  for (const table of tables) visit(table, new Set());
  return ordered;
}

/** Tables of the target that hold rows (the migrations' own seeding aside, see {@link copySqliteToPostgres}). */
async function nonEmptyTables(target: Db, tables: string[], ignore: ReadonlySet<string>): Promise<string[]> {
  const busy: string[] = [];
  for (const table of tables) {
    if (ignore.has(table)) continue;
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(target);
    if (Number(rows[0]?.n ?? 0) > 0) busy.push(table);
  }
  return busy;
}

/**
 * Copies every row of a SQLite store into an empty PostgreSQL store of the
 * same schema version, in one transaction on the target (all or nothing):
 * tables parents first, in batches, in each table's row order; the
 * target's triggers (the single live token rule) are off meanwhile, since
 * the rows already are what those rules made; identity columns continue
 * after the highest copied id. Tables the target's migrations fill
 * themselves (`replaced`: the built-in resource servers) are emptied first
 * and take the source's rows. `transform` sees each row (re-encryption).
 */
export async function copySqliteToPostgres(source: Db, target: Db, options: { transform?: RowTransform; replaced?: string[] } = {}): Promise<CopyReport> {
  if (dialectOf(source) !== 'sqlite' || dialectOf(target) !== 'postgres') throw new Error('the copy goes from a SQLite store to a PostgreSQL store');
  const tables = await tablesInCopyOrder(source);
  const replaced = new Set(options.replaced ?? []);
  const busy = await nonEmptyTables(target, tables, replaced);
  if (busy.length > 0) throw new TargetNotEmptyError(`the target database is not empty (rows in ${busy.join(', ')}): copy into an empty database`);
  const transform = options.transform ?? ((_table, row) => row);
  const report: CopyReport = { tables: [], rows: 0 };
  await target.transaction().execute(async (trx) => {
    for (const table of tables) await sql`alter table ${sql.table(table)} disable trigger user`.execute(trx);
    for (const table of [...tables].reverse()) if (replaced.has(table)) await sql`delete from ${sql.table(table)}`.execute(trx);
    for (const table of tables) {
      let copied = 0;
      let after = Number.MIN_SAFE_INTEGER;
      for (;;) {
        const { rows } = await sql<CopiedRow & { _rowid: number }>`select rowid as _rowid, * from ${sql.table(table)} where rowid > ${after} order by rowid limit ${BATCH}`.execute(source);
        if (rows.length === 0) break;
        after = rows.at(-1)!._rowid;
        const values = rows.map(({ _rowid, ...row }) => transform(table, row));
        await trx.insertInto(table as never).values(values as never).execute();
        copied += rows.length;
        if (rows.length < BATCH) break;
      }
      report.tables.push({ table, rows: copied });
      report.rows += copied;
    }
    for (const table of tables) await sql`alter table ${sql.table(table)} enable trigger user`.execute(trx);
    await continueIdentities(trx as unknown as Db, tables);
  });
  return report;
}

/** Moves each identity column's sequence past the highest id copied into it. */
async function continueIdentities(target: Db, tables: string[]): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`
    select table_name, column_name from information_schema.columns
    where table_schema = current_schema() and is_identity = 'YES'`.execute(target);
  for (const { table_name: table, column_name: column } of rows) {
    if (!tables.includes(table)) continue;
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}), greatest(coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0), 1), (select count(*) > 0 from ${sql.table(table)}))`.execute(target);
  }
}

/** Rows per table on both sides, for the check after a copy. */
export async function rowCounts(db: Db, tables: string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const table of tables) {
    const { rows } = await sql<{ n: string | number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    counts.set(table, Number(rows[0]?.n ?? 0));
  }
  return counts;
}
