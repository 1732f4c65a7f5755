import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** A position in a newest-first list ordered by (created_at, id). */
export interface KeysetPosition {
  createdAt: number;
  id: string;
}

/**
 * The keyset condition "after this position" of a newest-first list
 * ordered by (created_at desc, id desc): page N costs what page 1 does.
 * `prefix` qualifies the columns (`'g.'`) when the query joins tables.
 */
export function olderThan(after: KeysetPosition, prefix = ''): RawBuilder<SqlBool> {
  const createdAt = sql.ref(`${prefix}created_at`);
  const id = sql.ref(`${prefix}id`);
  return sql<SqlBool>`(${createdAt} < ${after.createdAt} or (${createdAt} = ${after.createdAt} and ${id} < ${after.id}))`;
}
