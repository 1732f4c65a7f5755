import { invalid } from './errors';

/** Keyset position (created_at, id) as an opaque string for `nextCursor`. */
export function encodeListCursor(createdAt: number, id: string): string {
  return Buffer.from(`${createdAt}.${id}`, 'utf8').toString('base64url');
}

/** Reads a cursor from `encodeListCursor`; a forged one is an input error on `cursor`. */
export function decodeListCursor(cursor: string): { createdAt: number; id: string } {
  const match = /^(\d{1,16})\.([\w:-]{1,200})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw invalid([{ field: 'cursor', message: 'not a cursor from this list; start again without one' }]);
  return { createdAt: Number(match[1]), id: match[2]! };
}
