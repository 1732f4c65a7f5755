import { AdminError } from '../../shared/contract/errors';
import { sql, type RawBuilder, type SqlBool } from 'kysely';

/** A cursor that no list produced (or one tampered with): the contract's input error on `cursor`. */
export class InvalidCursorError extends AdminError {
  override name = 'InvalidCursorError';
  constructor() {
    const message = 'not a cursor from this list; start again without one';
    super({ code: 'invalid_input', message: `cursor: ${message}`, fields: [{ field: 'cursor', message }] });
  }
}

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

/** The position as an opaque string (`nextCursor`). */
export function encodeKeyset(position: KeysetPosition): string {
  return Buffer.from(`${position.createdAt}.${position.id}`, 'utf8').toString('base64url');
}

/** Reads a cursor from `encodeKeyset`; anything else is an {@link InvalidCursorError}. */
export function decodeKeyset(cursor: string): KeysetPosition {
  const match = /^(\d{1,16})\.([\w:-]{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new InvalidCursorError();
  return { createdAt: Number(match[1]), id: match[2]! };
}
