/**
 * SQLite's primary result codes by number (sqlite.org/rescode.html). The
 * store speaks of SQLite errors by these names (`err.code === 'SQLITE_FULL'`:
 * the storage-health tracker, the unit of work's aborting errors, the open
 * errors' wording), the names the sqlite3 package used to give; node:sqlite
 * gives numbers, mapped here and nowhere else.
 */
const PRIMARY_CODES: Record<number, string> = {
  1: 'SQLITE_ERROR',
  2: 'SQLITE_INTERNAL',
  3: 'SQLITE_PERM',
  4: 'SQLITE_ABORT',
  5: 'SQLITE_BUSY',
  6: 'SQLITE_LOCKED',
  7: 'SQLITE_NOMEM',
  8: 'SQLITE_READONLY',
  9: 'SQLITE_INTERRUPT',
  10: 'SQLITE_IOERR',
  11: 'SQLITE_CORRUPT',
  12: 'SQLITE_NOTFOUND',
  13: 'SQLITE_FULL',
  14: 'SQLITE_CANTOPEN',
  15: 'SQLITE_PROTOCOL',
  16: 'SQLITE_EMPTY',
  17: 'SQLITE_SCHEMA',
  18: 'SQLITE_TOOBIG',
  19: 'SQLITE_CONSTRAINT',
  20: 'SQLITE_MISMATCH',
  21: 'SQLITE_MISUSE',
  22: 'SQLITE_NOLFS',
  23: 'SQLITE_AUTH',
  24: 'SQLITE_FORMAT',
  25: 'SQLITE_RANGE',
  26: 'SQLITE_NOTADB',
  27: 'SQLITE_NOTICE',
  28: 'SQLITE_WARNING',
};

/** A SQLite failure as the store sees it: `code` names the primary result code. */
export interface SqliteError extends Error {
  code: string;
  /** The primary result code, a number. */
  errno: number;
}

/**
 * `node:sqlite` reports a SQLite failure as `{ code: 'ERR_SQLITE_ERROR',
 * errcode, errstr }`, where `errcode` may be an extended code
 * (SQLITE_IOERR_WRITE is 778). This turns it into an error whose `code` is
 * the primary code's name and whose message starts with it
 * (`SQLITE_FULL: database or disk is full`), the original as its cause.
 * Anything else (a value node:sqlite cannot bind, say) is returned as is.
 */
export function fromNodeSqliteError(err: unknown): unknown {
  const errcode = (err as { errcode?: unknown } | undefined)?.errcode;
  if (!(err instanceof Error) || typeof errcode !== 'number') return err;
  const errno = errcode & 0xff;
  const code = PRIMARY_CODES[errno] ?? 'SQLITE_ERROR';
  return Object.assign(new Error(`${code}: ${err.message}`, { cause: err }), { code, errno, errcode, errstr: (err as { errstr?: unknown }).errstr });
}
