import { decodeKeyset, encodeKeyset, InvalidCursorError, type KeysetPosition } from '../store/keyset';
import { invalid } from './errors';

/** Keyset position (created_at, id) as an opaque string for `nextCursor`. */
export function encodeListCursor(createdAt: number, id: string): string {
  return encodeKeyset({ createdAt, id });
}

/** Reads a cursor from `encodeListCursor`; a forged one is an input error on `cursor`. */
export function decodeListCursor(cursor: string): KeysetPosition {
  try {
    return decodeKeyset(cursor);
  } catch (err) {
    if (err instanceof InvalidCursorError) throw invalid([{ field: 'cursor', message: 'not a cursor from this list; start again without one' }]);
    throw err;
  }
}
