import { decodeKeyset, encodeKeyset, type KeysetPosition } from '../store/keyset';

/** Keyset position (created_at, id) as an opaque string for `nextCursor`. */
export function encodeListCursor(createdAt: number, id: string): string {
  return encodeKeyset({ createdAt, id });
}

/** Reads a cursor from `encodeListCursor`; a forged one is an input error on `cursor` (`InvalidCursorError`). */
export function decodeListCursor(cursor: string): KeysetPosition {
  return decodeKeyset(cursor);
}
